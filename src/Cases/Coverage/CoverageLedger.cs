using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Cases.Contacts;
using Platform.Cases.Documents;
using Platform.Cases.Tasks;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Coverage;

/// <summary>
/// Applies what the clinic-network and billing services report about a case's money, and warns once per case, benefit
/// and threshold when the use of a limit crosses a threshold: an event for everyone, a task for the coordinator, a
/// message to the contact, and (through the timeline) a webhook to the insurer.
/// </summary>
public sealed partial class CoverageLedger(IOptions<CoverageOptions> options, TimeProvider clock, ILogger<CoverageLedger> logger)
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>The fact as reported, with the tenant and case it claims to belong to, and its timeline entry.</summary>
    public sealed record Fact(string TenantId, Guid CaseId, CoverageEntry Entry, string TimelineKind, string Summary, object Data);

    public async Task ApplyAsync(NpgsqlTransaction transaction, Fact fact, CancellationToken ct)
    {
        var connection = transaction.Connection!;
        // The case must be the event's tenant's: an event naming another tenant's case changes nothing there. Locked, so
        // that facts about one case are applied one at a time and a threshold is judged on all of them.
        string number;
        PolicyTerms? policy;
        InsuredIdentity insured;
        AppealLocation location;
        await using (var read = new NpgsqlCommand("""
            SELECT number, policy_terms::text, insured_policy_number, insured_full_name, insured_date_of_birth, country, city
            FROM cases WHERE id = @case_id AND tenant_id = @tenant FOR UPDATE
            """, connection, transaction))
        {
            read.Parameters.AddWithValue("case_id", fact.CaseId);
            read.Parameters.AddWithValue("tenant", fact.TenantId);
            await using var r = await read.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
            {
                LogIgnored(fact.Entry.Kind, fact.Entry.SourceId, fact.CaseId, fact.TenantId);
                return;
            }
            number = r.GetString(0);
            policy = r.IsDBNull(1) ? null : JsonSerializer.Deserialize<PolicyTerms>(r.GetString(1), Json);
            insured = new InsuredIdentity(r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4));
            location = new AppealLocation(r.GetString(5).Trim(), r.IsDBNull(6) ? null : r.GetString(6), null);
        }

        var now = clock.GetUtcNow();
        if (await InsertAsync(transaction, fact, now, ct) is not { } entryId) return; // the same fact again, under a new message id
        await CaseTimeline.AppendAsync(transaction, fact.TenantId, fact.CaseId, fact.Entry.At, fact.TimelineKind, fact.Summary,
            fact.Entry.Kind.StartsWith("letter", StringComparison.Ordinal) ? "clinic-network" : "billing", fact.Data, ct);

        var coverage = await ComputeAsync(connection, transaction, fact.TenantId, fact.CaseId, policy?.Limits ?? [], ct);
        // The entry's id orders the pictures of one case: entries of a case are inserted one at a time, under the lock above.
        await transaction.EnqueueAsync(CoverageChanged(fact.TenantId, fact.CaseId, number, insured, coverage, entryId, now, location, policy), ct);
        await FlagCurrenciesAsync(transaction, fact.TenantId, fact.CaseId, coverage, now, ct);
        await WarnAsync(transaction, fact.TenantId, fact.CaseId, number, coverage, now, ct);
    }

    public static async Task<IReadOnlyList<BenefitCoverage>> ComputeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string tenantId, Guid caseId, IReadOnlyList<CoverLimit> limits, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var entries = new NpgsqlBatchCommand("""
            SELECT id, kind, source_id, letter_id, benefit, amount, currency, at
            FROM coverage_entries WHERE tenant_id = @tenant AND case_id = @case_id
            """);
        var reached = new NpgsqlBatchCommand("""
            SELECT benefit, threshold FROM coverage_thresholds_reached WHERE tenant_id = @tenant AND case_id = @case_id
            """);
        foreach (var cmd in new[] { entries, reached })
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("case_id", caseId);
            batch.BatchCommands.Add(cmd);
        }
        var list = new List<CoverageEntry>();
        var thresholds = new List<(string, int)>();
        await using var r = await batch.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new CoverageEntry(r.GetInt64(0), r.GetString(1), r.GetGuid(2), r.IsDBNull(3) ? null : r.GetGuid(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetDecimal(5), r.IsDBNull(6) ? null : r.GetString(6),
                r.GetFieldValue<DateTimeOffset>(7)));
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct)) thresholds.Add((r.GetString(0), r.GetInt32(1)));
        return CoverageCalculation.Compute(limits, list, thresholds);
    }

    /// <summary>The case's cover as other services keep it (<see cref="CaseCoverageChanged"/>); version 0 is the case as opened.</summary>
    public static CaseCoverageChanged CoverageChanged(string tenantId, Guid caseId, string number, InsuredIdentity insured,
        IReadOnlyList<BenefitCoverage> coverage, long version, DateTimeOffset at, AppealLocation location, PolicyTerms? policy) =>
        new(tenantId, caseId, number, insured,
            coverage.Select(b => new BenefitCover(b.Benefit, b.Limit, b.Currency, b.Reserved, b.Spent)).ToArray(), version, at,
            location with { Address = null }, policy);

    /// <summary>Records the fact; returns its entry's id, or null when it was recorded before.</summary>
    private static async Task<long?> InsertAsync(NpgsqlTransaction transaction, Fact fact, DateTimeOffset now, CancellationToken ct)
    {
        var e = fact.Entry;
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO coverage_entries (tenant_id, case_id, kind, source_id, letter_id, benefit, amount, currency, at, recorded_at)
            VALUES (@tenant, @case_id, @kind, @source_id, @letter_id, @benefit, @amount, @currency, @at, @now)
            ON CONFLICT (tenant_id, source_id, kind, at) DO NOTHING
            RETURNING id
            """, transaction.Connection, transaction);
        var p = cmd.Parameters;
        p.AddWithValue("tenant", fact.TenantId);
        p.AddWithValue("case_id", fact.CaseId);
        p.AddWithValue("kind", e.Kind);
        p.AddWithValue("source_id", e.SourceId);
        p.Add(new NpgsqlParameter<Guid?>("letter_id", e.LetterId));
        p.Add(new NpgsqlParameter<string?>("benefit", e.Benefit is null ? null : CoverageCalculation.Key(e.Benefit)));
        p.Add(new NpgsqlParameter<decimal?>("amount", e.Amount));
        p.Add(new NpgsqlParameter<string?>("currency", e.Currency?.Trim().ToUpperInvariant()));
        p.AddWithValue("at", e.At);
        p.AddWithValue("now", now);
        return await cmd.ExecuteScalarAsync(ct) is long id ? id : null;
    }

    /// <summary>Amounts that cannot be counted against the limit (another currency) are flagged once, with a task to convert by hand.</summary>
    private async Task FlagCurrenciesAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, IReadOnlyList<BenefitCoverage> coverage,
        DateTimeOffset now, CancellationToken ct)
    {
        foreach (var benefit in coverage.Where(b => b.Limit is not null))
        foreach (var other in benefit.Unconverted)
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO coverage_currency_flags (tenant_id, case_id, benefit, currency, flagged_at)
                VALUES (@tenant, @case_id, @benefit, @currency, @now)
                ON CONFLICT DO NOTHING
                """, transaction.Connection, transaction);
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("case_id", caseId);
            cmd.Parameters.AddWithValue("benefit", benefit.Benefit);
            cmd.Parameters.AddWithValue("currency", other.Currency);
            cmd.Parameters.AddWithValue("now", now);
            if (await cmd.ExecuteNonQueryAsync(ct) == 0) continue;

            var summary = $"{other.Currency} amounts for {benefit.Benefit} are not counted against its {benefit.Currency} limit: no conversion yet";
            await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, "coverage-currency-mismatch", summary, "cases",
                new { benefit = benefit.Benefit, limitCurrency = benefit.Currency, currency = other.Currency, other.Reserved, other.Spent }, ct);
            await CaseTasks.CreateAsync(transaction, tenantId, caseId, TaskKinds.CoverageWarning,
                $"Check {benefit.Benefit} by hand: {summary}", now + options.Value.WarningTaskDueIn, now, "cases",
                dedupKey: $"coverage-currency:{benefit.Benefit}:{other.Currency}", data: new { benefit = benefit.Benefit, currency = other.Currency },
                ct: ct);
        }
    }

    private async Task WarnAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, string number, IReadOnlyList<BenefitCoverage> coverage,
        DateTimeOffset now, CancellationToken ct)
    {
        foreach (var benefit in coverage)
        {
            var crossed = new List<int>();
            foreach (var threshold in options.Value.EffectiveThresholds)
            {
                if (!CoverageCalculation.Reached(benefit, threshold)) break;
                await using var cmd = new NpgsqlCommand("""
                    INSERT INTO coverage_thresholds_reached (tenant_id, case_id, benefit, threshold, reached_at)
                    VALUES (@tenant, @case_id, @benefit, @threshold, @now)
                    ON CONFLICT DO NOTHING
                    """, transaction.Connection, transaction);
                cmd.Parameters.AddWithValue("tenant", tenantId);
                cmd.Parameters.AddWithValue("case_id", caseId);
                cmd.Parameters.AddWithValue("benefit", benefit.Benefit);
                cmd.Parameters.AddWithValue("threshold", threshold);
                cmd.Parameters.AddWithValue("now", now);
                if (await cmd.ExecuteNonQueryAsync(ct) == 0) continue; // warned about before, even if use fell and rose again

                crossed.Add(threshold);
                var limit = benefit.Limit!.Value;
                await transaction.EnqueueAsync(new CoverageThresholdReached(tenantId, caseId, number, benefit.Benefit, threshold,
                    benefit.Reserved, benefit.Spent, limit, benefit.Currency, now), ct);
                await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, "coverage-threshold-reached",
                    $"{threshold}% of the {benefit.Benefit} limit reached: {Money(benefit.Used, English)} of {Money(limit, English)} {benefit.Currency} used " +
                    $"({Money(benefit.Reserved, English)} reserved, {Money(benefit.Spent, English)} spent)", "cases",
                    new { benefit = benefit.Benefit, threshold, benefit.Reserved, benefit.Spent, benefit.Used, limit, benefit.Currency }, ct);
            }
            if (crossed.Count == 0) continue;

            // Crossing several thresholds at once (a large invoice) makes one task and one message, about the highest.
            var highest = crossed[^1];
            await CaseTasks.CreateAsync(transaction, tenantId, caseId, TaskKinds.CoverageWarning,
                $"{highest}% of the {benefit.Benefit} limit used ({Money(benefit.Used, English)} of {Money(benefit.Limit!.Value, English)} {benefit.Currency}): " +
                "confirm the contact understood, agree further guarantees with the insurer",
                now + options.Value.WarningTaskDueIn, now, "cases", dedupKey: $"coverage:{benefit.Benefit}:{highest}",
                data: new { benefit = benefit.Benefit, threshold = highest }, ct: ct);
            var recipient = await CaseContacts.RecipientAsync(transaction.Connection!, transaction, tenantId, caseId, null, ct);
            await ContactMessages.QueueAsync(transaction, tenantId, caseId, recipient, "coverage-warning",
                WarningMessage(recipient?.WrittenLanguage ?? PersonLanguage.English, number, benefit, highest), now, "cases", ct);
        }
    }

    /// <summary>What the contact is told: how much of the limit is gone, in what, and that costs above it are not covered.</summary>
    public static string WarningMessage(string language, string number, BenefitCoverage b, int threshold)
    {
        var limit = b.Limit!.Value;
        var remaining = Math.Max(0, limit - b.Used);
        if (PersonLanguage.Of(language) == PersonLanguage.Russian)
        {
            var name = PlanTexts.Benefit(b.Benefit, PersonLanguage.Russian);
            return (threshold >= 100
                    ? $"Случай {number}: лимит по риску «{name}» ({Money(limit, Russian)} {b.Currency}) исчерпан: "
                    : $"Случай {number}: использовано {threshold}% лимита по риску «{name}» — {Money(b.Used, Russian)} из {Money(limit, Russian)} {b.Currency}: ") +
                $"зарезервировано гарантийными письмами клиникам {Money(b.Reserved, Russian)}, оплачено по счетам {Money(b.Spent, Russian)}; " +
                $"остаток {Money(remaining, Russian)} {b.Currency}. Расходы сверх лимита полисом не покрываются и оплачиваются вами; " +
                "координатор свяжется с вами, чтобы обсудить дальнейшие шаги.";
        }
        return (threshold >= 100
                ? $"Case {number}: the {PlanTexts.Benefit(b.Benefit, PersonLanguage.English)} limit of {Money(limit, English)} {b.Currency} is used up: "
                : $"Case {number}: {threshold}% of the {PlanTexts.Benefit(b.Benefit, PersonLanguage.English)} limit is used, {Money(b.Used, English)} of {Money(limit, English)} {b.Currency}: ") +
            $"{Money(b.Reserved, English)} reserved by guarantee letters to clinics, {Money(b.Spent, English)} on bills already settled; " +
            $"{Money(remaining, English)} {b.Currency} remain. Costs above the limit are not covered by the policy and would be yours to pay; " +
            "your coordinator will call you to agree the next steps.";
    }

    private static string Money(decimal amount, CultureInfo culture) => amount.ToString("N2", culture);

    [LoggerMessage(LogLevel.Warning, "Ignored {Kind} {SourceId}: case {CaseId} is not a case of tenant {TenantId}")]
    private partial void LogIgnored(string kind, Guid sourceId, Guid caseId, string tenantId);
}
