using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Billing.Invoices;

namespace Platform.Billing.Payments;

/// <summary>
/// Payment orders: what adjudication approved, to pay to the clinic or (a reimbursement) to the insured. One order per
/// invoice while it is pending: a new decision changes its amount (or cancels it at zero). Once an order was sent, the
/// invoice's decision cannot change (<see cref="SentAsync"/>): a correction is then a matter for the payer's finance.
/// </summary>
public static class PaymentOrders
{
    public static async Task OrderAsync(NpgsqlTransaction transaction, StoredInvoice stored, decimal amount, DateTimeOffset now, CancellationToken ct)
    {
        var invoice = stored.Invoice;
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            DELETE FROM payment_orders WHERE invoice_id = @invoice AND status = 'pending'
            """) { Parameters = { new("invoice", invoice.Id) } });
        if (amount > 0)
        {
            var toInsured = invoice.Kind == InvoiceKinds.Reimbursement;
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO payment_orders (id, tenant_id, invoice_id, payee_kind, payee_name, payee_account, amount, currency, status, reference,
                    method, created_at, changed_at)
                VALUES (@id, @tenant, @invoice, @kind, @name, @account, @amount, @currency, 'pending',
                    'PAY-' || to_char(@now, 'YYYY') || '-' || lpad(nextval('payment_references')::text, 7, '0'), 'ACH', @now, @now)
                """)
            {
                Parameters =
                {
                    new("id", Guid.CreateVersion7(now)), new("tenant", invoice.TenantId), new("invoice", invoice.Id),
                    new("kind", toInsured ? "insured" : "clinic"),
                    new("name", toInsured ? stored.PayeeAccount?.Holder ?? invoice.Patient.FullName : invoice.Biller.Name),
                    new("account", NpgsqlDbType.Jsonb)
                    {
                        Value = stored.PayeeAccount is null ? DBNull.Value : JsonSerializer.Serialize(stored.PayeeAccount, PlatformJson.Options),
                    },
                    new("amount", amount), new("currency", invoice.Currency), new("now", now),
                },
            });
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether a payment for the invoice has left the pending state (sent, paid or failed).</summary>
    public static async Task<bool> SentAsync(NpgsqlTransaction transaction, Guid invoiceId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM payment_orders WHERE invoice_id = @invoice AND status <> 'pending')
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("invoice", invoiceId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// A payment order of the tenant, by its id or (the latest) by its invoice's, with the control number of its 835;
    /// null when there is none.
    /// </summary>
    public static async Task<(PaymentOrder Order, int ControlNumber)?> FindAsync(NpgsqlConnection connection, string tenantId, Guid? id,
        Guid? invoiceId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT {Columns}, p.control_number FROM payment_orders p
            WHERE p.tenant_id = @tenant AND (p.id = @id OR p.invoice_id = @invoice)
            ORDER BY p.created_at DESC LIMIT 1
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("id", id));
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("invoice", invoiceId));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (Read(r), r.GetInt32(13)) : null;
    }

    public const string Columns = """
        p.id, p.invoice_id, p.payee_kind, p.payee_name, p.payee_account::text, p.amount, p.currency, p.status, p.reference, p.method,
        p.created_at, p.paid_on, p.failure_reason
        """;

    public static PaymentOrder Read(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3),
            r.IsDBNull(4) ? null : JsonSerializer.Deserialize<PayeeAccount>(r.GetString(4), PlatformJson.Options)?.Account,
            r.GetDecimal(5), r.GetString(6).Trim(), r.GetString(7), r.GetString(8), r.GetString(9), r.GetFieldValue<DateTimeOffset>(10),
            r.IsDBNull(11) ? null : r.GetFieldValue<DateOnly>(11));
}
