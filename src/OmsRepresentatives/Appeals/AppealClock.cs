using Platform.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.OmsRepresentatives.Appeals;

/// <summary>What one scan of the clock did.</summary>
public sealed record AppealScan(int DueSoon, int Overdue, int ExpertiseOverdue, int Closed);

public sealed record ClockCounts(long Overdue, long DueSoon, long OnTime);

/// <summary>The supervisors' board: open written appeals by deadline (the earliest 200), their counts, and the open tasks.</summary>
public sealed record ClockBoard(DateTimeOffset Now, ClockCounts Counts, IReadOnlyList<AppealSummary> Appeals, IReadOnlyList<OmsTaskView> Tasks);

/// <summary>
/// The law's clock (59-FZ) over every tenant's open written appeals: each scan (every <c>Oms:Appeals:ScanInterval</c>
/// on the injected <see cref="TimeProvider"/>) makes an <c>answer-due-soon</c> task when <c>DueSoonDays</c> or fewer
/// calendar days are left in the SMO's time zone, an <c>answer-overdue</c> task and a <c>deadline-breached</c> line on
/// the history once the deadline passed, an <c>expertise-overdue</c> task for an expertise past its due day without a
/// conclusion, and closes the tasks of appeals that were answered.
/// <para>
/// Every step is one set-based statement keyed by the unique (appeal, kind) of <c>oms_tasks</c>: two replicas (or two
/// scans) racing insert each task once (what already has its task is skipped before the insert is tried), the second waiting on the first's index entry and then doing nothing, and the
/// history line is written only by the statement whose task insert won. Rows are taken in appeal order, so two scans
/// never wait on each other crosswise. All state is in the tables: a scan missed while no replica ran is caught up by
/// the next.
/// </para>
/// </summary>
public sealed partial class AppealClock(NpgsqlDataSource db, TimeProvider clock, IOptions<AppealOptions> options, ILogger<AppealClock> logger)
    : BackgroundService
{
    public const string Actor = "appeal-clock";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicScan.RunAsync(ct => RunOnceAsync(ct), options.Value.ScanInterval, clock, LogScanFailed, stoppingToken);

    /// <summary>One scan, now; safe to run concurrently with itself and with other replicas.</summary>
    public async Task<AppealScan> RunOnceAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        async Task<int> Run(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, connection);
            cmd.Parameters.AddWithValue("now", now);
                        cmd.Parameters.AddWithValue("soon", o.DueSoonDays);
            cmd.Parameters.AddWithValue("actor", Actor);
            return await cmd.ExecuteNonQueryAsync(ct);
        }

        // A warning reopens when the deadline moved later (an extension) and the new one comes near in its turn.
        var dueSoon = await Run("""
            INSERT INTO oms_tasks (tenant_id, appeal_id, kind, due_at, created_at)
            SELECT tenant_id, id, 'answer-due-soon', coalesce(extended_to, due_at), @now
            FROM appeals
            WHERE status = 'open' AND written AND coalesce(extended_to, due_at) >= @now
              AND (coalesce(extended_to, due_at) AT TIME ZONE oms_time_zone(tenant_id))::date - (@now AT TIME ZONE oms_time_zone(tenant_id))::date <= @soon
              AND NOT EXISTS (SELECT FROM oms_tasks t WHERE t.appeal_id = appeals.id AND t.kind = 'answer-due-soon'
                                                        AND t.due_at >= coalesce(appeals.extended_to, appeals.due_at))
            ORDER BY id
            ON CONFLICT (appeal_id, kind) DO UPDATE
                SET status = 'open', due_at = excluded.due_at, created_at = excluded.created_at, done_at = NULL, done_by = NULL
                WHERE oms_tasks.due_at < excluded.due_at
            """);
        var overdue = await Run("""
            WITH t AS (
                INSERT INTO oms_tasks (tenant_id, appeal_id, kind, due_at, created_at)
                SELECT tenant_id, id, 'answer-overdue', coalesce(extended_to, due_at), @now
                FROM appeals
                WHERE status = 'open' AND written AND coalesce(extended_to, due_at) < @now
                  AND NOT EXISTS (SELECT FROM oms_tasks t WHERE t.appeal_id = appeals.id AND t.kind = 'answer-overdue')
                ORDER BY id
                ON CONFLICT (appeal_id, kind) DO NOTHING
                RETURNING tenant_id, appeal_id, due_at)
            INSERT INTO appeal_events (tenant_id, appeal_id, at, actor, kind, text)
            SELECT tenant_id, appeal_id, @now, @actor, 'deadline-breached',
                   'Срок ответа истёк ' || to_char(due_at AT TIME ZONE oms_time_zone(tenant_id), 'DD.MM.YYYY HH24:MI') || ' без ответа заявителю'
            FROM t
            """);
        var expertise = await Run("""
            INSERT INTO oms_tasks (tenant_id, appeal_id, kind, due_at, created_at)
            SELECT e.tenant_id, e.appeal_id, 'expertise-overdue', (min(e.due_on) + 1)::timestamp AT TIME ZONE oms_time_zone(e.tenant_id), @now
            FROM expertises e JOIN appeals a ON a.id = e.appeal_id
            WHERE e.concluded_at IS NULL AND a.status = 'open' AND e.due_on < (@now AT TIME ZONE oms_time_zone(e.tenant_id))::date
              AND NOT EXISTS (SELECT FROM oms_tasks t WHERE t.appeal_id = e.appeal_id AND t.kind = 'expertise-overdue')
            GROUP BY e.tenant_id, e.appeal_id
            ORDER BY e.appeal_id
            ON CONFLICT (appeal_id, kind) DO NOTHING
            """);
        // Last, so a task made for an appeal answered while this scan ran is closed now rather than at the next scan.
        var closed = await Run("""
            UPDATE oms_tasks t SET status = 'done', done_at = @now, done_by = @actor
            FROM appeals a
            WHERE a.id = t.appeal_id AND t.status = 'open' AND a.status = 'answered'
            """);
        if (dueSoon + overdue + expertise + closed > 0) LogScan(dueSoon, overdue, expertise, closed);
        return new AppealScan(dueSoon, overdue, expertise, closed);
    }

    [LoggerMessage(LogLevel.Error, "The appeal clock's scan failed; the next scan retries")]
    private partial void LogScanFailed(Exception e);

    [LoggerMessage(LogLevel.Information, "Appeal clock: {DueSoon} due soon, {Overdue} overdue, {Expertise} expertises overdue, {Closed} tasks closed")]
    private partial void LogScan(int dueSoon, int overdue, int expertise, int closed);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/clock", BoardAsync).RequireAccess(Access.OmsSupervise).WithTags("OMS appeals")
            .WithSummary("The law's clock: open written appeals by deadline with counts (overdue, due soon, on time) and the open tasks");
        var tasks = app.MapGroup("/tasks").WithTags("OMS appeals");
        tasks.MapGet("/", TasksAsync).RequireAccess(Access.OmsSupervise)
            .WithSummary("The clock's tasks (status=open|done, default open; kind= narrows), earliest due first");
        tasks.MapPost("/{task:int}/done", DoneAsync).RequireAccess(Access.OmsSupervise).WithSummary("Marks a task done");
    }

    private const string TaskColumns = "t.id, a.number, t.kind, t.due_at, t.status, t.created_at, t.done_at, t.done_by";

    private static OmsTaskView ReadTask(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5),
            r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetString(7));

    private static async Task<List<OmsTaskView>> ReadTasksAsync(NpgsqlConnection connection, string tenantId, string status, string? kind,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT {TaskColumns} FROM oms_tasks t JOIN appeals a ON a.id = t.appeal_id
            WHERE t.tenant_id = @tenant AND t.status = @status AND (@kind::text IS NULL OR t.kind = @kind)
            ORDER BY t.due_at, t.id
            LIMIT 500
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("status", status);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("kind", kind));
        var list = new List<OmsTaskView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(ReadTask(r));
        return list;
    }

    private static async Task<Ok<ClockBoard>> BoardAsync(RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions o, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("""
                    SELECT count(*) FILTER (WHERE d < @now),
                           count(*) FILTER (WHERE d >= @now AND (d AT TIME ZONE @tz)::date - (@now AT TIME ZONE @tz)::date <= @soon),
                           count(*) FILTER (WHERE d >= @now AND (d AT TIME ZONE @tz)::date - (@now AT TIME ZONE @tz)::date > @soon)
                    FROM (SELECT coalesce(extended_to, due_at) AS d FROM appeals WHERE tenant_id = @tenant AND status = 'open' AND written) x
                    """),
                new($"""
                    SELECT {AppealStore.SummaryColumns} FROM appeals WHERE tenant_id = @tenant AND status = 'open' AND written
                    ORDER BY coalesce(extended_to, due_at), id LIMIT 200
                    """),
            },
        };
        foreach (NpgsqlBatchCommand c in batch.BatchCommands)
        {
            c.Parameters.AddWithValue("tenant", identity.TenantId);
            c.Parameters.AddWithValue("now", now);
            c.Parameters.AddWithValue("tz", o.Zone.Id);
            c.Parameters.AddWithValue("soon", o.DueSoonDays);
        }
        ClockCounts counts;
        var appeals = new List<AppealSummary>();
        await using (var r = await batch.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            counts = new ClockCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct)) appeals.Add(AppealStore.ReadSummary(r, o, now));
        }
        return TypedResults.Ok(new ClockBoard(now, counts, appeals, await ReadTasksAsync(connection, identity.TenantId, "open", null, ct)));
    }

    private static async Task<Results<Ok<OmsTaskView[]>, ValidationProblem>> TasksAsync(RequestIdentity identity, NpgsqlDataSource db,
        CancellationToken ct, string? status = null, [OneOf(typeof(OmsTaskKinds), nameof(OmsTaskKinds.All))] string? kind = null)
    {
        var e = new ValidationErrors();
        e.OneOf("status", status, ["open", "done"]);
        e.OneOf("kind", kind, OmsTaskKinds.All);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok((await ReadTasksAsync(connection, identity.TenantId, status ?? "open", kind, ct)).ToArray());
    }

    private static async Task<Results<Ok<OmsTaskView>, ProblemHttpResult>> DoneAsync(int task, RequestIdentity identity, NpgsqlDataSource db,
        TimeProvider clock, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // Done twice is done: the first closing stays on record.
        await using var cmd = new NpgsqlCommand($"""
            WITH u AS (
                UPDATE oms_tasks SET status = 'done', done_at = coalesce(done_at, @now), done_by = coalesce(done_by, @actor)
                WHERE id = @id AND tenant_id = @tenant
                RETURNING *)
            SELECT {TaskColumns} FROM u t JOIN appeals a ON a.id = t.appeal_id
            """, connection);
        cmd.Parameters.AddWithValue("id", (long)task);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("actor", identity.ActorId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? TypedResults.Ok(ReadTask(r)) : Problems.NotFound($"Task {task} was not found.");
    }
}
