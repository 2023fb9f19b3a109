using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Repatriation.Tests.Service;

/// <summary>
/// The case study's return home: a stent placed on day 1 after a heart attack in Antalya, discharge expected on day 4,
/// the return flight the family holds on day 3, a 20,000 USD repatriation cover. Day 1 is yesterday, so the dates are
/// in the platform's future whatever day the tests run.
/// </summary>
public static class Trip
{
    public static DateOnly Day(int n) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(n - 2);

    public static DateTimeOffset At(int day, int hour) => new(Day(day).ToDateTime(new TimeOnly(hour, 0)), TimeSpan.FromHours(3));

    /// <summary>Publishes the case's cover as Cases would (repatriation 20,000 USD unless said) and waits for it; returns the case id.</summary>
    public static async Task<Guid> CaseAsync(RepatriationFactory service, string tenant, string caseNumber, decimal repatriation = 20_000m,
        decimal reserved = 0, long version = 1, Guid? caseId = null)
    {
        var id = caseId ?? Guid.NewGuid();
        await PublishAsync(service, new CaseCoverageChanged(tenant, id, caseNumber, new InsuredIdentity("POL-778899", "Maria Ivanova", new DateOnly(1958, 3, 14)),
            [new BenefitCover("medical-expenses", 50_000m, "USD", 0, 0), new BenefitCover("repatriation", repatriation, "USD", reserved, 0)],
            version, DateTimeOffset.UtcNow, new AppealLocation("TR", "Antalya", null)));
        return id;
    }

    /// <summary>The attending doctor's details as Cases records them: myocardial infarction admitted on day 1, discharge day 4, flight day 3.</summary>
    public static Task MedicalAsync(RepatriationFactory service, string tenant, Guid caseId, string caseNumber, long version = 1) =>
        PublishAsync(service, new MedicalDetailsRecorded(tenant, caseId, caseNumber, version, "I21.4", "NSTEMI", ["coronary stent"], Day(1), Day(4), Day(3),
            "unknown", DateTimeOffset.UtcNow));

    /// <summary>The stent as a doctor records it here, with its date, and the low risk class.</summary>
    public static async Task FactsAsync(HttpClient client, string caseNumber)
    {
        var response = await client.PutAsJsonAsync($"/cases/{caseNumber}/medical-facts",
            new { procedures = new[] { new { code = "pci", text = "stent LAD", on = Day(1) } }, risk = "low" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An escort agency that arranges stretchers on scheduled flights, and an air ambulance operator.</summary>
    public static async Task ProvidersAsync(HttpClient client, string email = "ops@medescort.example")
    {
        var escort = await client.PutAsJsonAsync("/providers/MEDESCORT", new
        {
            name = "MedEscort International", kind = "escort-agency", email, phone = "+90 242 000 00 00", language = "en",
            rates = new object[]
            {
                new { mode = "commercial-stretcher", routeClass = "medium-haul", amount = 9_500m, currency = "USD" },
                new { mode = "commercial-seated", routeClass = "medium-haul", amount = 900m, currency = "USD" },
                new { mode = "escort:nurse", routeClass = "medium-haul", amount = 2_500m, currency = "USD" },
                new { mode = "escort:doctor", routeClass = "medium-haul", amount = 4_000m, currency = "USD" },
            },
        });
        Assert.True(escort.IsSuccessStatusCode, await escort.Content.ReadAsStringAsync());
        var air = await client.PutAsJsonAsync("/providers/SKYCARE", new
        {
            name = "SkyCare Air Ambulance", kind = "air-ambulance", email = "booking@skycare.example", language = "ru",
            rates = new object[] { new { mode = "air-ambulance", routeClass = "medium-haul", amount = 38_000m, currency = "USD" } },
        });
        Assert.True(air.IsSuccessStatusCode, await air.Content.ReadAsStringAsync());
    }

    /// <summary>The plan the case study needed: a stretcher on S7's Antalya–Moscow flight on day 5 with a nurse, ambulances at both ends.</summary>
    public static object Stretcher(string caseNumber, int day = 5, string? provider = null) => new
    {
        caseNumber, mode = "commercial-stretcher", escort = "nurse", routeClass = "medium-haul", providerCode = provider,
        receivingName = "City Clinical Hospital No. 15, Moscow", receivingAddress = "Veshnyakovskaya 23, Moscow",
        equipment = new[] { "vacuum mattress" },
        legs = new object[]
        {
            new { kind = "ground", from = "Akdeniz Hospital, Antalya", to = "Antalya Airport (AYT)", departsAt = At(day, 10), arrangedBy = "provider" },
            new { kind = "flight", from = "AYT", to = "DME", departsAt = At(day, 14), carrier = "S7", flightNumber = "796", seats = 6 },
            new { kind = "ground", from = "Domodedovo (DME)", to = "City Clinical Hospital No. 15", departsAt = At(day, 19), arrangedBy = "provider" },
        },
        medif = new
        {
            incapacity = "Recovering from myocardial infarction with a coronary stent; must lie flat, cannot walk to the aircraft",
            physicianName = "Dr. Mehmet Yilmaz", hospital = "Akdeniz Hospital, Antalya", carrierName = "S7 Airlines",
        },
    };

    public static object AirAmbulance(string caseNumber) => new
    {
        caseNumber, mode = "air-ambulance", escort = "doctor", routeClass = "medium-haul",
        receivingName = "City Clinical Hospital No. 15, Moscow",
        legs = new object[] { new { kind = "flight", from = "AYT", to = "VKO", departsAt = At(3, 9), arrangedBy = "provider" } },
    };

    public static async Task<JsonElement> CreateAsync(HttpClient client, object plan)
    {
        var response = await client.PostAsJsonAsync("/plans", plan);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> PostAsync(HttpClient client, string path, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsJsonAsync(path, body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public static async Task PublishAsync<T>(RepatriationFactory service, T message) where T : class
    {
        var id = Guid.NewGuid();
        await service.Services.GetRequiredService<IBus>().Publish(message, ctx => ctx.MessageId = id);
        await Eventually.True(async () => await service.CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @id", ("id", id)) >= 1,
            TimeSpan.FromSeconds(15), $"{typeof(T).Name} {id} is handled");
    }

    /// <summary>The events of a type the service put in its outbox for a case, as JSON, oldest first.</summary>
    public static async Task<List<JsonElement>> OutboxAsync(RepatriationFactory service, string type, Guid caseId)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"""
            SELECT body::text FROM outbox_messages
            WHERE message_type LIKE 'Platform.Contracts.{type},%' AND (body->>'caseId')::uuid = @case ORDER BY created_at, id
            """, connection);
        cmd.Parameters.AddWithValue("case", caseId);
        var list = new List<JsonElement>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(JsonDocument.Parse(r.GetString(0)).RootElement);
        return list;
    }
}
