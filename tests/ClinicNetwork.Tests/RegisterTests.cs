using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

public sealed class Loading_the_clinic_network(ClinicsFactory clinics) : IClassFixture<ClinicsFactory>
{
    [Fact]
    public async Task As_json_creates_the_clinics_then_updates_them_by_code()
    {
        var client = clinics.ClientFor(Network.Tenant());
        var first = await client.PostAsJsonAsync("/clinics/network/batch", new[]
        {
            Network.Clinic("ORL-1").With("specialties", new[] { "Cardiology", "emergency" }).With("directBillingInsurers", new[] { "acme" }),
            Network.Clinic("ORL-2"),
        });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(2, (await first.Json()).GetProperty("created").GetInt32());

        var second = await client.PostAsJsonAsync("/clinics/network/batch", new { clinics = new[] { Network.Clinic("ORL-1").With("name", "Orlando Heart") } });
        var counts = await second.Json();
        Assert.Equal(0, counts.GetProperty("created").GetInt32());
        Assert.Equal(1, counts.GetProperty("updated").GetInt32());

        var clinic = await (await client.GetAsync("/clinics/ORL-1")).Json();
        Assert.Equal("Orlando Heart", clinic.GetProperty("name").GetString());
        Assert.Equal("America/New_York", clinic.GetProperty("timeZone").GetString()); // the country's capital zone, none given
        Assert.Equal(28.5383, clinic.GetProperty("latitude").GetDouble(), 6);
        Assert.Equal(-81.3792, clinic.GetProperty("longitude").GetDouble(), 6);
        Assert.Equal("20:00", clinic.GetProperty("openingHours")[0].GetProperty("closes").GetString());
        Assert.Equal("active", clinic.GetProperty("status").GetString());
        Assert.True(clinic.GetProperty("outpatient").GetBoolean());
    }

    [Fact]
    public async Task As_csv_reads_lists_hours_and_prices()
    {
        var client = clinics.ClientFor(Network.Tenant());

        var response = await client.PostAsync("/clinics/network/batch", Network.Csv(
            "IST-1,Acibadem,TR,Istanbul,\"Halaskargazi Cd. 1, Sisli\",41.06,28.99,,+90 212 000 0000,desk@example.org,cardiology;paediatrics,tr;en;ru,true,true,true,true,acme;globex,2026-01-01,2027-12-31,active,1-5 08:00-20:00;6 22:00-06:00,consultation:80:EUR:2026-01-01;x-ray-chest:40:EUR:2026-01-01:2026-12-31"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var clinic = await (await client.GetAsync("/clinics/IST-1")).Json();
        Assert.Equal("Europe/Istanbul", clinic.GetProperty("timeZone").GetString());
        Assert.Equal(["tr", "en", "ru"], clinic.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["acme", "globex"], clinic.GetProperty("directBillingInsurers").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(6, clinic.GetProperty("openingHours").GetArrayLength());
        Assert.Equal("06:00", clinic.GetProperty("openingHours")[5].GetProperty("closes").GetString());
        Assert.True(clinic.GetProperty("admits247").GetBoolean());
        var prices = await (await client.GetAsync("/clinics/IST-1/prices?on=2026-03-01")).Json();
        Assert.Equal(2, prices.GetArrayLength());
        Assert.Equal(80m, prices[0].GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task With_bad_rows_writes_nothing_and_names_each_row_and_field()
    {
        var tenant = Network.Tenant();
        var client = clinics.ClientFor(tenant);

        var json = await client.PostAsJsonAsync("/clinics/network/batch", new[]
        {
            Network.Clinic("OK-1"),
            Network.Clinic("BAD-1").With("latitude", 95.0).With("timeZone", "Mars/Olympus"),
            Network.Clinic("BAD-2").With("specialties", new[] { "astrology" })
                .With("openingHours", new[] { new { day = 8, opens = "8am", closes = "20:00" } }),
            Network.Clinic("OK-1"),
        });
        var csv = await client.PostAsync("/clinics/network/batch", Network.Csv(
            "OK-2,Fine,US,Orlando,1 Main St,28.5,-81.3,,,,,,,,,,,,,,,",
            "BAD-3,Wrong,XX,Orlando,1 Main St,north,-81.3,,,not-an-email,,,maybe,,,,,,,,1-5 8-20,consultation:80"));

        var problem = await ProblemAssert.IsProblemAsync(json, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["clinics[1].latitude", "clinics[1].timeZone", "clinics[2].openingHours[0].day", "clinics[2].openingHours[0].opens",
            "clinics[2].specialties[0]", "clinics[3].code"], problem.ErrorKeys());
        var csvProblem = await ProblemAssert.IsProblemAsync(csv, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["rows[3].country", "rows[3].email", "rows[3].inpatient", "rows[3].latitude", "rows[3].opening_hours", "rows[3].prices"],
            csvProblem.ErrorKeys());
        Assert.Equal(0, await clinics.CountAsync("SELECT count(*) FROM clinics WHERE tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public async Task Of_one_tenant_is_invisible_to_another()
    {
        var owner = clinics.ClientFor(Network.Tenant());
        var other = clinics.ClientFor(Network.Tenant());
        await owner.LoadAsync(Network.Clinic("SHARED-CODE"));
        await other.LoadAsync(Network.Clinic("SHARED-CODE").With("name", "The other's"));

        Assert.Equal("Clinic SHARED-CODE", (await (await owner.GetAsync("/clinics/SHARED-CODE")).Json()).GetProperty("name").GetString());
        await ProblemAssert.IsProblemAsync(await clinics.ClientFor(Network.Tenant()).GetAsync("/clinics/SHARED-CODE"),
            HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.Equal(0, (await (await clinics.ClientFor(Network.Tenant()).GetAsync("/clinics")).Json()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task With_a_new_price_version_closes_the_previous_one_and_keeps_it()
    {
        var client = clinics.ClientFor(Network.Tenant());
        await client.LoadAsync(Network.Clinic("P-1").With("prices", new[] { new { serviceCode = "consultation", price = 80, currency = "usd", validFrom = "2026-01-01" } }));
        await client.LoadAsync(Network.Clinic("P-1").With("prices", new[] { new { serviceCode = "consultation", price = 95.50, currency = "USD", validFrom = "2026-07-01" } }));

        var march = await (await client.GetAsync("/clinics/P-1/prices?on=2026-03-01")).Json();
        var august = await (await client.GetAsync("/clinics/P-1/prices?on=2026-08-01")).Json();
        var history = await (await client.GetAsync("/clinics/P-1/prices?all=true")).Json();

        Assert.Equal(80m, march.EnumerateArray().Single().GetProperty("price").GetDecimal());
        Assert.Equal(95.5m, august.EnumerateArray().Single().GetProperty("price").GetDecimal());
        Assert.Equal(2, history.GetArrayLength());
        Assert.Equal("2026-06-30", history[0].GetProperty("validTo").GetString());
        Assert.Equal(JsonValueKindNull, history[1].GetProperty("validTo").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task That_changes_a_clinics_prices_tells_billing_its_whole_price_list_and_one_that_changes_none_tells_nothing()
    {
        var tenant = Network.Tenant();
        var client = clinics.ClientFor(tenant);
        await client.LoadAsync(Network.Clinic("PL-1").With("prices", new[] { new { serviceCode = "consultation", price = 80, currency = "USD", validFrom = "2026-01-01" } }));
        await client.LoadAsync(Network.Clinic("PL-1").With("prices", new[] { new { serviceCode = "x-ray", price = 120, currency = "USD", validFrom = "2026-01-01" } }));
        await client.LoadAsync(Network.Clinic("PL-1").With("name", "Renamed, prices as they were")
            .With("prices", new[] { new { serviceCode = "x-ray", price = 120, currency = "USD", validFrom = "2026-01-01" } }));

        var published = await PriceListsAsync(tenant);

        Assert.Equal(2, published.Count);
        var latest = published[^1];
        Assert.Equal("PL-1", latest.GetProperty("clinicCode").GetString());
        Assert.Equal(["consultation", "x-ray"], latest.GetProperty("prices").EnumerateArray().Select(p => p.GetProperty("serviceCode").GetString()));
        Assert.Equal("USD", latest.GetProperty("prices")[1].GetProperty("currency").GetString());
    }

    private async Task<List<System.Text.Json.JsonElement>> PriceListsAsync(string tenant)
    {
        await using var connection = new Npgsql.NpgsqlConnection(clinics.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT body::text FROM outbox_messages
            WHERE message_type LIKE 'Platform.Contracts.ClinicPriceListChanged,%' AND body->>'tenantId' = @tenant ORDER BY id
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenant);
        var list = new List<System.Text.Json.JsonElement>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(System.Text.Json.JsonDocument.Parse(r.GetString(0)).RootElement.Clone());
        return list;
    }

    [Fact]
    public async Task One_clinic_is_put_by_its_code_and_listed_by_filters_a_page_at_a_time()
    {
        var client = clinics.ClientFor(Network.Tenant());
        var put = await client.PutAsJsonAsync("/clinics/MIA-1", Network.Clinic("MIA-1", 25.76, -80.19, "Miami").With("status", "suspended"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await client.LoadAsync(Network.Clinic("ORL-A"), Network.Clinic("ORL-B"), Network.Clinic("ORL-C"));

        var page = await (await client.GetAsync("/clinics?city=orlando&limit=2")).Json();
        var next = await (await client.GetAsync($"/clinics?city=orlando&limit=2&after={page.GetProperty("next").GetString()}")).Json();
        var suspended = await (await client.GetAsync("/clinics?status=suspended")).Json();
        var wrong = await client.PutAsJsonAsync("/clinics/MIA-2", Network.Clinic("MIA-1"));

        Assert.Equal(["ORL-A", "ORL-B"], page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        Assert.Equal(["ORL-C"], next.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        Assert.Equal(["MIA-1"], suspended.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        Assert.Equal(["code"], (await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.BadRequest, ProblemTypes.Validation)).ErrorKeys());
    }
}
