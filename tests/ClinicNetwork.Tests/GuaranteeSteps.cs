using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts;
using Platform.Tests;
using UglyToad.PdfPig;

namespace Platform.ClinicNetwork.Tests;

/// <summary>What the guarantee-letter tests do again and again: a clinic in the network, a case's cover from Cases, a letter.</summary>
public static class Gop
{
    public const string Medical = "medical-expenses";

    /// <summary>A clinic of the tenant's network (the register's own loading is another feature): returns its code.</summary>
    public static async Task<string> ClinicAsync(ServiceFactory<Program> service, string tenant, string code, string[] languages,
        string? email, string name = "Orlando Health Medical Center", string status = "active")
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO clinics (id, tenant_id, code, name, country, city, address, location, time_zone, phone, email, languages,
                                 direct_billing, status, created_at, updated_at)
            VALUES (gen_random_uuid(), @tenant, @code, @name, 'US', 'Orlando', '52 W Underwood St',
                    ST_SetSRID(ST_MakePoint(-81.3792, 28.5383), 4326)::geography, 'America/New_York', '+1 321 843 7000', @email,
                    @languages, true, @status, now(), now())
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("code", code);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("email", email));
        cmd.Parameters.AddWithValue("languages", languages);
        cmd.Parameters.AddWithValue("status", status);
        await cmd.ExecuteNonQueryAsync();
        return code;
    }

    /// <summary>Publishes a case's cover as Cases would and waits until the service has applied it; returns the case id.</summary>
    public static async Task<Guid> CoverAsync(ServiceFactory<Program> service, string tenant, string caseNumber, decimal limit = 50_000m,
        string currency = "USD", Guid? caseId = null, long version = 0, decimal spent = 0, string name = "Pyotr Ivanov")
    {
        var id = caseId ?? Guid.NewGuid();
        await PublishAsync(service, new CaseCoverageChanged(tenant, id, caseNumber, new InsuredIdentity("POL-778899", name, new DateOnly(1958, 3, 14)),
            [new BenefitCover(Medical, limit, currency, 0, spent), new BenefitCover("repatriation", 20_000m, currency, 0, 0)], version,
            DateTimeOffset.UtcNow));
        return id;
    }

    public static async Task PublishAsync<T>(ServiceFactory<Program> service, T message) where T : class
    {
        var id = Guid.NewGuid();
        await service.Services.GetRequiredService<IBus>().Publish(message, ctx => ctx.MessageId = id);
        await Eventually.True(async () => await service.CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @id", ("id", id)) >= 1,
            TimeSpan.FromSeconds(15), $"{typeof(T).Name} {id} is handled");
    }

    public static object Request(string caseNumber, string clinic, decimal amount, string currency = "USD", string benefit = Medical,
        DateOnly? from = null, DateOnly? to = null) => new
    {
        caseNumber, clinicCode = clinic, benefit, amount, currency,
        periodFrom = from ?? DateOnly.FromDateTime(DateTime.UtcNow), periodTo = to ?? DateOnly.FromDateTime(DateTime.UtcNow.AddDays(10)),
        roomType = "semi-private", coPayment = 100m, deductible = 50m, excludedServices = new[] { "cosmetic surgery", "dental care" },
    };

    public static async Task<JsonElement> IssueAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/guarantees", request);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<long> EventsAsync(ServiceFactory<Program> service, string type, Guid letterId) =>
        await service.CountAsync($"SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.{type},%' AND (body->>'letterId')::uuid = @id",
            ("id", letterId));

    /// <summary>The text of a PDF's only page, words joined by single spaces (and the page count, which must be 1).</summary>
    public static (int Pages, string Text) ReadPdf(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var page = document.GetPage(1);
        return (document.NumberOfPages, string.Join(' ', page.GetWords().Select(w => w.Text)));
    }
}
