using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Tasks;

/// <summary>Section <c>Sla</c>.</summary>
public sealed class SlaOptions
{
    /// <summary>How often the clock scans; an overdue task escalates at most this late.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many rows per step and scan, so one scan stays short after an outage; the next scan goes on.</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>What one scan did.</summary>
public sealed record SlaScan(int Escalated, int ControlCallsCancelled, int ControlCallsScheduled, int ExtensionWarnings);

/// <summary>A row-claiming query of one scan step: it selects one row <c>LIMIT 1 FOR UPDATE SKIP LOCKED</c>, skipping <c>@skip</c>.</summary>
internal sealed record ClaimQuery<TRow>(string Sql, Action<NpgsqlParameterCollection> Bind, Func<NpgsqlDataReader, TRow> Read, Func<TRow, Guid> Key);

/// <summary>
/// The SLA clock: the clock, not memory, holds the case to what was promised. Each scan (every <c>Sla:ScanInterval</c>)
/// cancels control calls whose case changed status, schedules the next control call by the insurer's rule, warns of
/// treatment running past the policy end, and escalates each open task that passed its due time exactly once.
/// <para>
/// All state is in the tables, so a restart loses nothing and a task due while no replica ran escalates at the next
/// scan. With several replicas each row is handled in its own short transaction that claims it with
/// <c>FOR UPDATE SKIP LOCKED</c> and changes it so it no longer matches: a replica skips what another holds and, once
/// that commits, no longer sees it. One row per transaction also means two replicas never hold locks on two cases in
/// opposite order (every timeline append locks the case row).
/// </para>
/// <para>
/// An overdue task goes to the supervisors' queue: <c>escalated_to = 'supervisor'</c> and <c>escalated_at</c> are set,
/// the owner keeps it, <c>GET /tasks/overdue</c> is the supervisors' list and <see cref="TaskOverdue"/> tells everyone
/// else (webhooks, paging).
/// </para>
/// </summary>
public sealed partial class SlaClock(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    SlaMetrics metrics,
    IOptions<SlaOptions> options,
    ILogger<SlaClock> logger) : BackgroundService
{
    public const string SupervisorQueue = "supervisor";
    private const string Actor = "sla-clock";

    private readonly SlaOptions _options = options.Value;

    // The timer runs on the injected clock, so a test that moves a fake clock forward also moves the scans; a failed
    // scan is retried by the next: every step works from what is in the tables.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicScan.RunAsync(ct => RunOnceAsync(ct), _options.ScanInterval, clock, LogScanFailed, stoppingToken);

    /// <summary>
    /// One scan, now. Safe to call concurrently with itself and with other replicas' scans. A step that fails does not
    /// keep the others from running (an escalation must not wait for a broken rule); its error is thrown at the end.
    /// </summary>
    public async Task<SlaScan> RunOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var failures = new List<Exception>();
        async Task<int> Step(Func<Task<int>> step)
        {
            try { return await step(); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failures.Add(e);
                return 0;
            }
        }

        // Stale control calls go first, so a case whose status changed gets its new call in the same scan.
        var cancelled = await Step(() => ProcessEachAsync(ControlCallRules.Stale, async (tx, row) =>
        {
            await ControlCallRules.CancelAsync(tx, row, now, ct);
            return true;
        }, now, ct));
        var scheduled = await Step(async () => await ProcessEachAsync(
            ControlCallRules.Unscheduled(await ControlCallRules.RuledStatusesAsync(dataSource, ct)),
            (tx, row) => ControlCallRules.ScheduleAsync(tx, row, now, ct), now, ct));
        var warned = await Step(() => ProcessEachAsync(PolicyEndWatch.Cases,
            (tx, row) => PolicyEndWatch.WarnAsync(tx, row, now, ct), now, ct,
            committed: row => metrics.ExtensionWarning(row.TenantId)));
        var escalated = await Step(() => ProcessEachAsync(Overdue, async (tx, row) =>
        {
            await EscalateAsync(tx, row, now, ct);
            return true;
        }, now, ct, committed: row => metrics.Escalated(row.TenantId, row.Kind)));
        await Step(async () =>
        {
            await RefreshOverdueGaugeAsync(now, ct);
            return 0;
        });

        if (cancelled + scheduled + warned + escalated > 0)
            LogScan(escalated, cancelled, scheduled, warned);
        if (failures.Count > 0) throw new AggregateException("An SLA clock step failed.", failures);
        return new SlaScan(escalated, cancelled, scheduled, warned);
    }

    internal sealed record OverdueTask(Guid Id, string TenantId, Guid CaseId, string CaseNumber, string Kind, string Title,
        DateTimeOffset DueAt, string? Owner);

    private static readonly ClaimQuery<OverdueTask> Overdue = new("""
        SELECT t.id, t.tenant_id, t.case_id, c.number, t.kind, t.title, t.due_at, t.owner
        FROM case_tasks t JOIN cases c ON c.id = t.case_id AND c.tenant_id = t.tenant_id
        WHERE t.status = 'open' AND t.escalated_at IS NULL AND t.due_at < @now AND c.status <> 'closed'
          AND NOT (t.id = ANY(@skip))
        ORDER BY t.due_at
        LIMIT 1
        FOR UPDATE OF t SKIP LOCKED
        """,
        _ => { },
        r => new OverdueTask(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetString(5),
            r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetString(7)),
        row => row.Id);

    private static async Task EscalateAsync(NpgsqlTransaction transaction, OverdueTask task, DateTimeOffset now, CancellationToken ct)
    {
        await using (var cmd = new NpgsqlCommand("""
            UPDATE case_tasks SET escalated_at = @now, escalated_to = @queue
            WHERE tenant_id = @tenant AND id = @id
            """, transaction.Connection, transaction))
        {
            cmd.Parameters.AddWithValue("tenant", task.TenantId);
            cmd.Parameters.AddWithValue("id", task.Id);
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("queue", SupervisorQueue);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var late = now - task.DueAt;
        await CaseTimeline.AppendAsync(transaction, task.TenantId, task.CaseId, now, "task-escalated",
            $"{task.Title}: overdue since {task.DueAt:u} ({(int)late.TotalMinutes} min), escalated to the supervisor", Actor,
            new { taskId = task.Id, task.Kind, task.DueAt, task.Owner, escalatedTo = SupervisorQueue }, ct);
        await transaction.EnqueueAsync(new TaskOverdue(task.Id, task.TenantId, task.CaseId, task.Kind, task.DueAt, now, task.Owner,
            task.CaseNumber, task.Title), ct);
    }

    /// <summary>
    /// Claims one row at a time, each in its own transaction, and hands it to <paramref name="handle"/>, which must
    /// change it so the query no longer matches (or return false: the row is then skipped for the rest of this scan).
    /// <paramref name="committed"/> runs once the change is committed (metrics count only what happened).
    /// </summary>
    private async Task<int> ProcessEachAsync<TRow>(ClaimQuery<TRow> query, Func<NpgsqlTransaction, TRow, Task<bool>> handle,
        DateTimeOffset now, CancellationToken ct, Action<TRow>? committed = null)
    {
        var done = 0;
        var skip = new List<Guid>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        for (var i = 0; i < _options.BatchSize; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            TRow row;
            await using (var claim = new NpgsqlCommand(query.Sql, connection, transaction))
            {
                claim.Parameters.AddWithValue("now", now);
                claim.Parameters.AddWithValue("skip", skip.ToArray());
                query.Bind(claim.Parameters);
                await using var r = await claim.ExecuteReaderAsync(ct);
                if (!await r.ReadAsync(ct)) break;
                row = query.Read(r);
            }

            var changed = await handle(transaction, row);
            await transaction.CommitAsync(ct);
            if (!changed)
            {
                skip.Add(query.Key(row));
                continue;
            }
            done++;
            committed?.Invoke(row);
        }
        return done;
    }

    private async Task RefreshOverdueGaugeAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT tenant_id, count(*) FROM case_tasks WHERE status = 'open' AND due_at < @now GROUP BY tenant_id");
        cmd.Parameters.AddWithValue("now", now);
        var perTenant = new Dictionary<string, long>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) perTenant[r.GetString(0)] = r.GetInt64(1);
        metrics.Overdue(perTenant);
    }

    [LoggerMessage(LogLevel.Error, "SLA clock scan failed; the next scan retries")]
    private partial void LogScanFailed(Exception e);

    [LoggerMessage(LogLevel.Information, "SLA clock: {Escalated} escalated, {Cancelled} control calls cancelled, {Scheduled} scheduled, {Warned} extension warnings")]
    private partial void LogScan(int escalated, int cancelled, int scheduled, int warned);
}
