using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts;
using Platform.Intake.Policies;
using Platform.Messaging;

namespace Platform.Intake.Appeals;

/// <summary>The appeals table and the open-case projection. Every query carries the tenant in its WHERE clause.</summary>
public sealed class AppealStore(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    private const string Columns = """
        id, channel, urgency, triage_reasons, caller_name, caller_relation, caller_phone, caller_email, caller_language,
        may_share_medical, insured_policy_number, insured_full_name, insured_date_of_birth, country, city, address,
        description, event_date, coverage_status, coverage::text, callback_due_at, next_steps::text, case_number,
        attached_to_open_case, registered_at, queue_status, taken_by, taken_at, caller_time_zone, caller_preferred_channel,
        caller_consents_to_messages
        """;

    /// <summary>
    /// The open case of this insured, by policy number or else by name and date of birth, with its plan as Cases last
    /// reported it: a statement for the caller's batch, read with <see cref="ReadOpenCaseAsync"/>. Positional
    /// parameters ($1 the tenant, ...), as in the appeal's INSERT below: it runs on every appeal.
    /// </summary>
    public static NpgsqlBatchCommand OpenCaseCommand(string tenantId, InsuredIdentity insured) => new("""
        SELECT o.case_id, o.case_number, p.kind, p.current_step, p.step_count, p.current_step_title, p.current_step_owner
        FROM open_cases o LEFT JOIN case_plans p ON p.case_id = o.case_id AND p.tenant_id = o.tenant_id
        WHERE o.tenant_id = $1
          AND (($2::text IS NOT NULL AND insured_policy_number = $2)
            OR (insured_name_key = $3 AND insured_date_of_birth = $4))
        ORDER BY o.opened_at DESC
        LIMIT 1
        """)
    {
        Parameters =
        {
            new() { Value = tenantId },
            new NpgsqlParameter<string?> { TypedValue = insured.PolicyNumber },
            new() { Value = InsuredIdentity.NameKey(insured.FullName) },
            new NpgsqlParameter<DateOnly?> { TypedValue = insured.DateOfBirth },
        },
    };

    /// <summary>The open case of <see cref="OpenCaseCommand"/>'s result, or null.</summary>
    public static async Task<OpenCase?> ReadOpenCaseAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        if (!await r.ReadAsync(ct)) return null;
        var plan = r.IsDBNull(2) ? null : new CasePlanState(r.GetString(2), r.GetInt32(3), r.GetInt32(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6));
        return new OpenCase(r.GetGuid(0), r.GetString(1), plan);
    }

    /// <summary>Stores the appeal and enqueues its <see cref="AppealRegistered"/> event in the caller's transaction.</summary>
    public static async Task RegisterAsync(NpgsqlTransaction transaction, AppealRegistered appeal, AppealResponse response, string registeredBy,
        string? requestedUrgency, CancellationToken ct)
    {
        // The appeal and its event in one round trip.
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO appeals (id, tenant_id, channel, urgency, requested_urgency, triage_reasons, triage_rank,
                caller_name, caller_relation, caller_phone, caller_email, caller_language, caller_time_zone, caller_preferred_channel,
                caller_consents_to_messages, may_share_medical,
                insured_policy_number, insured_full_name, insured_date_of_birth,
                country, city, address, description, event_date, coverage_status, coverage,
                callback_due_at, next_steps, case_id, case_number, attached_to_open_case, registered_at, registered_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7,
                $8, $9, $10, $11, $12, $13, $14,
                $15, $16,
                $17, $18, $19,
                $20, $21, $22, $23, $24, $25, $26,
                $27, $28, $29, $30, $31, $32, $33)
            """)
        {
            // In the order of the columns above: positional, so that Npgsql does not parse and rewrite the statement's
            // text on every appeal, as it does for named parameters.
            Parameters =
            {
                new() { Value = appeal.AppealId },
                new() { Value = appeal.TenantId },
                new() { Value = appeal.Channel },
                new() { Value = appeal.Triage },
                new NpgsqlParameter<string?> { TypedValue = requestedUrgency },
                new() { Value = appeal.TriageReasons.ToArray() },
                new() { Value = TriageLevels.Rank(appeal.Triage) },
                new() { Value = appeal.Caller.Name },
                new() { Value = appeal.Caller.Relation },
                new NpgsqlParameter<string?> { TypedValue = appeal.Caller.Phone },
                new NpgsqlParameter<string?> { TypedValue = appeal.Caller.Email },
                new NpgsqlParameter<string?> { TypedValue = appeal.Caller.Language },
                new NpgsqlParameter<string?> { TypedValue = appeal.Caller.TimeZone },
                new NpgsqlParameter<string?> { TypedValue = appeal.Caller.PreferredChannel },
                new NpgsqlParameter<bool?> { TypedValue = appeal.Caller.ConsentsToMessages },
                new() { Value = appeal.Caller.MayReceiveMedicalDetails },
                new NpgsqlParameter<string?> { TypedValue = appeal.Insured.PolicyNumber },
                new() { Value = appeal.Insured.FullName },
                new NpgsqlParameter<DateOnly?> { TypedValue = appeal.Insured.DateOfBirth },
                new() { Value = appeal.Location.Country },
                new NpgsqlParameter<string?> { TypedValue = appeal.Location.City },
                new NpgsqlParameter<string?> { TypedValue = appeal.Location.Address },
                new() { Value = appeal.Description },
                new NpgsqlParameter<DateOnly?> { TypedValue = appeal.EventDate },
                new() { Value = appeal.Coverage.Status },
                new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(response.Coverage, Json) },
                new() { Value = appeal.CallbackDueAt },
                new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(response.NextSteps, Json) },
                new NpgsqlParameter<Guid?> { TypedValue = null },
                new NpgsqlParameter<string?> { TypedValue = response.CaseNumber },
                new() { Value = response.AttachedToOpenCase },
                new() { Value = appeal.RegisteredAt },
                new() { Value = registeredBy },
            },
        };
        batch.BatchCommands.Add(cmd);
        batch.Enqueue(appeal);
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task<AppealResponse?> FindAsync(string tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM appeals WHERE tenant_id = @tenant AND id = @id");
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>The coordinators' work queue: appeals not yet done, most urgent first, then by promised callback.</summary>
    public async Task<IReadOnlyList<AppealResponse>> QueueAsync(string tenantId, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {Columns} FROM appeals
            WHERE tenant_id = @tenant AND queue_status <> 'done'
            ORDER BY triage_rank, callback_due_at, registered_at
            LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("limit", limit);
        var list = new List<AppealResponse>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    public enum QueueMove { Done, NotFound, Conflict }

    /// <summary>A coordinator takes a waiting appeal; a single conditional UPDATE, so two cannot take the same one.</summary>
    public Task<(QueueMove, AppealResponse?)> TakeAsync(string tenantId, Guid id, string coordinator, DateTimeOffset now, CancellationToken ct) =>
        MoveAsync(tenantId, id, """
            UPDATE appeals SET queue_status = 'taken', taken_by = @actor, taken_at = @now
            WHERE tenant_id = @tenant AND id = @id AND queue_status = 'waiting'
            """, coordinator, now, ct);

    /// <summary>The coordinator who took the appeal has called back and finished with it; Cases is told, to close the callback.</summary>
    public Task<(QueueMove, AppealResponse?)> CompleteAsync(string tenantId, Guid id, string coordinator, DateTimeOffset now, CancellationToken ct) =>
        MoveAsync(tenantId, id, """
            UPDATE appeals SET queue_status = 'done'
            WHERE tenant_id = @tenant AND id = @id AND queue_status = 'taken' AND taken_by = @actor
            """, coordinator, now, ct,
            transaction => transaction.EnqueueAsync(new AppealHandled(id, tenantId, coordinator, now), ct));

    private async Task<(QueueMove, AppealResponse?)> MoveAsync(string tenantId, Guid id, string update, string actor, DateTimeOffset now,
        CancellationToken ct, Func<NpgsqlTransaction, Task>? andThen = null)
    {
        bool moved;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await using var cmd = new NpgsqlCommand(update, connection, transaction);
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("actor", actor);
            cmd.Parameters.AddWithValue("now", now);
            moved = await cmd.ExecuteNonQueryAsync(ct) == 1;
            if (moved && andThen is not null) await andThen(transaction);
            await transaction.CommitAsync(ct);
        }
        var appeal = await FindAsync(tenantId, id, ct);
        return (appeal is null ? QueueMove.NotFound : moved ? QueueMove.Done : QueueMove.Conflict, appeal);
    }

    /// <summary>
    /// Records the case each appeal opened or joined (the tenant must match), and remembers the cases opened as open
    /// (<see cref="CaseLink.OpenedFor"/>), in two set-based statements and one round trip for any number of links.
    /// </summary>
    public static async Task LinkCasesAsync(NpgsqlTransaction transaction, IReadOnlyList<CaseLink> links, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE appeals a SET case_id = l.case_id, case_number = l.case_number
            FROM unnest(@tenant::text[], @appeal_id::uuid[], @case_id::uuid[], @case_number::text[]) AS l(tenant_id, appeal_id, case_id, case_number)
            WHERE a.id = l.appeal_id AND a.tenant_id = l.tenant_id
            """)
        {
            Parameters =
            {
                new NpgsqlParameter("tenant", links.Select(l => l.TenantId).ToArray()),
                new NpgsqlParameter("appeal_id", links.Select(l => l.AppealId).ToArray()),
                new NpgsqlParameter("case_id", links.Select(l => l.CaseId).ToArray()),
                new NpgsqlParameter("case_number", links.Select(l => l.CaseNumber).ToArray()),
            },
        });
        var opened = links.Where(l => l.OpenedFor is not null).ToList();
        if (opened.Count > 0)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO open_cases (case_id, tenant_id, case_number, insured_policy_number, insured_name_key, insured_date_of_birth, opened_at)
                SELECT * FROM unnest(@case_id::uuid[], @tenant::text[], @case_number::text[], @policy::text[], @name::text[], @dob::date[],
                                     @at::timestamptz[])
                ON CONFLICT (case_id) DO NOTHING
                """)
            {
                Parameters =
                {
                    new NpgsqlParameter("case_id", opened.Select(l => l.CaseId).ToArray()),
                    new NpgsqlParameter("tenant", opened.Select(l => l.TenantId).ToArray()),
                    new NpgsqlParameter("case_number", opened.Select(l => l.CaseNumber).ToArray()),
                    new NpgsqlParameter("policy", opened.Select(l => l.OpenedFor!.PolicyNumber).ToArray()),
                    new NpgsqlParameter("name", opened.Select(l => InsuredIdentity.NameKey(l.OpenedFor!.FullName)).ToArray()),
                    new NpgsqlParameter("dob", opened.Select(l => l.OpenedFor!.DateOfBirth).ToArray()),
                    new NpgsqlParameter("at", opened.Select(l => l.At).ToArray()),
                },
            });
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static AppealResponse Read(NpgsqlDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateOnly? D(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
        return new AppealResponse(
            r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3),
            new AppealCaller(r.GetString(4), r.GetString(5), S(6), S(7), S(8), r.GetBoolean(9), S(28), S(29),
                r.IsDBNull(30) ? null : r.GetBoolean(30)),
            new InsuredIdentity(S(10), r.GetString(11), D(12)),
            new AppealLocation(r.GetString(13), S(14), S(15)),
            r.GetString(16), D(17),
            JsonSerializer.Deserialize<AppealCoverage>(r.GetString(19), Json)!,
            // The zone is derived again from what the caller gave, by the same rule as when the appeal was answered.
            new CallbackPromise(r.GetFieldValue<DateTimeOffset>(20), S(6), PersonTimeZone.Resolve(S(28), S(6), r.GetString(13))),
            JsonSerializer.Deserialize<List<NextStep>>(r.GetString(21), Json)!,
            S(22), r.GetBoolean(23), r.GetFieldValue<DateTimeOffset>(24),
            new QueueState(r.GetString(25), S(26), r.IsDBNull(27) ? null : r.GetFieldValue<DateTimeOffset>(27)));
    }
}
