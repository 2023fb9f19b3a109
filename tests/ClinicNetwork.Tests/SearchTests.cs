using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.ClinicNetwork.Search;
using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

/// <summary>Searches from downtown Orlando at 10:00 on a Wednesday (the factory's clock).</summary>
public sealed class Searching_for_a_clinic(ClockedClinicsFactory clinics) : IClassFixture<ClockedClinicsFactory>
{
    private const string Downtown = "latitude=28.5383&longitude=-81.3792";

    private async Task<(HttpClient Client, string Tenant)> NetworkAsync()
    {
        var tenant = Network.Tenant();
        var client = clinics.ClientFor(tenant);
        await client.LoadAsync(
            Network.Clinic("ORL-1").With("specialties", new[] { "cardiology" }).With("directBillingInsurers", new[] { tenant }),
            Network.Clinic("ORL-NIGHT", 28.5433).With("openingHours", new[] { new { day = 2, opens = "22:00", closes = "11:00" } }),
            Network.Clinic("ORL-2", 28.60).With("specialties", new[] { "cardiology" }).With("languages", new[] { "en", "ru" })
                .With("admits247", true).With("openingHours", Array.Empty<object>()).With("inpatient", true),
            Network.Clinic("ORL-3", 28.5383, -81.20).With("openingHours", Array.Empty<object>()),
            Network.Clinic("ORL-SUSPENDED").With("status", "suspended"),
            Network.Clinic("ORL-EXPIRED").With("contractTo", "2026-01-01"),
            Network.Clinic("ORL-OTHER-INSURER").With("directBillingInsurers", new[] { "someone-else" }).With("latitude", 28.539),
            Network.Clinic("TPA-1", 27.9506, -82.4572, "Tampa"));
        return (client, tenant);
    }

    private static async Task<(string[] Codes, System.Text.Json.JsonElement Body)> SearchAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/clinics/search?{query}");
        var body = await response.Json();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return (body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("clinic").GetProperty("code").GetString()!).ToArray(), body);
    }

    [Fact]
    public async Task Lists_active_clinics_in_contract_within_the_radius_nearest_first()
    {
        var (client, _) = await NetworkAsync();

        var (codes, body) = await SearchAsync(client, $"{Downtown}&radiusKm=50");

        Assert.Equal(["ORL-1", "ORL-OTHER-INSURER", "ORL-NIGHT", "ORL-2", "ORL-3"], codes);
        var first = body.GetProperty("results")[0];
        Assert.Equal(0, first.GetProperty("distanceKm").GetDouble(), 2);
        Assert.Equal(75, first.GetProperty("qualityScore").GetInt32());
        Assert.Equal(17.6, body.GetProperty("results")[4].GetProperty("distanceKm").GetDouble(), 0);
    }

    [Fact]
    public async Task For_an_urgent_need_keeps_those_open_now_in_their_zone_or_admitting_around_the_clock()
    {
        var (client, _) = await NetworkAsync();

        var (codes, body) = await SearchAsync(client, $"{Downtown}&urgency=urgent");
        var matches = body.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("clinic").GetProperty("code").GetString()!,
            r => r.GetProperty("matches").EnumerateArray().Select(m => m.GetString()).ToArray());

        Assert.Equal(["ORL-1", "ORL-OTHER-INSURER", "ORL-NIGHT", "ORL-2"], codes);
        Assert.Contains("open now until 20:00", matches["ORL-1"]);
        Assert.Contains("open now until 11:00", matches["ORL-NIGHT"]); // Tuesday 22:00 to Wednesday 11:00
        Assert.Contains("admits 24/7", matches["ORL-2"]);

        clinics.Clock.Now = ClockedClinicsFactory.Now.AddHours(8); // 18:00 in Orlando: the night clinic has closed
        try
        {
            Assert.Equal(["ORL-1", "ORL-OTHER-INSURER", "ORL-2"], (await SearchAsync(client, $"{Downtown}&urgency=emergency")).Codes);
        }
        finally
        {
            clinics.Clock.Now = ClockedClinicsFactory.Now;
        }
    }

    [Fact]
    public async Task Filters_by_specialty_language_care_and_direct_billing_for_this_tenant_and_says_why()
    {
        var (client, tenant) = await NetworkAsync();

        var (russian, body) = await SearchAsync(client, $"{Downtown}&specialty=cardiology&language=RU&care=inpatient");
        var (billing, billed) = await SearchAsync(client, $"{Downtown}&directBilling=true");

        Assert.Equal(["ORL-2"], russian);
        var reasons = body.GetProperty("results")[0].GetProperty("matches").EnumerateArray().Select(m => m.GetString()).ToArray();
        Assert.Contains("specialty cardiology", reasons);
        Assert.Contains("speaks ru", reasons);
        Assert.Contains("inpatient care", reasons);
        Assert.Equal(["ORL-1"], billing);
        Assert.Contains($"direct billing with {tenant}", billed.GetProperty("results")[0].GetProperty("matches").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Ranks_a_clinic_with_complaints_below_a_slightly_farther_one()
    {
        var (client, _) = await NetworkAsync();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/clinics/ORL-1/quality/events", new { kind = "complaint" })).StatusCode);

        var (codes, body) = await SearchAsync(client, $"{Downtown}&limit=3");

        Assert.Equal(["ORL-OTHER-INSURER", "ORL-NIGHT", "ORL-1"], codes);
        Assert.Equal(19, body.GetProperty("results")[2].GetProperty("qualityScore").GetInt32());
    }

    [Fact]
    public async Task Sees_only_the_tenants_own_network()
    {
        await NetworkAsync();

        Assert.Empty((await SearchAsync(clinics.ClientFor(Network.Tenant()), Downtown)).Codes);
    }

    [Fact]
    public async Task For_a_case_starts_from_the_centroid_of_the_tenants_clinics_in_its_city()
    {
        var (client, _) = await NetworkAsync();

        var (codes, body) = await SearchAsync(client, "country=us&city=TAMPA&radiusKm=10");
        var unknown = await client.GetAsync("/clinics/search?country=US&city=Gainesville");

        Assert.Equal(["TPA-1"], codes);
        Assert.Equal("city-centroid", body.GetProperty("origin").GetProperty("source").GetString());
        Assert.Equal(27.9506, body.GetProperty("origin").GetProperty("latitude").GetDouble(), 4);
        var problem = await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["latitude", "longitude"], problem.ErrorKeys());
    }

    [Fact]
    public async Task For_a_case_by_its_number_starts_from_the_city_Cases_published_for_it()
    {
        var (client, tenant) = await NetworkAsync();
        await Gop.PublishAsync(clinics, new Platform.Contracts.CaseCoverageChanged(tenant, Guid.NewGuid(), "2026-000777",
            new Platform.Contracts.InsuredIdentity("POL-1", "Pyotr Ivanov", new DateOnly(1956, 4, 12)),
            [new Platform.Contracts.BenefitCover(Gop.Medical, 50_000m, "USD", 0, 0)], 0, DateTimeOffset.UtcNow,
            new Platform.Contracts.AppealLocation("US", "Tampa", null)));

        var (codes, body) = await SearchAsync(client, "caseNumber=2026-000777&radiusKm=10");
        var unknown = await client.GetAsync("/clinics/search?caseNumber=2026-999999");

        Assert.Equal(["TPA-1"], codes);
        Assert.Equal("city-centroid", body.GetProperty("origin").GetProperty("source").GetString());
        var problem = await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["caseNumber"], problem.ErrorKeys());
    }

    [Theory]
    [InlineData("latitude=91&longitude=0", "latitude")]
    [InlineData("latitude=10", "longitude")]
    [InlineData("latitude=10&longitude=10&specialty=astrology", "specialty")]
    [InlineData("latitude=10&longitude=10&radiusKm=5000", "radiusKm")]
    [InlineData("latitude=10&longitude=10&language=xx", "language")]
    [InlineData("latitude=10&longitude=10&urgency=soon", "urgency")]
    [InlineData("limit=5", "latitude")]
    public async Task With_bad_input_gets_a_problem_naming_the_field(string query, string field)
    {
        var response = await clinics.ClientFor(Network.Tenant()).GetAsync($"/clinics/search?{query}");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Contains(field, problem.ErrorKeys());
    }

    [Fact]
    public async Task Walks_the_gist_index_nearest_first()
    {
        var tenant = Network.Tenant();
        var client = clinics.ClientFor(tenant);
        var csv = new StringBuilder(Network.CsvHeader).Append('\n');
        var random = new Random(11);
        for (var i = 0; i < 3000; i++)
            csv.Append(FormattableString.Invariant($"K-{i},Clinic {i},US,Orlando,Street {i},{27 + random.NextDouble() * 3},{-83 + random.NextDouble() * 3},,,,,,,,,,,,,,,\n"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/clinics/network/batch", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).StatusCode);

        await using var connection = new NpgsqlConnection(clinics.ConnectionString);
        await connection.OpenAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE clinics", connection)) await analyze.ExecuteNonQueryAsync();
        await using (var asSearched = new NpgsqlCommand("SET enable_bitmapscan = off", connection)) await asSearched.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + ClinicSearch.CandidatesSql, connection);
        ClinicSearch.Bind(explain.Parameters, tenant, new SearchQuery(28.5, -81.4, 50, 10, null, Urgencies.Urgent, null, null, false), ClockedClinicsFactory.Now);
        var plan = new StringBuilder();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.AppendLine(reader.GetString(0));

        Assert.True(plan.ToString().Contains("Index Scan using clinics_location") && plan.ToString().Contains("Order By: (location <-> "), plan.ToString());
    }
}
