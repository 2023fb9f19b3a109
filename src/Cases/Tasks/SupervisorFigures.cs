using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Platform.Cases.Tasks;

/// <summary>
/// How tasks due in the period fared. <c>OnTime</c>: done by the due time; <c>Late</c>: done after it;
/// <c>OverdueOpen</c>: past due and still not done (late already); <c>NotYetDue</c>: open, due later.
/// <c>OnTimePercent</c> is OnTime over those whose outcome is known (on time, late, overdue); null when there are none.
/// </summary>
public sealed record Timeliness(long OnTime, long Late, long OverdueOpen, long NotYetDue, double? OnTimePercent);

/// <summary>From opening to the first completed callback, over cases opened in the period (minutes).</summary>
public sealed record FirstContact(long CasesOpened, long CasesContacted, double? MedianMinutes, double? P90Minutes);

/// <summary>Open cases per coordinator; <c>Coordinator</c> null: not assigned (or a task without an owner).</summary>
public sealed record CoordinatorLoadFigure(string? Coordinator, long OpenCases);

public sealed record OverdueFigures(long OpenNow, long EscalatedInPeriod);

/// <summary>
/// A tenant's service level over [From, To). <c>OpenCasesGroupedBy</c> says how the load was counted: by the case's
/// coordinator, or (where cases have no coordinator column yet) by the owners of open tasks.
/// </summary>
public sealed record SupervisorFiguresResponse(
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset At,
    Timeliness Callbacks,
    Timeliness ControlCalls,
    FirstContact TimeToFirstContact,
    string OpenCasesGroupedBy,
    IReadOnlyList<CoordinatorLoadFigure> OpenCasesPerCoordinator,
    OverdueFigures OverdueTasks);

/// <summary>
/// Supervisor figures (seeds 002-004: what operators measure without counting by hand), counted from the tables for
/// any period; the same events also feed the <see cref="SlaMetrics"/> instruments live.
/// </summary>
public static class SupervisorFigures
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public static RouteGroupBuilder MapSupervisorFiguresApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/supervisor").RequireAccess(Access.Supervise).WithTags("Tasks");
        group.MapGet("/figures", GetAsync)
            .WithSummary("Callbacks and control calls on time, time to first contact, open cases per coordinator, overdue tasks (default: the last 30 days)");
        return group;
    }

    private static async Task<Results<Ok<SupervisorFiguresResponse>, ValidationProblem>> GetAsync(
        RequestIdentity identity, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct,
        DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var now = clock.GetUtcNow();
        var end = to ?? now;
        var start = from ?? end - DefaultPeriod;
        var errors = new ValidationErrors();
        if (start >= end) errors.Add("from", "The period must start before it ends ('from' before 'to').");
        else if (end - start > MaxPeriod) errors.Add("to", $"The period can be at most {MaxPeriod.TotalDays:0} days long.");
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        return TypedResults.Ok(await ReadAsync(dataSource, identity.TenantId, start.ToUniversalTime(), end.ToUniversalTime(), now, ct));
    }

    public static async Task<SupervisorFiguresResponse> ReadAsync(NpgsqlDataSource dataSource, string tenantId,
        DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var byCoordinator = await HasCoordinatorColumnAsync(connection, ct);

        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT kind,
                   count(*) FILTER (WHERE status = 'done' AND completed_at <= due_at),
                   count(*) FILTER (WHERE status = 'done' AND completed_at > due_at),
                   count(*) FILTER (WHERE status = 'open' AND due_at < @now),
                   count(*) FILTER (WHERE status = 'open' AND due_at >= @now)
            FROM case_tasks
            WHERE tenant_id = @tenant AND kind IN ('callback', 'control-call') AND status <> 'cancelled'
              AND due_at >= @from AND due_at < @to
            GROUP BY kind
            """));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT count(*), count(first_at),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_at - opened_at)::float8 / 60),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_at - opened_at)::float8 / 60)
            FROM (SELECT c.opened_at,
                         (SELECT min(t.completed_at) FROM case_tasks t
                          WHERE t.tenant_id = c.tenant_id AND t.case_id = c.id AND t.kind = 'callback' AND t.status = 'done') AS first_at
                  FROM cases c
                  WHERE c.tenant_id = @tenant AND c.opened_at >= @from AND c.opened_at < @to) opened
            """));
        // The load is now, not over the period: it is what a supervisor balances when handing cases over.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(byCoordinator
            ? """
              SELECT coordinator, count(*) FROM cases
              WHERE tenant_id = @tenant AND status <> 'closed'
              GROUP BY coordinator ORDER BY count(*) DESC, coordinator
              """
            : """
              SELECT owner, count(DISTINCT case_id) FROM case_tasks
              WHERE tenant_id = @tenant AND status = 'open'
              GROUP BY owner ORDER BY count(DISTINCT case_id) DESC, owner
              """));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT count(*) FILTER (WHERE status = 'open' AND due_at < @now),
                   count(*) FILTER (WHERE escalated_at >= @from AND escalated_at < @to)
            FROM case_tasks
            WHERE tenant_id = @tenant AND ((status = 'open' AND due_at < @now) OR (escalated_at >= @from AND escalated_at < @to))
            """));
        foreach (NpgsqlBatchCommand cmd in batch.BatchCommands)
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("from", from);
            cmd.Parameters.AddWithValue("to", to);
            cmd.Parameters.AddWithValue("now", now);
        }

        await using var r = await batch.ExecuteReaderAsync(ct);
        var timeliness = new Dictionary<string, Timeliness>();
        while (await r.ReadAsync(ct))
        {
            var (onTime, late, overdue, notYetDue) = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
            var known = onTime + late + overdue;
            timeliness[r.GetString(0)] = new Timeliness(onTime, late, overdue, notYetDue,
                known == 0 ? null : Math.Round(100.0 * onTime / known, 1));
        }

        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var firstContact = new FirstContact(r.GetInt64(0), r.GetInt64(1),
            r.IsDBNull(2) ? null : Math.Round(r.GetDouble(2), 1), r.IsDBNull(3) ? null : Math.Round(r.GetDouble(3), 1));

        await r.NextResultAsync(ct);
        var load = new List<CoordinatorLoadFigure>();
        while (await r.ReadAsync(ct)) load.Add(new CoordinatorLoadFigure(r.IsDBNull(0) ? null : r.GetString(0), r.GetInt64(1)));

        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var overdueTasks = new OverdueFigures(r.GetInt64(0), r.GetInt64(1));

        var none = new Timeliness(0, 0, 0, 0, null);
        return new SupervisorFiguresResponse(from, to, now,
            timeliness.GetValueOrDefault(TaskKinds.Callback, none), timeliness.GetValueOrDefault(TaskKinds.ControlCall, none),
            firstContact, byCoordinator ? "coordinator" : "task-owner", load, overdueTasks);
    }

    /// <summary>The case file adds the coordinator column in its own migration; until it is there, load goes by task owner.</summary>
    private static async Task<bool> HasCoordinatorColumnAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM information_schema.columns
                           WHERE table_schema = current_schema() AND table_name = 'cases' AND column_name = 'coordinator')
            """, connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
