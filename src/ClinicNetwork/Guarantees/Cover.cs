using Npgsql;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>The case's cover as this service knows it, locked for a decision about one benefit.</summary>
public sealed record CaseCover(Guid CaseId, string CaseNumber, string InsuredName, DateOnly? InsuredDateOfBirth, string? PolicyNumber);

/// <summary>
/// The cover rule: what a letter may still guarantee for a benefit is its limit, less what adjudicated invoices spent,
/// less what this service's letters in force still reserve (each its amount less what was invoiced under it), all in
/// the limit's currency. This service's own letters are the truth about reservations (Cases only echoes them back,
/// later), so the figure is never counted twice nor out of date; the case's row is locked while it is used, so two
/// letters decided at the same moment cannot both take the last of a limit.
/// </summary>
public static class Cover
{
    public static string Key(string? benefit) => (benefit ?? "").Trim().ToLowerInvariant();

    public static string Currency(string? currency) => (currency ?? "").Trim().ToUpperInvariant();

    /// <summary>Locks the case's cover (by number or by id) until the transaction ends; null when this service has no cover for it.</summary>
    public static async Task<CaseCover?> LockAsync(NpgsqlTransaction transaction, string tenantId, string? caseNumber, Guid? caseId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT case_id, case_number, insured_name, insured_date_of_birth, policy_number FROM case_covers
            WHERE tenant_id = @tenant AND (case_number = @number OR case_id = @case_id)
            FOR UPDATE
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("number", caseNumber));
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("case_id", caseId));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new CaseCover(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateOnly>(3),
            r.IsDBNull(4) ? null : r.GetString(4));
    }

    /// <summary>
    /// The benefit's limit and currency (null when the policy sets no limit for it), and what may still be guaranteed
    /// leaving <paramref name="except"/>'s own reservation out (the letter being amended).
    /// </summary>
    public static async Task<(decimal? Limit, string? Currency, decimal Available)> AvailableAsync(NpgsqlTransaction transaction, string tenantId,
        Guid caseId, string benefit, Guid? except, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            WITH b AS (
                SELECT limit_amount, currency FROM case_cover_benefits WHERE tenant_id = @tenant AND case_id = @case_id AND benefit = @benefit),
            spent AS (
                SELECT coalesce(sum(i.amount), 0) AS amount FROM cover_invoices i, b
                WHERE i.tenant_id = @tenant AND i.case_id = @case_id AND i.benefit = @benefit AND i.currency = b.currency),
            reserved AS (
                SELECT coalesce(sum(greatest(0, l.amount - coalesce((
                           SELECT sum(i.amount) FROM cover_invoices i
                           WHERE i.tenant_id = l.tenant_id AND i.letter_id = l.id AND i.currency = l.currency), 0))), 0) AS amount
                FROM guarantee_letters l, b
                WHERE l.tenant_id = @tenant AND l.case_id = @case_id AND l.benefit = @benefit AND l.currency = b.currency
                  AND l.status = 'issued' AND l.id IS DISTINCT FROM @except)
            SELECT b.limit_amount, b.currency, b.limit_amount - spent.amount - reserved.amount FROM b, spent, reserved
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("benefit", benefit);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("except", except));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return (null, null, 0);
        if (r.IsDBNull(0)) return (null, r.GetString(1), 0);
        return (r.GetDecimal(0), r.GetString(1), Math.Max(0, r.GetDecimal(2)));
    }

    /// <summary>What adjudicated invoices billed under the letter (in its currency): the part of it already spent.</summary>
    public static async Task<decimal> InvoicedUnderAsync(NpgsqlTransaction transaction, string tenantId, Guid letterId, string currency, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT coalesce(sum(amount), 0) FROM cover_invoices WHERE tenant_id = @tenant AND letter_id = @letter AND currency = @currency
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("letter", letterId);
        cmd.Parameters.AddWithValue("currency", currency);
        return (decimal)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
