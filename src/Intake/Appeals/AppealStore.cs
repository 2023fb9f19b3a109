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

    /// <summary>The open case of this insured, by policy number or else by name and date of birth, with its plan as Cases last reported it.</summary>
    public static async Task<OpenCase?> FindOpenCaseAsync(NpgsqlConnection connection, string tenantId, InsuredIdentity insured,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT o.case_id, o.case_number, p.kind, p.current_step, p.step_count, p.current_step_title, p.current_step_owner
            FROM open_cases o LEFT JOIN case_plans p ON p.case_id = o.case_id AND p.tenant_id = o.tenant_id
            WHERE o.tenant_id = @tenant
              AND ((@policy::text IS NOT NULL AND insured_policy_number = @policy)
                OR (insured_name_key = @name AND insured_date_of_birth = @dob))
            ORDER BY o.opened_at DESC
            LIMIT 1
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("policy", insured.PolicyNumber));
        cmd.Parameters.AddWithValue("name", InsuredIdentity.NameKey(insured.FullName));
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly?>("dob", insured.DateOfBirth));
        await using var r = await cmd.ExecuteReaderAsync(ct);
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
            VALUES (@id, @tenant, @channel, @triage, @requested, @reasons, @rank,
                @caller_name, @caller_relation, @caller_phone, @caller_email, @caller_language, @caller_time_zone, @caller_channel,
                @caller_consent, @may_share,
                @policy, @full_name, @dob,
                @country, @city, @address, @description, @event_date, @coverage_status, @coverage,
                @callback_due, @next_steps, @case_id, @case_number, @attached, @registered_at, @registered_by)
            """);
        {
            var p = cmd.Parameters;
            p.AddWithValue("id", appeal.AppealId);
            p.AddWithValue("tenant", appeal.TenantId);
            p.AddWithValue("channel", appeal.Channel);
            p.AddWithValue("triage", appeal.Triage);
            p.Add(new NpgsqlParameter<string?>("requested", requestedUrgency));
            p.AddWithValue("reasons", appeal.TriageReasons.ToArray());
            p.AddWithValue("rank", TriageLevels.Rank(appeal.Triage));
            p.AddWithValue("caller_name", appeal.Caller.Name);
            p.AddWithValue("caller_relation", appeal.Caller.Relation);
            p.Add(new NpgsqlParameter<string?>("caller_phone", appeal.Caller.Phone));
            p.Add(new NpgsqlParameter<string?>("caller_email", appeal.Caller.Email));
            p.Add(new NpgsqlParameter<string?>("caller_language", appeal.Caller.Language));
            p.Add(new NpgsqlParameter<string?>("caller_time_zone", appeal.Caller.TimeZone));
            p.Add(new NpgsqlParameter<string?>("caller_channel", appeal.Caller.PreferredChannel));
            p.Add(new NpgsqlParameter<bool?>("caller_consent", appeal.Caller.ConsentsToMessages));
            p.AddWithValue("may_share", appeal.Caller.MayReceiveMedicalDetails);
            p.Add(new NpgsqlParameter<string?>("policy", appeal.Insured.PolicyNumber));
            p.AddWithValue("full_name", appeal.Insured.FullName);
            p.Add(new NpgsqlParameter<DateOnly?>("dob", appeal.Insured.DateOfBirth));
            p.AddWithValue("country", appeal.Location.Country);
            p.Add(new NpgsqlParameter<string?>("city", appeal.Location.City));
            p.Add(new NpgsqlParameter<string?>("address", appeal.Location.Address));
            p.AddWithValue("description", appeal.Description);
            p.Add(new NpgsqlParameter<DateOnly?>("event_date", appeal.EventDate));
            p.AddWithValue("coverage_status", appeal.Coverage.Status);
            p.AddWithValue("coverage", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(response.Coverage, Json));
            p.AddWithValue("callback_due", appeal.CallbackDueAt);
            p.AddWithValue("next_steps", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(response.NextSteps, Json));
            p.Add(new NpgsqlParameter<Guid?>("case_id", null));
            p.Add(new NpgsqlParameter<string?>("case_number", response.CaseNumber));
            p.AddWithValue("attached", response.AttachedToOpenCase);
            p.AddWithValue("registered_at", appeal.RegisteredAt);
            p.AddWithValue("registered_by", registeredBy);
        }
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
