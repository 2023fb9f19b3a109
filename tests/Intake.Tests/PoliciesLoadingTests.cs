using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Intake.Tests;

public static class Registers
{
    public const string Header =
        "policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,insured_document,limits,deductible,covered_risks,excluded_risks,assistance_partner";

    /// <summary>The case study's policy: the father insured for a trip to the USA.</summary>
    public static object Policy(string number = "TRV-2026-000117", string plan = "Comfort", string end = "2026-12-31",
        object[]? insured = null) => new
    {
        policyNumber = number,
        plan,
        period = new { start = "2026-01-01", end },
        territory = new[] { "WORLD" },
        insured = insured ?? [new { fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12", document = "4510 123456" }],
        limits = new object[]
        {
            new { benefit = "medical-expenses", amount = 50000, currency = "USD" },
            new { benefit = "repatriation", amount = 10000, currency = "USD" },
        },
        deductible = new { amount = 100, currency = "USD" },
        coveredRisks = new[] { "illness", "accident" },
        excludedRisks = new[] { "pre-existing-conditions", "alcohol" },
        assistancePartner = "Global Assist",
    };

    public static StringContent Csv(params string[] rows) =>
        new(string.Join("\r\n", [Header, .. rows]) + "\r\n", Encoding.UTF8, "text/csv");

    public static string Tenant() => $"insurer-{Guid.NewGuid():N}"[..20];

    public static async Task<JsonElement> Json(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static string[] ErrorKeys(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();
}

public sealed class Loading_a_register_as_json(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Creates_the_policies_and_reads_them_back()
    {
        var client = intake.ClientFor(Registers.Tenant());
        var family = new object[]
        {
            new { fullName = "  Anna   Smirnova ", dateOfBirth = "1985-02-01" },
            new { fullName = "Oleg Smirnov", dateOfBirth = "1983-07-30", document = "P123" },
        };

        var response = await client.PostAsJsonAsync("/policies/batch", new[] { Registers.Policy(), Registers.Policy("TRV-2", insured: family) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counts = await response.Json();
        Assert.Equal(2, counts.GetProperty("created").GetInt32());
        Assert.Equal(0, counts.GetProperty("updated").GetInt32());
        Assert.Equal(2, counts.GetProperty("policies").GetInt32());
        Assert.Equal(3, counts.GetProperty("insuredPersons").GetInt32());

        var policy = await (await client.GetAsync("/policies/TRV-2026-000117")).Json();
        Assert.Equal("Comfort", policy.GetProperty("plan").GetString());
        Assert.Equal("2026-12-31", policy.GetProperty("period").GetProperty("end").GetString());
        Assert.Equal("WORLD", policy.GetProperty("territory")[0].GetString());
        Assert.Equal(50000m, policy.GetProperty("limits")[0].GetProperty("amount").GetDecimal());
        Assert.Equal("USD", policy.GetProperty("deductible").GetProperty("currency").GetString());
        Assert.Equal(["pre-existing-conditions", "alcohol"], policy.GetProperty("excludedRisks").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Global Assist", policy.GetProperty("assistancePartner").GetString());
        Assert.Equal("4510 123456", policy.GetProperty("insured")[0].GetProperty("document").GetString());

        var second = await (await client.GetAsync("/policies/TRV-2")).Json();
        Assert.Equal("Anna Smirnova", second.GetProperty("insured")[0].GetProperty("fullName").GetString()); // trimmed, spaces collapsed
        Assert.Equal("Oleg Smirnov", second.GetProperty("insured")[1].GetProperty("fullName").GetString());
    }

    [Fact]
    public async Task Accepts_the_policies_wrapped_in_an_object()
    {
        var client = intake.ClientFor(Registers.Tenant());

        var response = await client.PostAsJsonAsync("/policies/batch", new { source = "nightly export", policies = new[] { Registers.Policy() } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Json()).GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task Takes_policy_numbers_with_slashes()
    {
        var client = intake.ClientFor(Registers.Tenant());
        await client.PostAsJsonAsync("/policies/batch", new[] { Registers.Policy("001/2026-77") });

        var response = await client.GetAsync("/policies/001/2026-77");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("001/2026-77", (await response.Json()).GetProperty("policyNumber").GetString());
    }

    [Fact]
    public async Task Finds_policies_by_number_or_insured_name_prefix()
    {
        var client = intake.ClientFor(Registers.Tenant());
        await client.PostAsJsonAsync("/policies/batch", new[]
        {
            Registers.Policy("TRV-100"),
            Registers.Policy("TRV-200", insured: [new { fullName = "Maria Ivanova", dateOfBirth = "1990-01-01" }]),
            Registers.Policy("ABC-1", insured: [new { fullName = "John Smith", dateOfBirth = "1970-01-01" }]),
        });

        var byNumber = await (await client.GetAsync("/policies?search=TRV-")).Json();
        var byName = await (await client.GetAsync("/policies?search=maria")).Json();
        var all = await (await client.GetAsync("/policies")).Json();

        Assert.Equal(["TRV-100", "TRV-200"], byNumber.EnumerateArray().Select(p => p.GetProperty("policyNumber").GetString()));
        Assert.Equal(["TRV-200"], byName.EnumerateArray().Select(p => p.GetProperty("policyNumber").GetString()));
        Assert.Equal(3, all.GetArrayLength());
    }
}

public sealed class Loading_a_register_as_csv(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Merges_the_rows_of_one_policy_into_its_insured_persons()
    {
        var tenant = Registers.Tenant();
        var client = intake.ClientFor(tenant);

        var response = await client.PostAsync("/policies/batch", Registers.Csv(
            "F-1,Family,2026-06-01,2026-08-31,SCHENGEN;TR,Anna Smirnova,1985-02-01,,medical-expenses:30000:EUR;dental:300:EUR,50:EUR,illness;accident,extreme-sports,Global Assist",
            "S-1,Solo,2026-01-01,2026-12-31,WORLD-EXCL-US-CA,Ivan Petrov,1979-11-05,4510 000001,medical-expenses:50000:EUR,,,,",
            "F-1,Family,2026-06-01,2026-08-31,SCHENGEN;TR,Oleg Smirnov,1983-07-30,P123,medical-expenses:30000:EUR;dental:300:EUR,50:EUR,illness;accident,extreme-sports,Global Assist"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counts = await response.Json();
        Assert.Equal(2, counts.GetProperty("created").GetInt32());
        Assert.Equal(2, counts.GetProperty("policies").GetInt32());
        Assert.Equal(3, counts.GetProperty("insuredPersons").GetInt32());

        var family = await (await client.GetAsync("/policies/F-1")).Json();
        Assert.Equal(["Anna Smirnova", "Oleg Smirnov"], family.GetProperty("insured").EnumerateArray().Select(i => i.GetProperty("fullName").GetString()));
        Assert.Equal(["SCHENGEN", "TR"], family.GetProperty("territory").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(300m, family.GetProperty("limits")[1].GetProperty("amount").GetDecimal());
        Assert.Equal(50m, family.GetProperty("deductible").GetProperty("amount").GetDecimal());

        var solo = await (await client.GetAsync("/policies/S-1")).Json();
        Assert.Equal(JsonValueKind.Null, solo.GetProperty("deductible").ValueKind);
        Assert.Equal(0, solo.GetProperty("coveredRisks").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, solo.GetProperty("assistancePartner").ValueKind);
    }

    [Fact]
    public async Task Reads_quoted_fields_with_commas_quotes_and_line_breaks()
    {
        var client = intake.ClientFor(Registers.Tenant());

        var response = await client.PostAsync("/policies/batch", Registers.Csv(
            "Q-1,\"Comfort, family\",2026-01-01,2026-12-31,\"SCHENGEN; GB\",\"Ivanov \"\"Petya\"\" Pyotr\",1956-04-12,,\"medical-expenses:50000:EUR\",,illness,,\"Assist Co.\nMoscow office\""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = await (await client.GetAsync("/policies/Q-1")).Json();
        Assert.Equal("Comfort, family", policy.GetProperty("plan").GetString());
        Assert.Equal(["SCHENGEN", "GB"], policy.GetProperty("territory").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Ivanov \"Petya\" Pyotr", policy.GetProperty("insured")[0].GetProperty("fullName").GetString());
        Assert.Equal("Assist Co.\nMoscow office", policy.GetProperty("assistancePartner").GetString());
    }

    [Fact]
    public async Task Takes_the_columns_in_any_order_and_a_byte_order_mark()
    {
        var client = intake.ClientFor(Registers.Tenant());
        var csv = "\uFEFFinsured_date_of_birth,Insured_Full_Name,territory,end_date,start_date,plan,policy_number\n1956-04-12,Pyotr Ivanov,US,2026-12-31,2026-01-01,Basic,O-1\n";

        var response = await client.PostAsync("/policies/batch", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Basic", (await (await client.GetAsync("/policies/O-1")).Json()).GetProperty("plan").GetString());
    }
}

public sealed class Loading_a_register_again(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Updates_the_policies_by_number_and_replaces_their_insured_persons()
    {
        var tenant = Registers.Tenant();
        var client = intake.ClientFor(tenant);
        await client.PostAsJsonAsync("/policies/batch", new[] { Registers.Policy("U-1"), Registers.Policy("U-2") });

        var response = await client.PostAsJsonAsync("/policies/batch", new[]
        {
            Registers.Policy("U-1", plan: "Premium", end: "2027-01-31",
                insured: [new { fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" }, new { fullName = "Maria Ivanova", dateOfBirth = "1988-03-03" }]),
            Registers.Policy("U-3"),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counts = await response.Json();
        Assert.Equal(1, counts.GetProperty("created").GetInt32());
        Assert.Equal(1, counts.GetProperty("updated").GetInt32());
        var policy = await (await client.GetAsync("/policies/U-1")).Json();
        Assert.Equal("Premium", policy.GetProperty("plan").GetString());
        Assert.Equal("2027-01-31", policy.GetProperty("period").GetProperty("end").GetString());
        Assert.Equal(2, policy.GetProperty("insured").GetArrayLength());
        Assert.Equal(3, await intake.CountAsync("SELECT count(*) FROM policies WHERE tenant_id = @t", ("t", tenant)));
        Assert.Equal(4, await intake.CountAsync("SELECT count(*) FROM policy_insured WHERE tenant_id = @t", ("t", tenant)));
    }
}

public sealed class Loading_a_register_with_a_bad_row(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Names_the_row_and_field_and_writes_nothing()
    {
        var tenant = Registers.Tenant();
        var client = intake.ClientFor(tenant);
        await client.PostAsync("/policies/batch", Registers.Csv("B-1,Basic,2026-01-01,2026-12-31,WORLD,Ivan Petrov,1979-11-05,,,,,,"));

        var response = await client.PostAsync("/policies/batch", Registers.Csv(
            "B-1,Changed,2026-01-01,2026-12-31,WORLD,Ivan Petrov,1979-11-05,,,,,,",
            "B-2,Basic,2026-01-01,2026-12-31,WORLD,Anna Smirnova,05.02.1985,,,,,,",
            "",
            "B-3,Basic,2026-01-01,2026-12-31,NARNIA;WORLD,Oleg Smirnov,1983-07-30,,medical-expenses:lots:EUR,,,,",
            "B-4,Basic,2026-03-01,2026-02-01,WORLD,Olga Smirnova,1983-07-30,,,,,,"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Json();
        Assert.Equal("urn:platform:problem:validation", problem.GetProperty("type").GetString());
        // Row numbers as in the file: the header is row 1, and the blank line 4 still counts.
        Assert.Equal(["rows[3].insured_date_of_birth", "rows[5].territory", "rows[5].limits", "rows[6].end_date"], problem.ErrorKeys());
        Assert.Contains("NARNIA", problem.GetProperty("errors").GetProperty("rows[5].territory")[0].GetString());
        // All or nothing: the good row updating B-1 was not applied either.
        Assert.Equal(1, await intake.CountAsync("SELECT count(*) FROM policies WHERE tenant_id = @t", ("t", tenant)));
        Assert.Equal(1, await intake.CountAsync("SELECT count(*) FROM policies WHERE tenant_id = @t AND plan = 'Basic'", ("t", tenant)));
    }

    [Fact]
    public async Task In_json_names_the_policy_index_and_field_path()
    {
        var tenant = Registers.Tenant();
        var client = intake.ClientFor(tenant);
        var json = $$"""
            [
              {{JsonSerializer.Serialize(Registers.Policy("J-1"))}},
              {{JsonSerializer.Serialize(Registers.Policy("J-2", end: "2025-12-31"))}},
              {"policyNumber":"J-3","plan":"Basic","period":{"start":"2026-01-01","end":"2026-12-31"},"territory":["WORLD"],
               "insured":[{"fullName":"Ivan","dateOfBirth":"12.04.1956"}]},
              {"policyNumber":"J-1","plan":"Basic","period":{"start":"2026-01-01","end":"2026-12-31"},"territory":["USA"],
               "insured":[{"fullName":"Ivan","dateOfBirth":"1956-04-12"}],"limits":[{"benefit":"dental","amount":0,"currency":"EURO"}]}
            ]
            """;

        var response = await client.PostAsync("/policies/batch", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Json();
        Assert.Equal(
            ["policies[1].period.end", "policies[2].insured[0].dateOfBirth", "policies[3].territory[0]", "policies[3].limits[0].amount", "policies[3].limits[0].currency"],
            problem.ErrorKeys());
        Assert.Equal(0, await intake.CountAsync("SELECT count(*) FROM policies WHERE tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public async Task Reports_rows_of_one_policy_that_disagree_and_a_number_used_twice_in_json()
    {
        var client = intake.ClientFor(Registers.Tenant());

        var csv = await client.PostAsync("/policies/batch", Registers.Csv(
            "D-1,Basic,2026-01-01,2026-12-31,WORLD,Anna Smirnova,1985-02-01,,,,,,",
            "D-1,Premium,2026-01-01,2026-12-31,WORLD,Oleg Smirnov,1983-07-30,,,,,,"));
        var json = await client.PostAsJsonAsync("/policies/batch", new[] { Registers.Policy("D-2"), Registers.Policy("D-2") });

        Assert.Equal(["rows[3].plan"], (await csv.Json()).ErrorKeys());
        Assert.Equal(["policies[1].policyNumber"], (await json.Json()).ErrorKeys());
    }

    [Theory]
    [InlineData("policy_number,plan,start_date,end_date,territory,insured_full_name\n", "rows[1].insured_date_of_birth")]
    [InlineData("policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,colour\n", "rows[1].colour")]
    [InlineData("", "rows[1]")]
    [InlineData(Registers.Header + "\nX-1,Basic,2026-01-01,2026-12-31,WORLD,Ivan\n", "rows[2]")]
    [InlineData(Registers.Header + "\nX-1,Basic,2026-01-01,2026-12-31,WORLD,Iv\"an,1956-04-12,,,,,,\n", "rows[2].insured_full_name")]
    [InlineData(Registers.Header + "\n", "rows")]
    public async Task With_a_wrong_header_or_shape_names_it(string csv, string field)
    {
        var response = await intake.ClientFor(Registers.Tenant())
            .PostAsync("/policies/batch", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.Json()).ErrorKeys());
    }

    [Theory]
    [InlineData("", "body")]
    [InlineData("{}", "policies")]
    [InlineData("[", "policies[0]")]
    [InlineData("[{\"policyNumber\": \"A\"", "policies[0]")]
    [InlineData("[]", "policies")]
    [InlineData("[42]", "policies[0]")]
    [InlineData("[] []", "body")]
    public async Task With_malformed_json_names_where(string json, string field)
    {
        var response = await intake.ClientFor(Registers.Tenant())
            .PostAsync("/policies/batch", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.Json()).ErrorKeys());
    }

    [Fact]
    public async Task Is_described_in_the_api_document_for_both_media_types()
    {
        var document = await (await intake.CreateClient().GetAsync("/openapi/v1.json")).Json();

        var body = document.GetProperty("paths").GetProperty("/policies/batch").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.True(body.TryGetProperty("application/json", out _));
        Assert.True(body.TryGetProperty("text/csv", out _));
    }

    [Fact]
    public async Task Of_another_media_type_gets_a_415_problem()
    {
        var response = await intake.ClientFor(Registers.Tenant())
            .PostAsync("/policies/batch", new StringContent("<policies/>", Encoding.UTF8, "application/xml"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("urn:platform:problem:unsupported-media-type", (await response.Json()).GetProperty("type").GetString());
    }
}

public sealed class A_policy_of_another_insurer(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Cannot_be_read_and_looks_like_a_missing_one()
    {
        var owner = intake.ClientFor(Registers.Tenant());
        var other = intake.ClientFor(Registers.Tenant());
        await owner.PostAsJsonAsync("/policies/batch", new[] { Registers.Policy("T-1") });

        var foreign = await other.GetAsync("/policies/T-1");
        var missing = await other.GetAsync("/policies/T-404");
        var search = await (await other.GetAsync("/policies?search=T-")).Json();

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        var (foreignType, missingType) = ((await foreign.Json()).GetProperty("type").GetString(), (await missing.Json()).GetProperty("type").GetString());
        Assert.Equal("urn:platform:problem:not-found", foreignType);
        Assert.Equal(missingType, foreignType);
        Assert.Equal(0, search.GetArrayLength());
    }

    [Fact]
    public async Task With_the_same_number_is_loaded_independently()
    {
        var a = intake.ClientFor(Registers.Tenant());
        var b = intake.ClientFor(Registers.Tenant());
        await a.PostAsJsonAsync("/policies/batch", new[] { Registers.Policy("SAME-1", plan: "A's plan") });

        var response = await b.PostAsJsonAsync("/policies/batch", new[] { Registers.Policy("SAME-1", plan: "B's plan") });

        Assert.Equal(1, (await response.Json()).GetProperty("created").GetInt32());
        Assert.Equal("A's plan", (await (await a.GetAsync("/policies/SAME-1")).Json()).GetProperty("plan").GetString());
        Assert.Equal("B's plan", (await (await b.GetAsync("/policies/SAME-1")).Json()).GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Is_not_found_by_the_coverage_check()
    {
        var owner = Registers.Tenant();
        await intake.ClientFor(owner).PostAsJsonAsync("/policies/batch", new[] { Registers.Policy("T-2") });
        var check = intake.Services.GetRequiredService<Policies.CoverageCheck>();

        var foreign = await check.CheckAsync(Registers.Tenant(), "T-2", "Pyotr Ivanov", new DateOnly(1956, 4, 12), new DateOnly(2026, 5, 1), "US", null);
        var byName = await check.CheckAsync(Registers.Tenant(), null, "Pyotr Ivanov", new DateOnly(1956, 4, 12), new DateOnly(2026, 5, 1), "US", null);

        Assert.Equal("policy-not-found", Assert.Single(foreign.Reasons).Code);
        Assert.Equal("policy-not-found", Assert.Single(byName.Reasons).Code);
    }
}

public sealed class A_request_for_policies_without_a_tenant(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Gets_a_401_problem()
    {
        var response = await intake.CreateClient().PostAsJsonAsync("/policies/batch", new[] { Registers.Policy() });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
