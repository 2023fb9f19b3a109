using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.CaseFiles;

public sealed record ChangeStatusRequest([property: OneOf(typeof(CaseStatuses), nameof(CaseStatuses.All))] string? Status, string? Reason);

public sealed record AssignCoordinatorRequest(string? Coordinator, string? Note);

public sealed record CoordinatorLoad(string Coordinator, int OpenCases, int Hospitalised, int OverdueTasks);

/// <summary>Status changes with reasons, the responsible coordinator and handovers, and coordinator load.</summary>
public static class CaseLifecycle
{
    public static RouteGroupBuilder MapCaseLifecycleApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}").RequireAccess(Access.WorkCases).WithTags("Cases");
        group.MapPut("/status", ChangeStatusAsync).WithSummary("Moves the case through its life; closing needs a reason");
        group.MapPut("/coordinator", AssignAsync).WithSummary("Assigns the responsible coordinator, or hands the case over");
        app.MapGroup("/coordinators").RequireAccess(Access.Supervise).WithTags("Cases")
            .MapGet("/load", LoadAsync).WithSummary("Open cases and overdue tasks per coordinator");
        return group;
    }

    private static async Task<Results<Ok<CaseFileResponse>, ValidationProblem, ProblemHttpResult>> ChangeStatusAsync(
        string numberOrId, ChangeStatusRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore store,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("status", request.Status)) errors.OneOf("status", request.Status, CaseStatuses.All);
        if (request.Status == "closed") errors.Required("reason", request.Reason);
        errors.MaxLength("reason", request.Reason, 500);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        if (await store.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } resolved)
            return Problems.NotFound($"Case {numberOrId} was not found.");
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Closing cancels the open tasks: they are locked before the case row, as everywhere else (see LockOpenAsync).
        if (request.Status == CaseStatuses.Closed)
            await Tasks.CaseTasks.LockOpenAsync(transaction, identity.TenantId, resolved, kinds: null, ct);
        await using var read = new NpgsqlCommand("""
            SELECT id, number, status FROM cases
            WHERE tenant_id = @tenant AND id = @id
            FOR UPDATE
            """, connection, transaction);
        read.Parameters.AddWithValue("tenant", identity.TenantId);
        read.Parameters.AddWithValue("id", resolved);
        Guid caseId; string number, from;
        await using (var r = await read.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return Problems.NotFound($"Case {numberOrId} was not found.");
            (caseId, number, from) = (r.GetGuid(0), r.GetString(1), r.GetString(2));
        }
        if (from == request.Status) return TypedResults.Ok((await store.FindAsync(identity.TenantId, number, ct))!);
        if (from == CaseStatuses.Closed)
            return Problems.Conflict($"Case {number} is closed; a new episode is a new case.");

        await using (var update = new NpgsqlCommand("""
            UPDATE cases SET status = @status, status_reason = @reason,
                closed_at = CASE WHEN @status = 'closed' THEN @now ELSE NULL END
            WHERE id = @id AND tenant_id = @tenant
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("status", request.Status!);
            update.Parameters.Add(new NpgsqlParameter<string?>("reason", request.Reason));
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("id", caseId);
            update.Parameters.AddWithValue("tenant", identity.TenantId);
            await update.ExecuteNonQueryAsync(ct);
        }
        if (request.Status == CaseStatuses.Closed)
        {
            // Nothing is left to do on a closed case: its promises, control calls and chases end with it, so the SLA
            // clock has nothing of it to escalate.
            await using var cancel = new NpgsqlCommand("""
                UPDATE case_tasks
                SET status = 'cancelled', completed_at = @now, completed_by = @actor, outcome = 'Case closed: ' || @reason,
                    dedup_key = dedup_key || ':cancelled:' || id::text
                WHERE tenant_id = @tenant AND case_id = @id AND status = 'open'
                """, connection, transaction);
            cancel.Parameters.AddWithValue("now", now);
            cancel.Parameters.AddWithValue("actor", identity.ActorId);
            cancel.Parameters.AddWithValue("reason", request.Reason!);
            cancel.Parameters.AddWithValue("tenant", identity.TenantId);
            cancel.Parameters.AddWithValue("id", caseId);
            if (await cancel.ExecuteNonQueryAsync(ct) is > 0 and var cancelled)
                await CaseTimeline.AppendAsync(transaction, identity.TenantId, caseId, now, "task-cancelled",
                    $"{cancelled} open task(s) cancelled: the case is closed", identity.ActorId, new { cancelled }, ct);
        }
        await CaseTimeline.AppendAsync(transaction, identity.TenantId, caseId, now, "status-changed",
            $"Status {from} → {request.Status}{(request.Reason is null ? "" : ": " + request.Reason)}", identity.ActorId,
            new { from, to = request.Status, reason = request.Reason }, ct);
        await transaction.EnqueueAsync(new CaseStatusChanged(caseId, identity.TenantId, number, from, request.Status!, request.Reason, now), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok((await store.FindAsync(identity.TenantId, number, ct))!);
    }

    private static async Task<Results<Ok<CaseFileResponse>, ValidationProblem, ProblemHttpResult>> AssignAsync(
        string numberOrId, AssignCoordinatorRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore store,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("coordinator", request.Coordinator)) errors.MaxLength("coordinator", request.Coordinator, 100);
        errors.MaxLength("note", request.Note, 1000);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        if (await store.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } resolved)
            return Problems.NotFound($"Case {numberOrId} was not found.");
        var coordinator = request.Coordinator!.Trim();
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The case's promises go with it. Its open tasks are locked before the case row, in the order the SLA clock
        // and task completion take them (task, then case), so a handover and an escalation cannot deadlock.
        await Tasks.CaseTasks.LockOpenAsync(transaction, identity.TenantId, resolved, Tasks.TaskKinds.OfTheCoordinator, ct);
        await using var update = new NpgsqlCommand("""
            UPDATE cases c SET coordinator = @coordinator, coordinator_since = @now
            FROM (SELECT id, coordinator FROM cases WHERE tenant_id = @tenant AND id = @id FOR UPDATE) previous
            WHERE c.id = previous.id
            RETURNING c.id, c.number, previous.coordinator
            """, connection, transaction);
        update.Parameters.AddWithValue("coordinator", coordinator);
        update.Parameters.AddWithValue("now", now);
        update.Parameters.AddWithValue("tenant", identity.TenantId);
        update.Parameters.AddWithValue("id", resolved);
        Guid caseId; string number; string? previous;
        await using (var r = await update.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return Problems.NotFound($"Case {numberOrId} was not found.");
            (caseId, number, previous) = (r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2));
        }
        await CaseTimeline.AppendAsync(transaction, identity.TenantId, caseId, now, previous is null ? "coordinator-assigned" : "handover",
            previous is null ? $"{coordinator} is responsible for the case" : $"Handed over from {previous} to {coordinator}{(request.Note is null ? "" : ": " + request.Note)}",
            identity.ActorId, new { previous, coordinator, request.Note }, ct);
        // Again now that the case row is held: a task created while this waited for it (with the old owner) moves too.
        var moved = await ReassignTasksAsync(transaction, identity.TenantId, caseId, coordinator, ct);
        if (moved.Count > 0)
            await CaseTimeline.AppendAsync(transaction, identity.TenantId, caseId, now, "tasks-reassigned",
                $"{moved.Count} open callback(s) and control call(s) now with {coordinator}", identity.ActorId,
                new { coordinator, tasks = moved }, ct);
        await transaction.EnqueueAsync(new CaseCoordinatorAssigned(caseId, identity.TenantId, number, previous, coordinator, now), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok((await store.FindAsync(identity.TenantId, number, ct))!);
    }

    public sealed record ReassignedTask(Guid TaskId, string Kind, string? From);

    /// <summary>
    /// Callback promises and control calls belong to the case's responsible coordinator: every open one of the case is
    /// given to <paramref name="coordinator"/>, whoever had it. Other tasks keep the owner they were given.
    /// </summary>
    private static async Task<IReadOnlyList<ReassignedTask>> ReassignTasksAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId,
        string coordinator, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            UPDATE case_tasks t SET owner = @coordinator
            FROM (SELECT id, owner FROM case_tasks
                  WHERE tenant_id = @tenant AND case_id = @case_id AND status = 'open' AND kind = ANY(@kinds)
                    AND owner IS DISTINCT FROM @coordinator
                  FOR UPDATE) previous
            WHERE t.id = previous.id
            RETURNING t.id, t.kind, previous.owner
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("kinds", Tasks.TaskKinds.OfTheCoordinator);
        cmd.Parameters.AddWithValue("coordinator", coordinator);
        var list = new List<ReassignedTask>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new ReassignedTask(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return list.OrderBy(t => t.TaskId).ToList();
    }

    private static async Task<Ok<IReadOnlyList<CoordinatorLoad>>> LoadAsync(
        RequestIdentity identity, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT c.coordinator,
                   count(*)::int,
                   count(*) FILTER (WHERE c.status = 'hospitalised')::int,
                   coalesce(sum((SELECT count(*) FROM case_tasks t
                                 WHERE t.case_id = c.id AND t.status = 'open' AND t.due_at < @now)), 0)::int
            FROM cases c
            WHERE c.tenant_id = @tenant AND c.status <> 'closed' AND c.coordinator IS NOT NULL
            GROUP BY c.coordinator
            ORDER BY count(*) DESC, c.coordinator
            """);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        var list = new List<CoordinatorLoad>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new CoordinatorLoad(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3)));
        return TypedResults.Ok<IReadOnlyList<CoordinatorLoad>>(list);
    }
}
