using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Billing.Covers;

/// <summary>A guarantee letter issued: invoices billed under its number are checked against its terms.</summary>
public sealed class GuaranteeLetterIssuedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<GuaranteeLetterIssued>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<GuaranteeLetterIssued> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO guarantee_letters (id, tenant_id, number, case_id, clinic_code, clinic_name, benefit, amount, currency,
                period_from, period_to, co_payment, deductible, excluded_services, status, changed_at)
            VALUES (@id, @tenant, @number, @case_id, @clinic_code, @clinic_name, @benefit, @amount, @currency, @from, @to,
                @co_payment, @deductible, @excluded, 'issued', @at)
            ON CONFLICT (id) DO NOTHING
            """, transaction.Connection, transaction);
        var p = cmd.Parameters;
        p.AddWithValue("id", m.LetterId);
        p.AddWithValue("tenant", m.TenantId);
        p.Add(new NpgsqlParameter<string?>("number", m.Number));
        p.AddWithValue("case_id", m.CaseId);
        p.Add(new NpgsqlParameter<string?>("clinic_code", m.ClinicCode));
        p.Add(new NpgsqlParameter<string?>("clinic_name", m.ClinicName));
        p.AddWithValue("benefit", Money.Key(m.Benefit));
        p.AddWithValue("amount", m.Amount);
        p.AddWithValue("currency", Money.Currency(m.Currency));
        p.Add(new NpgsqlParameter<DateOnly?>("from", m.PeriodFrom));
        p.Add(new NpgsqlParameter<DateOnly?>("to", m.PeriodTo));
        p.AddWithValue("co_payment", m.CoPayment ?? 0);
        p.AddWithValue("deductible", m.Deductible ?? 0);
        p.AddWithValue("excluded", (m.ExcludedServices ?? []).ToArray());
        p.AddWithValue("at", m.IssuedAt);
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
    }
}

/// <summary>A guarantee letter's amount changed (the new amount replaces the old; a later change wins).</summary>
public sealed class GuaranteeLetterAmendedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<GuaranteeLetterAmended>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<GuaranteeLetterAmended> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        await using var cmd = new NpgsqlCommand("""
            UPDATE guarantee_letters SET amount = @amount, changed_at = @at
            WHERE id = @id AND tenant_id = @tenant AND status = 'issued' AND changed_at <= @at
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("id", m.LetterId);
        cmd.Parameters.AddWithValue("tenant", m.TenantId);
        cmd.Parameters.AddWithValue("amount", m.NewAmount);
        cmd.Parameters.AddWithValue("at", m.AmendedAt);
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
    }
}

/// <summary>
/// A guarantee letter revoked or expired: it no longer reserves cover. Invoices still name it (the clinic treated
/// under it), and are adjudicated against the policy's terms.
/// </summary>
public sealed class GuaranteeLetterRevokedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<GuaranteeLetterRevoked>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<GuaranteeLetterRevoked> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        await using var cmd = new NpgsqlCommand("""
            UPDATE guarantee_letters SET status = 'revoked', changed_at = greatest(changed_at, @at) WHERE id = @id AND tenant_id = @tenant
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("id", m.LetterId);
        cmd.Parameters.AddWithValue("tenant", m.TenantId);
        cmd.Parameters.AddWithValue("at", m.RevokedAt);
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
