using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Billing.Invoices;

/// <summary>An invoice as kept: the invoice, its state, and (for a reimbursement) the account to pay.</summary>
public sealed record StoredInvoice(Invoice Invoice, Guid? LetterId, string Status, string? PendingReason, string? ReturnReason,
    PayeeAccount? PayeeAccount, string SubmittedBy);

/// <summary>Where a reimbursement is paid: the account's holder, its IBAN or number, and the bank (name or BIC).</summary>
public sealed record PayeeAccount(string Holder, string Account, string? Bank);

public static class InvoiceStatuses
{
    public const string Adjudicated = "adjudicated";
    public const string Returned = "returned";
    public const string Pending = "pending";
}

/// <summary>Reads and writes invoices; every read is scoped by the tenant (another tenant's invoice is not found).</summary>
public static class InvoiceStore
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    public static async Task InsertAsync(NpgsqlTransaction transaction, Invoice invoice, Guid? letterId, PayeeAccount? account, string by,
        Guid? x12File, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO invoices (id, tenant_id, kind, form, source, number, case_id, case_number, letter_id, guarantee_number, biller_code,
                biller, patient, service_from, service_to, currency, diagnoses, facility_code, payee_account, status, received_at,
                submitted_by, x12_file_id)
            VALUES (@id, @tenant, @kind, @form, @source, @number, @case_id, @case_number, @letter_id, @guarantee, @biller_code, @biller,
                @patient, @from, @to, @currency, @diagnoses, @facility, @account, 'pending', @received, @by, @x12)
            """)
        {
            Parameters =
            {
                new("id", invoice.Id), new("tenant", invoice.TenantId), new("kind", invoice.Kind), new("form", invoice.Form),
                new("source", invoice.Source), new("number", invoice.Number), new("case_id", invoice.CaseId!.Value),
                new("case_number", invoice.CaseNumber!), new NpgsqlParameter<Guid?>("letter_id", letterId),
                new NpgsqlParameter<string?>("guarantee", invoice.GuaranteeNumber), new("biller_code", BillerCode(invoice)),
                new("biller", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(invoice.Biller, Json) },
                new("patient", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(invoice.Patient, Json) },
                new("from", invoice.ServiceFrom), new("to", invoice.ServiceTo), new("currency", invoice.Currency),
                new("diagnoses", invoice.Diagnoses.ToArray()), new NpgsqlParameter<string?>("facility", invoice.FacilityCode),
                new("account", NpgsqlDbType.Jsonb) { Value = account is null ? DBNull.Value : JsonSerializer.Serialize(account, Json) },
                new("received", invoice.ReceivedAt), new("by", by), new NpgsqlParameter<Guid?>("x12", x12File),
            },
        });
        var lines = invoice.Lines;
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO invoice_lines (invoice_id, line, tenant_id, case_id, biller_code, service_code, code_system, revenue_code, description,
                service_date, quantity, unit_price, amount, diagnosis_pointers, benefit)
            SELECT @id, l.line, @tenant, @case_id, @biller_code, l.code, l.system, l.revenue, l.description, l.date, l.quantity, l.unit_price,
                l.amount, CASE WHEN l.pointers = '' THEN '{}'::integer[] ELSE string_to_array(l.pointers, ',')::integer[] END, l.benefit
            FROM unnest(@lines, @codes, @systems, @revenues, @descriptions, @dates, @quantities, @unit_prices, @amounts, @pointers, @benefits)
                AS l(line, code, system, revenue, description, date, quantity, unit_price, amount, pointers, benefit)
            """)
        {
            Parameters =
            {
                new("id", invoice.Id), new("tenant", invoice.TenantId), new("case_id", invoice.CaseId!.Value),
                new("biller_code", BillerCode(invoice)),
                new("lines", lines.Select(l => l.Number).ToArray()),
                new("codes", lines.Select(l => l.ServiceCode).ToArray()),
                new("systems", lines.Select(l => l.CodeSystem).ToArray()),
                new("revenues", lines.Select(l => l.RevenueCode).ToArray()),
                new("descriptions", lines.Select(l => l.Description).ToArray()),
                new("dates", lines.Select(l => l.ServiceDate).ToArray()),
                new("quantities", lines.Select(l => l.Quantity).ToArray()),
                new("unit_prices", lines.Select(l => l.UnitPrice).ToArray()),
                new("amounts", lines.Select(l => l.Amount).ToArray()),
                new("pointers", lines.Select(l => string.Join(',', l.DiagnosisPointers)).ToArray()),
                new("benefits", lines.Select(l => Money.Key(l.Benefit)).ToArray()),
            },
        });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whose invoice number it is: the clinic's code, or "insured" for the insured's own claims.</summary>
    public static string BillerCode(Invoice invoice) =>
        invoice.Kind == InvoiceKinds.Reimbursement ? "insured" : invoice.Biller.Code ?? "";

    public const string Columns = """
        i.id, i.tenant_id, i.kind, i.form, i.source, i.number, i.case_number, i.case_id, i.guarantee_number, i.biller::text, i.patient::text,
        i.service_from, i.service_to, i.currency, i.diagnoses, i.facility_code, i.received_at, i.letter_id, i.status, i.pending_reason,
        i.return_reason, i.payee_account::text, i.submitted_by
        """;

    public static async Task<StoredInvoice?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, Guid id,
        CancellationToken ct) =>
        (await ListAsync(connection, transaction, tenantId, "i.id = @id", p => p.AddWithValue("id", id), ct)).SingleOrDefault();

    /// <summary>The tenant's invoices matching <paramref name="where"/> (over alias i), with their lines, oldest first.</summary>
    public static async Task<IReadOnlyList<StoredInvoice>> ListAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId,
        string where, Action<NpgsqlParameterCollection> parameters, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var head = new NpgsqlBatchCommand($"SELECT {Columns} FROM invoices i WHERE i.tenant_id = @tenant AND {where} ORDER BY i.received_at, i.id");
        var lines = new NpgsqlBatchCommand($"""
            SELECT l.invoice_id, l.line, l.service_code, l.code_system, l.revenue_code, l.description, l.service_date, l.quantity, l.unit_price,
                   l.amount, l.diagnosis_pointers, l.benefit
            FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
            WHERE i.tenant_id = @tenant AND {where}
            ORDER BY l.invoice_id, l.line
            """);
        foreach (var cmd in new[] { head, lines })
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            parameters(cmd.Parameters);
            batch.BatchCommands.Add(cmd);
        }
        var found = new List<(Invoice Invoice, Guid? Letter, string Status, string? Pending, string? Returned, PayeeAccount? Account, string By)>();
        var byInvoice = new Dictionary<Guid, List<InvoiceLine>>();
        await using var r = await batch.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var invoice = new Invoice(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.GetGuid(7), r.IsDBNull(8) ? null : r.GetString(8), JsonSerializer.Deserialize<Party>(r.GetString(9), Json)!,
                JsonSerializer.Deserialize<Patient>(r.GetString(10), Json)!, r.GetFieldValue<DateOnly>(11), r.GetFieldValue<DateOnly>(12),
                r.GetString(13).Trim(), r.GetFieldValue<string[]>(14), [], r.IsDBNull(15) ? null : r.GetString(15),
                r.GetFieldValue<DateTimeOffset>(16));
            found.Add((invoice, r.IsDBNull(17) ? null : r.GetGuid(17), r.GetString(18), r.IsDBNull(19) ? null : r.GetString(19),
                r.IsDBNull(20) ? null : r.GetString(20), r.IsDBNull(21) ? null : JsonSerializer.Deserialize<PayeeAccount>(r.GetString(21), Json),
                r.GetString(22)));
            byInvoice[invoice.Id] = [];
        }
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct))
            byInvoice[r.GetGuid(0)].Add(new InvoiceLine(r.GetInt32(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.GetFieldValue<DateOnly>(6), r.GetDecimal(7), r.GetDecimal(8), r.GetDecimal(9),
                r.GetFieldValue<int[]>(10), r.GetString(11)));
        return found.Select(f => new StoredInvoice(f.Invoice with { Lines = byInvoice[f.Invoice.Id] }, f.Letter, f.Status, f.Pending, f.Returned,
            f.Account, f.By)).ToArray();
    }
}
