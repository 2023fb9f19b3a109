using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Cases.Tasks;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.CaseFiles;

/// <summary>The case file tables. Every read carries the tenant in its WHERE clause.</summary>
public sealed class CaseStore(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    private const string SummaryColumns = """
        c.id, c.number, c.status, c.urgency, c.insured_policy_number, c.insured_full_name, c.insured_date_of_birth,
        c.country, c.city, c.opened_at
        """;

    /// <summary>
    /// Files a registered appeal in the caller's transaction: it joins the insured's open case (one case per episode)
    /// or opens a new one, and enqueues <see cref="AppealAttachedToCase"/> or <see cref="CaseOpened"/> accordingly.
    /// <paramref name="task"/>, when given, is created in the case: with a new case in the same round trip, in an open
    /// case after the appeal is filed.
    /// </summary>
    public static async Task<(Guid CaseId, string CaseNumber, bool Opened)> FileAppealAsync(
        NpgsqlDataSource dataSource, NpgsqlTransaction transaction, AppealRegistered appeal, DateTimeOffset now, CancellationToken ct,
        NewTask? task = null)
    {
        var connection = transaction.Connection!;
        var nameKey = InsuredIdentity.NameKey(appeal.Insured.FullName);

        // Appeals about one person are filed one at a time, so two concurrent calls cannot open two cases. The match
        // below goes by policy number OR by name and date of birth, so one lock per key it can match on: two appeals
        // with one policy but differently written names (Ivanov / Иванов) meet on the policy's lock. Taken in a fixed
        // order, so two appeals that share both keys cannot deadlock. The locks, the match and (when nothing matches)
        // the new case's number are one round trip; the number comes from the tenant's sequence for the year, which
        // no other filing waits on (see migration 0011).
        var year = now.UtcDateTime.Year;
        await NumberSequences.EnsureAsync(dataSource, appeal.TenantId, year, ct);
        (Guid Id, string Number)? open = null;
        long sequence = 0;
        await using (var match = new NpgsqlBatch(connection, transaction))
        {
            match.BatchCommands.Add(new NpgsqlBatchCommand("""
                SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n
                """) { Parameters = { new() { Value = MatchKeys(appeal.TenantId, appeal.Insured).ToArray() } } });
            match.BatchCommands.Add(new NpgsqlBatchCommand("""
                WITH open AS (
                    SELECT id, number FROM cases
                    WHERE tenant_id = $1 AND status <> 'closed'
                      AND (($2::text IS NOT NULL AND insured_policy_number = $2)
                        OR (insured_name_key = $3 AND insured_date_of_birth = $4))
                    ORDER BY opened_at DESC
                    LIMIT 1)
                SELECT id, number, NULL::bigint FROM open
                UNION ALL
                SELECT NULL, NULL, nextval(case_number_sequence($1, $5)::regclass) WHERE NOT EXISTS (SELECT FROM open)
                """)
            {
                // Positional, as every statement of a filing ($1 the tenant, $2 the policy number, $3 the name key,
                // $4 the date of birth, $5 the year): Npgsql sends the text as written, where named parameters make it
                // parse and rewrite the statement on every appeal.
                Parameters =
                {
                    new() { Value = appeal.TenantId },
                    new NpgsqlParameter<string?> { TypedValue = appeal.Insured.PolicyNumber },
                    new() { Value = nameKey },
                    new NpgsqlParameter<DateOnly?> { TypedValue = appeal.Insured.DateOfBirth },
                    new() { Value = year },
                },
            });
            await using var r = await NumberSequences.ReadAsync(match, appeal.TenantId, year, ct);
            do
            {
                if (r.FieldCount != 3) continue; // the locks
                if (!await r.ReadAsync(ct)) throw new InvalidOperationException("The case match returned no row.");
                if (r.IsDBNull(2)) open = (r.GetGuid(0), r.GetString(1));
                else sequence = r.GetInt64(2);
            } while (await r.NextResultAsync(ct));
        }

        if (open is { } existing)
        {
            // The caller as a contact, the appeal, its timeline entry and the event: one round trip.
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Contacts.CaseContacts.FromAppeal(existing.Id, appeal));
            batch.BatchCommands.Add(AppealRow(existing.Id, appeal));
            foreach (var command in CaseTimeline.Commands(appeal.TenantId, existing.Id, AppealEntry(appeal))) batch.BatchCommands.Add(command);
            batch.Enqueue(new AppealAttachedToCase(existing.Id, appeal.TenantId, existing.Number, appeal.AppealId, now));
            await batch.ExecuteNonQueryAsync(ct);
            if (task is not null) await CaseTasks.CreateAsync(transaction, appeal.TenantId, existing.Id, task, now, ct: ct);
            return (existing.Id, existing.Number, false);
        }

        var opened = new CaseOpened(Guid.CreateVersion7(), appeal.TenantId, $"{year}-{sequence:D6}", appeal.AppealId, appeal.Insured, now);
        // The case opens with two timeline entries (case-opened, then the appeal) and the task's, if any, counted in its
        // row as it is inserted.
        List<NewTimelineEntry> entries =
        [
            new(now, "case-opened", $"Case {opened.CaseNumber} opened for {appeal.Insured.FullName} in {appeal.Location.Country}", "cases"),
            AppealEntry(appeal),
        ];
        NpgsqlBatchCommand? taskInsert = null;
        if (task is not null)
        {
            (taskInsert, var taskEntry) = CaseTasks.ForNewCase(appeal.TenantId, opened.CaseId, task, now);
            entries.Add(taskEntry);
        }
        var (version, timelineSeq) = CaseTimeline.NewCaseCounters(entries.Count);
        // The case, its first contact and appeal, the task, their timeline entries and the event: one round trip.
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO cases (id, tenant_id, number, status, urgency, insured_policy_number, insured_full_name, insured_name_key,
                                   insured_date_of_birth, country, city, opened_at, policy_terms, coverage, version, timeline_seq,
                                   updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $12)
                """)
            {
                // In the order of the columns (updated_at is opened_at, $12).
                Parameters =
                {
                    new() { Value = opened.CaseId },
                    new() { Value = appeal.TenantId },
                    new() { Value = opened.CaseNumber },
                    new() { Value = CaseStatuses.Open },
                    new() { Value = appeal.Triage },
                    new NpgsqlParameter<string?> { TypedValue = appeal.Insured.PolicyNumber },
                    new() { Value = appeal.Insured.FullName },
                    new() { Value = nameKey },
                    new NpgsqlParameter<DateOnly?> { TypedValue = appeal.Insured.DateOfBirth },
                    new() { Value = appeal.Location.Country },
                    new NpgsqlParameter<string?> { TypedValue = appeal.Location.City },
                    new() { Value = now },
                    new()
                    {
                        NpgsqlDbType = NpgsqlDbType.Jsonb,
                        Value = appeal.Coverage.Policy is { } terms ? JsonSerializer.Serialize(terms, Json) : DBNull.Value,
                    },
                    new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(appeal.Coverage, Json) },
                    new() { Value = version },
                    new() { Value = timelineSeq },
                },
            });
            batch.BatchCommands.Add(Contacts.CaseContacts.FromAppeal(opened.CaseId, appeal));
            batch.BatchCommands.Add(AppealRow(opened.CaseId, appeal));
            if (taskInsert is not null) batch.BatchCommands.Add(taskInsert);
            foreach (var command in CaseTimeline.NewCaseCommands(appeal.TenantId, opened.CaseId, entries)) batch.BatchCommands.Add(command);
            // The case, and the cover as opened (nothing reserved or spent yet) for the services that issue against it.
            List<object> events = [opened];
            if (appeal.Coverage.Policy is { } policy)
                events.Add(Coverage.CoverageLedger.CoverageChanged(appeal.TenantId, opened.CaseId, opened.CaseNumber, appeal.Insured,
                    Coverage.CoverageCalculation.Compute(policy.Limits, [], []), 0, now, appeal.Location, policy));
            batch.EnqueueAll(events);
            await batch.ExecuteNonQueryAsync(ct);
        }
        return (opened.CaseId, opened.CaseNumber, true);
    }

    /// <summary>
    /// The advisory-lock keys of every way the open-case match can find this insured, sorted: the policy number (when
    /// given) and the name key with the date of birth (when given; without it the name alone matches nothing).
    /// </summary>
    internal static IReadOnlyList<string> MatchKeys(string tenantId, InsuredIdentity insured)
    {
        var keys = new List<string>(2);
        if (insured.PolicyNumber is { } policy) keys.Add($"case-match/{tenantId}/policy/{policy}");
        if (insured.DateOfBirth is { } dob) keys.Add($"case-match/{tenantId}/person/{InsuredIdentity.NameKey(insured.FullName)}/{dob:yyyy-MM-dd}");
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>The appeal's timeline entry: appended to an open case, or among the first entries of a case being opened.</summary>
    private static NewTimelineEntry AppealEntry(AppealRegistered appeal)
    {
        var summary = $"{appeal.Channel} appeal from {appeal.Caller.Name} ({appeal.Caller.Relation}), triage {appeal.Triage}, callback promised by {appeal.CallbackDueAt:u}";
        var data = new { appeal.AppealId, appeal.Channel, appeal.Triage, appeal.Caller, appeal.Description, appeal.CallbackDueAt, appeal.Coverage.Status };
        return new NewTimelineEntry(appeal.RegisteredAt, "appeal", summary, "intake", data);
    }

    /// <summary>The id of a case of the tenant, by number or id; null when there is none (or it is another tenant's).</summary>
    public async Task<Guid?> ResolveAsync(string tenantId, string numberOrId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT id FROM cases WHERE {CaseKey.Filter}");
        CaseKey.Bind(cmd, tenantId, numberOrId);
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }

    private static NpgsqlBatchCommand AppealRow(Guid caseId, AppealRegistered appeal) => new("""
        INSERT INTO case_appeals (appeal_id, case_id, tenant_id, channel, caller_name, caller_relation, description,
                                  registered_at, triage, callback_due_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        """)
    {
        // In the order of the columns, positional like the case's INSERT.
        Parameters =
        {
            new() { Value = appeal.AppealId },
            new() { Value = caseId },
            new() { Value = appeal.TenantId },
            new() { Value = appeal.Channel },
            new() { Value = appeal.Caller.Name },
            new() { Value = appeal.Caller.Relation },
            new() { Value = appeal.Description },
            new() { Value = appeal.RegisteredAt },
            new() { Value = appeal.Triage },
            new() { Value = appeal.CallbackDueAt },
        },
    };

    /// <summary>Finds a case by its number (2026-000042) or id; another tenant's case is not found, exactly like a missing one.</summary>
    public async Task<CaseFileResponse?> FindAsync(string tenantId, string numberOrId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        CaseSummary? summary;
        (string? Reason, string? Coordinator, PolicyTerms? Policy, long Version) extra;
        await using (var cmd = new NpgsqlCommand($"""
            SELECT {SummaryColumns}, c.status_reason, c.coordinator, c.policy_terms::text, c.version
            FROM cases c
            WHERE {CaseKey.Filter}
            """, connection))
        {
            CaseKey.Bind(cmd, tenantId, numberOrId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            summary = ReadSummary(r);
            extra = (r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11),
                r.IsDBNull(12) ? null : JsonSerializer.Deserialize<PolicyTerms>(r.GetString(12), Json), r.GetInt64(13));
        }

        var appeals = new List<CaseAppeal>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT appeal_id, channel, caller_name, caller_relation, description, registered_at
            FROM case_appeals
            WHERE tenant_id = @tenant AND case_id = @case_id
            ORDER BY registered_at
            """, connection))
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("case_id", summary.Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                appeals.Add(new CaseAppeal(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    r.GetFieldValue<DateTimeOffset>(5)));
        }

        return new CaseFileResponse(summary.Id, summary.Number, summary.Status, extra.Reason, summary.Urgency, summary.Insured,
            summary.Country, summary.City, summary.OpenedAt, extra.Coordinator, extra.Policy, extra.Version, appeals);
    }

    public async Task<CaseListResponse> ListAsync(string tenantId, string? status, Guid? appealId, int page, int pageSize, CancellationToken ct)
    {
        // Only the filters given are in the SQL: "IS NULL OR" forms would make PostgreSQL plan for every combination and
        // scan the tenant's cases, and the case of one appeal (how a client finds the case its appeal opened) is a key look-up.
        var filter = "WHERE c.tenant_id = @tenant"
            + (status is null ? "" : " AND c.status = @status")
            + (appealId is null ? "" : " AND c.id = (SELECT a.case_id FROM case_appeals a WHERE a.appeal_id = @appeal_id AND a.tenant_id = @tenant)");
        // One snapshot for the page and its total: read apart, a case opened between the two is counted but not listed.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var list = new NpgsqlBatchCommand($"""
            SELECT {SummaryColumns} FROM cases c {filter}
            ORDER BY c.opened_at DESC, c.id DESC
            LIMIT @limit OFFSET @offset
            """);
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM cases c {filter}");
        foreach (var cmd in new[] { list, count })
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            if (status is not null) cmd.Parameters.AddWithValue("status", status);
            if (appealId is { } appeal) cmd.Parameters.AddWithValue("appeal_id", appeal);
        }
        list.Parameters.AddWithValue("limit", pageSize);
        list.Parameters.AddWithValue("offset", (page - 1) * pageSize);
        batch.BatchCommands.Add(list);
        batch.BatchCommands.Add(count);

        var items = new List<CaseSummary>();
        long total;
        await using (var r = await batch.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) items.Add(ReadSummary(r));
            await r.NextResultAsync(ct);
            await r.ReadAsync(ct);
            total = r.GetInt64(0);
        }
        await transaction.CommitAsync(ct);
        return new CaseListResponse(items, page, pageSize, total);
    }

    private static CaseSummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3),
        new InsuredIdentity(r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6)),
        r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetFieldValue<DateTimeOffset>(9));
}

/// <summary>How a client names a case: by its number (2026-000042) or its id, always within its own tenant.</summary>
public static class CaseKey
{
    /// <summary>The WHERE condition on <c>cases</c>; bind its parameters with <see cref="Bind"/>.</summary>
    public const string Filter = "tenant_id = @tenant AND (number = @key OR id = @id)";

    public static void Bind(NpgsqlCommand command, string tenantId, string numberOrId)
    {
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("key", numberOrId);
        command.Parameters.AddWithValue("id", Guid.TryParse(numberOrId, out var id) ? id : Guid.Empty);
    }
}
