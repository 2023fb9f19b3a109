using Npgsql;
using Platform.Cases.Timeline;

namespace Platform.Cases.Tasks;

public enum CompletionOutcome { Completed, NotFound, NotOpen }

public enum ReassignmentOutcome { Reassigned, Unchanged, NotFound, NotOpen }

/// <summary>Reading and completing tasks for the API. Every statement carries the tenant in its WHERE clause.</summary>
public sealed class TaskStore(NpgsqlDataSource dataSource, SlaMetrics metrics)
{
    /// <summary>Done and cancelled tasks stay in a case's list this long; older ones are on the timeline.</summary>
    private static readonly TimeSpan RecentlyClosed = TimeSpan.FromDays(7);

    private const string Columns = """
        t.id, t.case_id, c.number, t.kind, t.title, t.due_at, t.owner, t.status, t.created_at, t.completed_at,
        t.completed_by, t.outcome, t.result, t.escalated_at, t.escalated_to
        """;

    /// <summary>The case's open tasks, earliest due first, then those closed recently, latest first.</summary>
    public async Task<IReadOnlyList<TaskResponse>> ListForCaseAsync(string tenantId, Guid caseId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {Columns}
            FROM case_tasks t JOIN cases c ON c.id = t.case_id AND c.tenant_id = t.tenant_id
            WHERE t.tenant_id = @tenant AND t.case_id = @case_id
              AND (t.status = 'open' OR t.completed_at >= @since)
            ORDER BY t.status <> 'open', CASE WHEN t.status = 'open' THEN t.due_at END, t.completed_at DESC, t.id
            LIMIT 500
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("since", now - RecentlyClosed);
        return await ReadAllAsync(cmd, now, ct);
    }

    /// <summary>The tenant's open tasks past due, the longest overdue first: the supervisors' queue.</summary>
    public async Task<IReadOnlyList<TaskResponse>> ListOverdueAsync(string tenantId, DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {Columns}
            FROM case_tasks t JOIN cases c ON c.id = t.case_id AND c.tenant_id = t.tenant_id
            WHERE t.tenant_id = @tenant AND t.status = 'open' AND t.due_at < @now
            ORDER BY t.due_at, t.id
            LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(cmd, now, ct);
    }

    public async Task<TaskResponse?> FindAsync(string tenantId, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {Columns}
            FROM case_tasks t JOIN cases c ON c.id = t.case_id AND c.tenant_id = t.tenant_id
            WHERE t.tenant_id = @tenant AND t.id = @id
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        return (await ReadAllAsync(cmd, now, ct)).SingleOrDefault();
    }

    /// <summary>The kind of an open task of the tenant, to validate a completion against; null when not found.</summary>
    public async Task<(string Kind, string Status)?> PeekAsync(string tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT kind, status FROM case_tasks WHERE tenant_id = @tenant AND id = @id");
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetString(0), r.GetString(1)) : null;
    }

    /// <summary>
    /// Marks an open task done with its note (and a call's result), on the timeline in the same transaction. A task
    /// that is no longer open (done twice, or cancelled meanwhile) is left as it is.
    /// </summary>
    public async Task<CompletionOutcome> CompleteAsync(string tenantId, Guid id, string outcome, string? result, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var completed = await CompleteAsync(transaction, tenantId, id, outcome, result, actor, now, ct);
        if (completed is not { } done) return await ExistsAsync(transaction, tenantId, id, ct) ? CompletionOutcome.NotOpen : CompletionOutcome.NotFound;
        await transaction.CommitAsync(ct);
        done.Record(metrics);
        return CompletionOutcome.Completed;
    }

    /// <summary>
    /// Gives an open task to <paramref name="owner"/>, on the case's timeline in the same transaction (who had it, who
    /// has it now, why). The task is locked before the case row, as a completion and the SLA clock take them. A task
    /// already with that owner is left as it is (nothing on the timeline); one no longer open cannot be reassigned.
    /// </summary>
    public async Task<ReassignmentOutcome> ReassignAsync(string tenantId, Guid id, string owner, string? reason, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        Guid caseId; string kind, title, status; string? previous;
        await using (var read = new NpgsqlCommand("""
            SELECT case_id, kind, title, status, owner FROM case_tasks
            WHERE tenant_id = @tenant AND id = @id
            FOR UPDATE
            """, connection, transaction))
        {
            read.Parameters.AddWithValue("tenant", tenantId);
            read.Parameters.AddWithValue("id", id);
            await using var r = await read.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return ReassignmentOutcome.NotFound;
            (caseId, kind, title, status, previous) = (r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4));
        }
        if (status != TaskStatuses.Open) return ReassignmentOutcome.NotOpen;
        if (previous == owner) return ReassignmentOutcome.Unchanged;

        await using (var update = new NpgsqlCommand(
            "UPDATE case_tasks SET owner = @owner WHERE tenant_id = @tenant AND id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("tenant", tenantId);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("owner", owner);
            await update.ExecuteNonQueryAsync(ct);
        }
        await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, TimelineKinds.TaskReassigned,
            $"{title}: reassigned {(previous is null ? "" : $"from {previous} ")}to {owner}{(reason is null ? "" : ": " + reason)}", actor,
            new { taskId = id, kind, previous, owner, reason }, ct);
        await transaction.CommitAsync(ct);
        return ReassignmentOutcome.Reassigned;
    }

    /// <summary>What a completion tells the SLA metrics once its transaction has committed.</summary>
    public sealed record Completion(string TenantId, string Kind, bool OnTime, TimeSpan? FirstContact)
    {
        public void Record(SlaMetrics metrics)
        {
            metrics.Completed(TenantId, Kind, OnTime);
            if (FirstContact is { } elapsed) metrics.FirstContact(TenantId, elapsed);
        }
    }

    private static async Task<bool> ExistsAsync(NpgsqlTransaction transaction, string tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM case_tasks WHERE tenant_id = @tenant AND id = @id", transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Completes an open task inside the caller's transaction; null when it is missing or no longer open.</summary>
    public static async Task<Completion?> CompleteAsync(NpgsqlTransaction transaction, string tenantId, Guid id, string outcome, string? result,
        string actor, DateTimeOffset now, CancellationToken ct)
    {
        var connection = transaction.Connection!;

        Guid caseId; string kind, title, status; DateTimeOffset dueAt, openedAt; bool firstCallback;
        await using (var read = new NpgsqlCommand("""
            SELECT t.case_id, t.kind, t.title, t.status, t.due_at, c.opened_at,
                   NOT EXISTS (SELECT 1 FROM case_tasks d
                               WHERE d.tenant_id = t.tenant_id AND d.case_id = t.case_id AND d.kind = 'callback' AND d.status = 'done')
            FROM case_tasks t JOIN cases c ON c.id = t.case_id AND c.tenant_id = t.tenant_id
            WHERE t.tenant_id = @tenant AND t.id = @id
            FOR UPDATE OF t
            """, connection, transaction))
        {
            read.Parameters.AddWithValue("tenant", tenantId);
            read.Parameters.AddWithValue("id", id);
            await using var r = await read.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            (caseId, kind, title, status, dueAt, openedAt, firstCallback) = (r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3),
                r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5), r.GetBoolean(6));
        }
        if (status != TaskStatuses.Open) return null;

        await using (var update = new NpgsqlCommand("""
            UPDATE case_tasks SET status = 'done', completed_at = @now, completed_by = @actor, outcome = @outcome, result = @result
            WHERE tenant_id = @tenant AND id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("tenant", tenantId);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("actor", actor);
            update.Parameters.AddWithValue("outcome", outcome);
            update.Parameters.Add(new NpgsqlParameter<string?>("result", result));
            await update.ExecuteNonQueryAsync(ct);
        }

        var onTime = now <= dueAt;
        await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, "task-completed",
            $"{title}: done {(onTime ? "on time" : "late")}{(result is null ? "" : $" ({result})")}. {outcome}", actor,
            new { taskId = id, kind, dueAt, onTime, result, note = outcome }, ct);
        return new Completion(tenantId, kind, onTime, kind == TaskKinds.Callback && firstCallback ? now - openedAt : null);
    }

    private static async Task<IReadOnlyList<TaskResponse>> ReadAllAsync(NpgsqlCommand cmd, DateTimeOffset now, CancellationToken ct)
    {
        var tasks = new List<TaskResponse>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var status = r.GetString(7);
            var dueAt = r.GetFieldValue<DateTimeOffset>(5);
            DateTimeOffset? completedAt = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9);
            tasks.Add(new TaskResponse(
                r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), dueAt,
                r.IsDBNull(6) ? null : r.GetString(6), status,
                Overdue: status == TaskStatuses.Open && dueAt < now,
                OnTime: status == TaskStatuses.Done && completedAt is { } done ? done <= dueAt : null,
                r.GetFieldValue<DateTimeOffset>(8), completedAt,
                r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12),
                r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13), r.IsDBNull(14) ? null : r.GetString(14)));
        }
        return tasks;
    }
}
