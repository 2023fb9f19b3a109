using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Platform.Billing.Statements;

/// <summary>
/// A case's money at a glance, in the policy's currency (each invoice converted at the rate its decision used):
/// billed, approved, rejected, what the patient pays, what was paid out, and what is approved but not paid yet;
/// <c>pendingInvoices</c> and <c>returnedInvoices</c> are counted apart (nothing of them is decided).
/// </summary>
public sealed record CaseStatement(
    string CaseNumber,
    string? Currency,
    decimal Billed,
    decimal Approved,
    decimal Rejected,
    decimal PatientResponsibility,
    decimal Paid,
    decimal Open,
    int PendingInvoices,
    int ReturnedInvoices,
    IReadOnlyList<StatementInvoice> Invoices);

/// <summary>One invoice's line on the statement, in its own currency, with its decision's totals and its payment's status.</summary>
public sealed record StatementInvoice(
    Guid InvoiceId,
    string Number,
    string Biller,
    string Status,
    string Currency,
    decimal Billed,
    decimal? Approved,
    decimal? Rejected,
    decimal? PatientResponsibility,
    string? PaymentStatus,
    string? PaymentReference);

public static class CaseStatementApi
{
    public static void MapCaseStatementApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/cases/{caseNumber}/statement", GetAsync).WithTags("Statements").RequireAccess(Access.ReadCases)
            .WithSummary("The case's statement: billed, approved, rejected, the patient's share, paid and still open, in the policy's currency");

    private static async Task<Results<Ok<CaseStatement>, ProblemHttpResult>> GetAsync(string caseNumber, RequestIdentity identity,
        NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT i.id, i.number, i.biller->>'name', i.status, i.currency,
                   (SELECT sum(amount) FROM invoice_lines l WHERE l.invoice_id = i.id),
                   a.approved, a.rejected, a.patient_responsibility, a.rate, a.policy_currency, p.status, p.reference,
                   c.case_number IS NOT NULL
            FROM (SELECT case_id, case_number FROM case_covers WHERE tenant_id = @tenant AND case_number = @case) c
            LEFT JOIN invoices i ON i.tenant_id = @tenant AND i.case_id = c.case_id AND i.superseded_by IS NULL
            LEFT JOIN LATERAL (SELECT * FROM adjudications a WHERE a.invoice_id = i.id ORDER BY a.revision DESC LIMIT 1) a ON true
            LEFT JOIN LATERAL (SELECT * FROM payment_orders p WHERE p.invoice_id = i.id ORDER BY p.created_at DESC LIMIT 1) p ON true
            ORDER BY i.received_at, i.id
            """);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("case", caseNumber.Trim());
        var rows = new List<StatementInvoice>();
        string? currency = null;
        decimal billed = 0, approved = 0, rejected = 0, patient = 0, paid = 0, open = 0;
        var found = false;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            found = true;
            if (r.IsDBNull(0)) continue;
            var status = r.GetString(3);
            var decided = status == "adjudicated" && !r.IsDBNull(6);
            var row = new StatementInvoice(r.GetGuid(0), r.GetString(1), r.GetString(2), status, r.GetString(4).Trim(), r.GetDecimal(5),
                decided ? r.GetDecimal(6) : null, decided ? r.GetDecimal(7) : null, decided ? r.GetDecimal(8) : null,
                r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12));
            rows.Add(row);
            if (!decided) continue;
            var rate = r.GetDecimal(9);
            currency ??= r.GetString(10).Trim();
            billed += Money.Round(row.Billed * rate);
            approved += Money.Round(row.Approved!.Value * rate);
            rejected += Money.Round(row.Rejected!.Value * rate);
            patient += Money.Round(row.PatientResponsibility!.Value * rate);
            if (row.PaymentStatus == "paid") paid += Money.Round(row.Approved.Value * rate);
            else open += Money.Round(row.Approved.Value * rate);
        }
        if (!found) return Problems.NotFound($"Case {caseNumber} was not found.");
        return TypedResults.Ok(new CaseStatement(caseNumber.Trim(), currency, billed, approved, rejected, patient, paid, open,
            rows.Count(x => x.Status == "pending"), rows.Count(x => x.Status == "returned"), rows));
    }
}
