using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Platform.Cases.CaseFiles;
using Platform.Cases.Timeline;

namespace Platform.Cases.Tasks;

/// <summary>
/// The insurer's control-call rule: every how many days a case in each status gets a control call (null: none).
/// <c>IsDefault</c>: the insurer has set nothing and the platform's defaults apply.
/// </summary>
public sealed record ControlCallSettings(IReadOnlyDictionary<string, int?> EveryDays, bool IsDefault, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>Replaces the rule as a whole: a status left out gets no control calls.</summary>
public sealed record ControlCallSettingsRequest(Dictionary<string, int?>? EveryDays);

/// <summary>
/// Control calls by rule (seed 000: "passive handling, no control calls"). Each case in a status with a rule has
/// exactly one open control call; the next one is due one interval after the last completed one, or after the case
/// entered its status, was opened, or the rule was set, whichever is latest. The SLA clock runs both steps below on
/// every scan, so a completed call, a status change or a new rule is acted on within one scan interval.
/// </summary>
public static class ControlCallRules
{
    /// <summary>
    /// Daily while in hospital and while waiting for repatriation (the patient is still under treatment abroad), every
    /// two days as an outpatient; none while merely open (the callback promise covers it) and none once closed.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, int> Defaults = new Dictionary<string, int>
    {
        ["hospitalised"] = 1,
        ["awaiting-repatriation"] = 1,
        ["outpatient"] = 2,
    };

    public const int MaxEveryDays = 30;
    private const string Actor = "sla-clock";
    private static readonly string DefaultsJson = JsonSerializer.Serialize(Defaults);

    /// <summary>One control call per case and due day; rules that run again (or on another replica) add nothing.</summary>
    public static string DedupKey(Guid caseId, DateTimeOffset dueAt) => $"control-call:{caseId}:{dueAt.UtcDateTime:yyyy-MM-dd}";

    // The interval for case c under settings row s (null when its status has no control calls).
    private const string EveryDaysSql = "(COALESCE(s.every_days, @defaults::jsonb) ->> c.status)::int";

    public static RouteGroupBuilder MapControlCallSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/settings/control-calls").RequireAccess(Access.ConfigureInsurer).WithTags("Tasks");
        group.MapGet("/", GetAsync).WithSummary("Every how many days a case in each status gets a control call");
        group.MapPut("/", PutAsync).WithSummary("Sets the insurer's control-call rule; statuses left out get none");
        return group;
    }

    private static async Task<Ok<ControlCallSettings>> GetAsync(RequestIdentity identity, NpgsqlDataSource dataSource, CancellationToken ct) =>
        TypedResults.Ok(await ReadAsync(dataSource, identity.TenantId, ct));

    private static async Task<Results<Ok<ControlCallSettings>, ValidationProblem>> PutAsync(
        ControlCallSettingsRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("everyDays", request.EveryDays))
            foreach (var (status, days) in request.EveryDays!)
            {
                var field = $"everyDays.{status}";
                if (!errors.OneOf(field, status, CaseStatuses.All) || days is null) continue;
                if (status == "closed") errors.Add(field, "A closed case gets no control calls.");
                else if (days is < 1 or > MaxEveryDays) errors.Add(field, $"The interval must be between 1 and {MaxEveryDays} days, or null for none.");
            }
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        var rule = request.EveryDays!.Where(r => r.Value is not null).ToDictionary(r => r.Key, r => r.Value!.Value);
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO control_call_settings (tenant_id, every_days, updated_at, updated_by)
            VALUES (@tenant, @every_days, @now, @actor)
            ON CONFLICT (tenant_id) DO UPDATE
                SET every_days = excluded.every_days, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("every_days", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(rule));
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("actor", identity.ActorId);
        await cmd.ExecuteNonQueryAsync(ct);
        return TypedResults.Ok(await ReadAsync(dataSource, identity.TenantId, ct));
    }

    public static async Task<ControlCallSettings> ReadAsync(NpgsqlDataSource dataSource, string tenantId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT every_days::text, updated_at, updated_by FROM control_call_settings WHERE tenant_id = @tenant");
        cmd.Parameters.AddWithValue("tenant", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var found = await r.ReadAsync(ct);
        var rule = found ? JsonSerializer.Deserialize<Dictionary<string, int>>(r.GetString(0))! : Defaults;
        // Every status is listed, so a client sees "none" as an explicit null rather than a missing key.
        var everyDays = CaseStatuses.All.ToDictionary(s => s, s => rule.TryGetValue(s, out var days) ? days : (int?)null);
        return new ControlCallSettings(everyDays, !found, found ? r.GetFieldValue<DateTimeOffset>(1) : null, found ? r.GetString(2) : null);
    }

    internal sealed record StaleCall(Guid TaskId, string TenantId, Guid CaseId, string Title, string Status);

    /// <summary>
    /// Rule-made control calls whose case changed status (or whose status lost its rule, closing included): they are
    /// cancelled, and the schedule step sets the next one by the new status's interval.
    /// </summary>
    internal static readonly ClaimQuery<StaleCall> Stale = new($"""
        SELECT t.id, t.tenant_id, t.case_id, t.title, c.status
        FROM case_tasks t
        JOIN cases c ON c.id = t.case_id AND c.tenant_id = t.tenant_id
        LEFT JOIN control_call_settings s ON s.tenant_id = t.tenant_id
        WHERE t.status = 'open' AND t.kind = 'control-call' AND t.dedup_key LIKE 'control-call:%'
          AND (c.status IS DISTINCT FROM t.data->>'status' OR {EveryDaysSql} IS NULL)
          AND NOT (t.id = ANY(@skip))
        LIMIT 1
        FOR UPDATE OF t SKIP LOCKED
        """,
        p => p.AddWithValue("defaults", DefaultsJson),
        r => new StaleCall(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3), r.GetString(4)),
        row => row.TaskId);

    internal static async Task CancelAsync(NpgsqlTransaction transaction, StaleCall call, DateTimeOffset now, CancellationToken ct)
    {
        var why = $"The case is now {call.Status}; the control-call rule of that status applies.";
        await using (var cmd = new NpgsqlCommand("""
            UPDATE case_tasks
            -- The cancelled call gives up its dedup key, so a call for the same day under the new status can be set.
            SET status = 'cancelled', completed_at = @now, completed_by = @actor, outcome = @why,
                dedup_key = dedup_key || ':cancelled:' || id::text
            WHERE tenant_id = @tenant AND id = @id
            """, transaction.Connection, transaction))
        {
            cmd.Parameters.AddWithValue("tenant", call.TenantId);
            cmd.Parameters.AddWithValue("id", call.TaskId);
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("actor", Actor);
            cmd.Parameters.AddWithValue("why", why);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await CaseTimeline.AppendAsync(transaction, call.TenantId, call.CaseId, now, "task-cancelled", $"{call.Title}: cancelled. {why}", Actor,
            new { taskId = call.TaskId, kind = TaskKinds.ControlCall }, ct);
    }

    internal sealed record DueCall(Guid CaseId, string TenantId, string Status, int EveryDays, DateTimeOffset Anchor);

    /// <summary>
    /// Cases in a status with a rule and no open control call (a manual one counts too). The case row is locked, so
    /// two replicas never schedule for one case at once.
    /// </summary>
    internal static ClaimQuery<DueCall> Unscheduled(string[] ruledStatuses) => new($"""
        SELECT c.id, c.tenant_id, c.status, {EveryDaysSql},
               GREATEST(c.opened_at, s.updated_at,
                   (SELECT max(t.completed_at) FROM case_tasks t
                    WHERE t.tenant_id = c.tenant_id AND t.case_id = c.id AND t.kind = 'control-call' AND t.status = 'done'),
                   (SELECT max(e.at) FROM timeline_entries e
                    WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'status-changed'))
        FROM cases c
        LEFT JOIN control_call_settings s ON s.tenant_id = c.tenant_id
        WHERE c.status <> 'closed' AND {EveryDaysSql} IS NOT NULL
          -- Only statuses some rule gives calls: the index cases_open_by_status finds them without reading the open
          -- cases in other statuses. They are written into the statement, from the fixed list of statuses, because
          -- the planner must see them: given a parameter or a subquery, it expected every case to match and read them all.
          AND c.status IN ({string.Join(", ", ruledStatuses.Select(status => $"'{status}'"))})
          AND NOT EXISTS (SELECT 1 FROM case_tasks t
                          WHERE t.tenant_id = c.tenant_id AND t.case_id = c.id AND t.kind = 'control-call' AND t.status = 'open')
          AND NOT (c.id = ANY(@skip))
        LIMIT 1
        FOR UPDATE OF c SKIP LOCKED
        """,
        p => p.AddWithValue("defaults", DefaultsJson),
        r => new DueCall(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetFieldValue<DateTimeOffset>(4)),
        row => row.CaseId);

    /// <summary>The statuses any insurer's rule, or the defaults, give control calls: names from <see cref="CaseStatuses.All"/> only.</summary>
    internal static async Task<string[]> RuledStatusesAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var ruled = new HashSet<string>(Defaults.Keys);
        await using var cmd = dataSource.CreateCommand("SELECT DISTINCT jsonb_object_keys(every_days) FROM control_call_settings");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ruled.Add(r.GetString(0));
        return CaseStatuses.All.Where(ruled.Contains).ToArray();
    }

    /// <returns>Whether a control call was set.</returns>
    internal static async Task<bool> ScheduleAsync(NpgsqlTransaction transaction, DueCall call, DateTimeOffset now, CancellationToken ct)
    {
        var every = call.EveryDays == 1 ? "daily" : $"every {call.EveryDays} days";
        var dueAt = call.Anchor.AddDays(call.EveryDays);
        // A call made early leaves its due day taken; the next goes to the following free day, one call per day.
        for (var attempt = 0; attempt < 7; attempt++, dueAt = dueAt.AddDays(1))
        {
            var id = await CaseTasks.CreateAsync(transaction, call.TenantId, call.CaseId, TaskKinds.ControlCall,
                $"Control call ({call.Status}, {every})", dueAt, now, Actor, dedupKey: DedupKey(call.CaseId, dueAt),
                data: new { status = call.Status, everyDays = call.EveryDays }, ct: ct);
            if (id is not null) return true;
        }
        return false;
    }
}
