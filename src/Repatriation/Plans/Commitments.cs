using System.Globalization;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;
using Platform.Repatriation.Cases;

namespace Platform.Repatriation.Plans;

/// <summary>
/// A commitment to pay a transport provider for a live plan, as a guarantee letter is to a clinic: it reserves the
/// amount against the case's repatriation cover. Cases counts it through <see cref="GuaranteeLetterIssued"/> (benefit
/// repatriation; the provider in place of the clinic) and Billing checks the provider's invoice against it; cancelling
/// the plan revokes it (<see cref="GuaranteeLetterRevoked"/>). One per plan; its number is RPC-{year}-{6 digits} per tenant.
/// </summary>
public static class Commitments
{
    public const string Issued = "issued";
    public const string Revoked = "revoked";

    /// <summary>Issues the commitment; null when it was issued, else why not (a conflict to show the coordinator).</summary>
    public static async Task<string?> IssueAsync(NpgsqlTransaction transaction, StoredPlan plan, CaseFile file, decimal? amount, string actor,
        DateTimeOffset now, string language, CancellationToken ct)
    {
        var connection = transaction.Connection!;
        if (!PlanStatuses.IsLive(plan.Status)) return $"The plan is {plan.Status}: a commitment is made for an agreed plan.";
        if (plan.ProviderCode is null || await Providers.Providers.FindAsync(connection, plan.TenantId, plan.ProviderCode, ct) is not { } provider)
            return "The plan names no transport provider to commit to.";
        if (await ForPlanAsync(connection, plan.Id, ct, transaction) is { Status: Issued } existing)
            return $"The plan already has commitment {existing.Number}.";
        var currency = plan.EstimateCurrency ?? file.Cover.Currency;
        var value = amount ?? plan.EstimateAmount;
        if (value is null || currency is null) return "The plan has no price (no rate of its provider): give the amount.";
        if (file.Cover.Remaining is not { } remaining) return "The case's policy sets no repatriation limit to commit against.";
        if (!string.Equals(file.Cover.Currency, currency, StringComparison.OrdinalIgnoreCase))
            return $"The price is in {currency} and the cover in {file.Cover.Currency}.";
        if (value > remaining)
            return $"{Providers.Providers.Money(value.Value, currency)} exceeds the remaining repatriation cover of {Providers.Providers.Money(remaining, currency)} " +
                   $"by {Providers.Providers.Money(value.Value - remaining, currency)}: choose another mode or provider, or ask the insurer to extend the cover.";

        string number;
        await using (var next = new NpgsqlCommand("""
            INSERT INTO commitment_numbers (tenant_id, year, last) VALUES (@tenant, @year, 1)
            ON CONFLICT (tenant_id, year) DO UPDATE SET last = commitment_numbers.last + 1
            RETURNING last
            """, connection, transaction))
        {
            next.Parameters.AddWithValue("tenant", plan.TenantId);
            next.Parameters.AddWithValue("year", now.Year);
            var sequence = (int)(await next.ExecuteScalarAsync(ct))!;
            number = string.Create(CultureInfo.InvariantCulture, $"RPC-{now.Year}-{sequence:D6}");
        }
        var id = Guid.CreateVersion7();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO commitments (id, tenant_id, number, plan_id, case_id, provider_code, amount, currency, status, issued_at, issued_by)
            VALUES (@id, @tenant, @number, @plan, @case_id, @provider, @amount, @currency, 'issued', @now, @by)
            """, connection, transaction))
        {
            var p = insert.Parameters;
            p.AddWithValue("id", id);
            p.AddWithValue("tenant", plan.TenantId);
            p.AddWithValue("number", number);
            p.AddWithValue("plan", plan.Id);
            p.AddWithValue("case_id", plan.CaseId);
            p.AddWithValue("provider", provider.Code);
            p.AddWithValue("amount", value.Value);
            p.AddWithValue("currency", currency.ToUpperInvariant());
            p.AddWithValue("now", now);
            p.AddWithValue("by", actor);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.EnqueueAsync(new GuaranteeLetterIssued(id, plan.TenantId, plan.CaseId, CaseCoverageChangedConsumer.Benefit, value.Value,
            currency.ToUpperInvariant(), now, number, provider.Name), ct);
        return null;
    }

    /// <summary>Revokes the plan's commitment, if it has one in force, and releases what it reserved.</summary>
    public static async Task RevokeAsync(NpgsqlTransaction transaction, StoredPlan plan, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE commitments SET status = 'revoked', revoked_at = @now WHERE plan_id = @plan AND status = 'issued' RETURNING id",
            transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("plan", plan.Id);
        cmd.Parameters.AddWithValue("now", now);
        if (await cmd.ExecuteScalarAsync(ct) is Guid id)
            await transaction.EnqueueAsync(new GuaranteeLetterRevoked(id, plan.TenantId, plan.CaseId, now), ct);
    }

    /// <summary>The plan's commitment: the one in force, else the latest revoked one; null when it never had one.</summary>
    public static async Task<CommitmentView?> ForPlanAsync(NpgsqlConnection connection, Guid planId, CancellationToken ct, NpgsqlTransaction? transaction = null)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT id, number, provider_code, amount, currency, status, issued_at, issued_by FROM commitments
            WHERE plan_id = @plan ORDER BY status = 'issued' DESC, issued_at DESC LIMIT 1
            """, connection, transaction);
        cmd.Parameters.AddWithValue("plan", planId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new CommitmentView(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetDecimal(3), r.GetString(4), r.GetString(5),
                r.GetFieldValue<DateTimeOffset>(6), r.GetString(7))
            : null;
    }
}
