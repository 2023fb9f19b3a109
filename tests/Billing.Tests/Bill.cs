using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Billing.Tests;

/// <summary>
/// What the billing tests do again and again: the facts other services publish (a case's cover and policy, a guarantee
/// letter, a clinic's prices), and invoices. The case study: a 50,000 USD medical limit, a 100 USD deductible, no
/// rehabilitation, January 2026 in Orlando.
/// </summary>
public static class Bill
{
    public const string Medical = "medical-expenses";
    public static readonly DateOnly Day = new(2026, 1, 10);

    public static PolicyTerms Policy(decimal limit = 50_000m, string currency = "USD", decimal deductible = 100m, string policyNumber = "POL-778899",
        DateOnly? start = null, DateOnly? end = null) =>
        new(policyNumber, "Travel Premium", start ?? new DateOnly(2026, 1, 1), end ?? new DateOnly(2026, 1, 31), ["US"],
            [new CoverLimit(Medical, limit, currency), new CoverLimit("repatriation", 20_000m, currency)],
            deductible > 0 ? new CoverAmount(deductible, currency) : null, ["illness", "accident"], [], null);

    /// <summary>Publishes a case's cover as Cases would and waits until billing applied it; returns the case id.</summary>
    public static async Task<Guid> CaseAsync(BillingFactory service, string tenant, string caseNumber, PolicyTerms? policy = null, Guid? caseId = null,
        long version = 0, string country = "US")
    {
        var id = caseId ?? Guid.NewGuid();
        policy ??= Policy();
        await PublishAsync(service, new CaseCoverageChanged(tenant, id, caseNumber, new InsuredIdentity(policy.PolicyNumber, "IVANOVA MARIA", new DateOnly(1958, 3, 14)),
            policy.Limits.Select(l => new BenefitCover(l.Benefit, l.Amount, l.Currency, 0, 0)).ToArray(), version, DateTimeOffset.UtcNow,
            new AppealLocation(country, country == "US" ? "Orlando" : "Antalya", null), policy));
        return id;
    }

    /// <summary>A guarantee letter the clinic network issued for the case; returns its id.</summary>
    public static async Task<Guid> LetterAsync(BillingFactory service, string tenant, Guid caseId, string number, string clinic, decimal amount,
        decimal coPayment = 0, string[]? excluded = null)
    {
        var id = Guid.NewGuid();
        await PublishAsync(service, new GuaranteeLetterIssued(id, tenant, caseId, Medical, amount, "USD", DateTimeOffset.UtcNow, number,
            "Orlando Health Medical Center", coPayment, clinic, new DateOnly(2026, 1, 5), new DateOnly(2026, 1, 25), 0, excluded ?? []));
        return id;
    }

    public static Task PricesAsync(BillingFactory service, string tenant, string clinic, params (string Code, decimal Price)[] prices) =>
        PublishAsync(service, new ClinicPriceListChanged(tenant, clinic, "Orlando Health Medical Center", "US",
            prices.Select(p => new ClinicPrice(p.Code, p.Price, "USD", new DateOnly(2025, 1, 1), null)).ToArray(), DateTimeOffset.UtcNow));

    public static async Task PublishAsync<T>(BillingFactory service, T message) where T : class
    {
        var id = Guid.NewGuid();
        await service.Services.GetRequiredService<IBus>().Publish(message, ctx => ctx.MessageId = id);
        await Eventually.True(async () => await service.CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @id", ("id", id)) >= 1,
            TimeSpan.FromSeconds(15), $"{typeof(T).Name} {id} is handled");
    }

    public static object Line(string code, decimal amount, string benefit = Medical, decimal quantity = 1, DateOnly? date = null,
        string system = "CPT", string? description = null) =>
        new { serviceCode = code, codeSystem = system, description, serviceDate = date ?? Day, quantity, unitPrice = amount / quantity, amount,
              diagnosisPointers = new[] { 1 }, benefit };

    public static object Invoice(string number, string clinic, string? caseNumber, string? gop, params object[] lines) => new
    {
        clinicCode = clinic, caseNumber, guaranteeNumber = gop, invoiceNumber = number, serviceFrom = new DateOnly(2026, 1, 5),
        serviceTo = new DateOnly(2026, 1, 25), currency = "USD", form = "professional", diagnoses = new[] { "I21.4", "I10" },
        facilityCode = "21", lines,
    };

    public static async Task<JsonElement> SubmitAsync(HttpClient client, object invoice, string path = "/invoices")
    {
        var response = await client.PostAsJsonAsync(path, invoice);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The InvoiceAdjudicated events billing put in its outbox for a case, as (benefit, approved, currency).</summary>
    public static async Task<List<(string Benefit, decimal Amount, string Currency)>> ReportedAsync(BillingFactory service, Guid caseId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT body->>'benefit', (body->>'approvedAmount')::numeric, body->>'currency' FROM outbox_messages
            WHERE message_type LIKE 'Platform.Contracts.InvoiceAdjudicated,%' AND (body->>'caseId')::uuid = @case ORDER BY created_at, id
            """, connection);
        cmd.Parameters.AddWithValue("case", caseId);
        var list = new List<(string, decimal, string)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add((r.GetString(0), r.GetDecimal(1), r.GetString(2)));
        return list;
    }
}
