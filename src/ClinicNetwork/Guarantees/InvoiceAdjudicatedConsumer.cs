using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// Keeps the latest adjudication of each invoice: what it spends against the benefit, and how much of the letter it
/// was billed under it releases. Counting spending here, from the same message that releases the letter, keeps the
/// remaining cover right at every moment (Cases' spent figure arrives through another queue, earlier or later).
/// </summary>
public sealed class InvoiceAdjudicatedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<InvoiceAdjudicated>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<InvoiceAdjudicated> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO cover_invoices (tenant_id, invoice_id, case_id, benefit, amount, currency, letter_id, adjudicated_at)
            VALUES (@tenant, @invoice, @case_id, @benefit, @amount, @currency, @letter, @at)
            ON CONFLICT (tenant_id, invoice_id) DO UPDATE
            SET case_id = excluded.case_id, benefit = excluded.benefit, amount = excluded.amount, currency = excluded.currency,
                letter_id = excluded.letter_id, adjudicated_at = excluded.adjudicated_at
            WHERE cover_invoices.adjudicated_at <= excluded.adjudicated_at
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", m.TenantId);
        cmd.Parameters.AddWithValue("invoice", m.InvoiceId);
        cmd.Parameters.AddWithValue("case_id", m.CaseId);
        cmd.Parameters.AddWithValue("benefit", Cover.Key(m.Benefit));
        cmd.Parameters.AddWithValue("amount", m.ApprovedAmount);
        cmd.Parameters.AddWithValue("currency", Cover.Currency(m.Currency));
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("letter", m.GuaranteeLetterId));
        cmd.Parameters.AddWithValue("at", m.AdjudicatedAt);
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
