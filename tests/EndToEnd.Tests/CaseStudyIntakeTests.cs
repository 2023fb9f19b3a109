using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Seed 000 through the gateway: an insurer loads its register; the daughter of an insured in a US hospital calls again
/// and again. Every call must leave her with a promise, instructions, and the one case they all belong to.
/// </summary>
public sealed class The_daughters_calls_from_the_case_study(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private static object Call(int n, string policyNumber) => new
    {
        channel = n == 1 ? "phone" : n % 2 == 0 ? "messenger" : "phone",
        caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
        insured = new { policyNumber, fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
        location = new { country = "US", city = "Orlando", address = "AdventHealth Orlando" },
        description = n == 1 ? "Отца госпитализировали с болью в груди, клиника спрашивает, кто платит" : $"Звонок {n}: дочь спрашивает, что происходит",
        risk = "illness",
    };

    [Fact]
    public async Task Each_call_gets_a_promise_next_steps_and_the_same_case()
    {
        var (_, insurer) = await platform.NewInsurerAsync("e2e-seed");
        var csv = new StringBuilder()
            .AppendLine("policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,limits,deductible,covered_risks,excluded_risks")
            .AppendLine($"TRV-2026-000117,Comfort,{Today.AddDays(-5):yyyy-MM-dd},{Today.AddDays(10):yyyy-MM-dd},WORLD,Pyotr Ivanov,1956-04-12,medical-expenses:50000:USD;repatriation:20000:USD;rehabilitation:3000:USD,100:USD,illness;accident,alcohol")
            .AppendLine($"TRV-2025-000999,Comfort,{Today.AddYears(-1):yyyy-MM-dd},{Today.AddDays(-30):yyyy-MM-dd},WORLD,Olga Ivanova,1960-01-01,medical-expenses:50000:USD,,illness,")
            .ToString();
        var load = await insurer.PostAsync("/api/intake/policies/batch", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);

        // Call 1: the case opens.
        var first = await RegisterAsync(insurer, Call(1, "TRV-2026-000117"), "seed-call-1");
        Assert.Equal("covered", first.GetProperty("coverage").GetProperty("status").GetString());
        Assert.Equal(50000m, first.GetProperty("coverage").GetProperty("policy").GetProperty("limits")[0].GetProperty("amount").GetDecimal());
        Assert.Equal("emergency", first.GetProperty("triage").GetString()); // "боль в груди" is a red flag
        Assert.True(first.GetProperty("callback").GetProperty("dueAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        var codes = first.GetProperty("nextSteps").EnumerateArray().Select(s => s.GetProperty("code").GetString()).ToList();
        Assert.Contains("romif", codes);
        Assert.Contains("itemised-bill", codes);
        Assert.Contains("settlement", codes);
        var appealId = first.GetProperty("id").GetGuid();
        string? caseNumber = null;
        await Eventually.True(async () =>
        {
            caseNumber = (await insurer.GetFromJsonAsync<JsonElement>($"/api/intake/appeals/{appealId}")).GetProperty("caseNumber").GetString();
            return caseNumber is not null;
        }, TimeSpan.FromSeconds(10), "the case is opened");

        // Calls 2 to 8: each joins the same case, and says so at once.
        for (var n = 2; n <= 8; n++)
        {
            var call = await RegisterAsync(insurer, Call(n, "TRV-2026-000117"), $"seed-call-{n}");
            Assert.True(call.GetProperty("attachedToOpenCase").GetBoolean(), $"call {n} joins the open case");
            Assert.Equal(caseNumber, call.GetProperty("caseNumber").GetString());
            Assert.Equal("callback-attached", call.GetProperty("nextSteps").EnumerateArray()
                .Select(s => s.GetProperty("code").GetString()).First(c => c!.StartsWith("callback")));
        }

        // A retried request (same Idempotency-Key) is the same call, not a ninth: the gateway replays the first answer.
        var retried = await insurer.SendAsync(Post(Call(8, "TRV-2026-000117"), "seed-call-8"));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        // The same key for another call is refused, naming the header.
        var reused = await insurer.SendAsync(Post(Call(7, "TRV-2026-000117"), "seed-call-8"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.True((await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));

        JsonElement file = default;
        await Eventually.True(async () =>
        {
            file = await insurer.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}");
            return file.GetProperty("appeals").GetArrayLength() == 8;
        }, TimeSpan.FromSeconds(10), "eight appeals are filed in one case");
        var briefing = await insurer.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/briefing");
        Assert.Equal("TRV-2026-000117", briefing.GetProperty("policy").GetProperty("policyNumber").GetString());
        Assert.Equal(8, briefing.GetProperty("promises").GetArrayLength()); // a callback promised on every call
    }

    [Fact]
    public async Task A_call_for_an_expired_policy_is_still_registered_and_answered()
    {
        var (_, insurer) = await platform.NewInsurerAsync("e2e-expired");
        var csv = "policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth\n" +
                  $"TRV-OLD,Basic,{Today.AddYears(-1):yyyy-MM-dd},{Today.AddDays(-30):yyyy-MM-dd},WORLD,Olga Ivanova,1960-01-01\n";
        (await insurer.PostAsync("/api/intake/policies/batch", new StringContent(csv, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();

        var answer = await RegisterAsync(insurer, new
        {
            channel = "phone",
            caller = new { name = "Olga Ivanova", relation = "insured", phone = "+7 900 000-00-00", language = "en" },
            insured = new { policyNumber = "TRV-OLD", fullName = "Olga Ivanova", dateOfBirth = "1960-01-01" },
            location = new { country = "TR", city = "Antalya" },
            description = "High fever",
        }, null);

        Assert.Equal("not-covered", answer.GetProperty("coverage").GetProperty("status").GetString());
        Assert.Contains(answer.GetProperty("coverage").GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "not-valid-on-date");
        Assert.Contains(answer.GetProperty("nextSteps").EnumerateArray(), s => s.GetProperty("code").GetString() == "coverage-not-covered");
    }

    private static HttpRequestMessage Post(object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake/appeals") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task<JsonElement> RegisterAsync(HttpClient insurer, object body, string? key)
    {
        var response = await insurer.SendAsync(Post(body, key));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
