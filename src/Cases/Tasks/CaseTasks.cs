using Microsoft.Extensions.Hosting;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Cases.Timeline;

namespace Platform.Cases.Tasks;

public static class TaskKinds
{
    public const string Callback = "callback";
    public const string ControlCall = "control-call";
    public const string DocumentChase = "document-chase";
    public const string CoverageWarning = "coverage-warning";
    public const string ExtensionWarning = "extension-warning";
    public const string Other = "other";
    /// <summary>A message to a contact that could not be written to them (no consent, no address, delivery failed): tell them by phone.</summary>
    public const string PassOnMessage = "pass-on-message";
    /// <summary>The airline must have a transport plan's MEDIF by the task's due time: one task per plan, moved when the plan changes.</summary>
    public const string Medif = "medif";

    /// <summary>Promises to call: they belong to the case's responsible coordinator and move with a handover.</summary>
    public static readonly string[] OfTheCoordinator = [Callback, ControlCall, PassOnMessage];

    /// <summary>What a coordinator may create by hand; warnings are raised by their rules.</summary>
    [EnumSchema("ManualTaskKind")]
    public static readonly string[] Manual = [Callback, ControlCall, DocumentChase, Other];

    public static readonly string[] All = [Callback, ControlCall, DocumentChase, CoverageWarning, ExtensionWarning, PassOnMessage, Medif, Other];
}

public static class TaskStatuses
{
    public const string Open = "open";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
    public static readonly string[] All = [Open, Done, Cancelled];
}

/// <summary>A task to create: its kind, title, due time, who creates it, its dedup key and data.</summary>
public sealed record NewTask(string Kind, string Title, DateTimeOffset DueAt, string Actor, string? DedupKey = null, object? Data = null)
{
    /// <summary>The timeline entry's summary.</summary>
    public string Summary => $"{Title} (due {DueAt:u})";

    /// <summary>The timeline entry's data.</summary>
    public object EntryData(Guid taskId, string? owner) => new { taskId, kind = Kind, dueAt = DueAt, owner };
}

/// <summary>
/// Creating tasks, for every feature of the case file: in the caller's transaction, with a timeline entry. A task with
/// a dedup key is created once per case and key, so rules that run again (or on several replicas) create nothing new.
/// </summary>
public static class CaseTasks
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    private const string InsertSql = """
        INSERT INTO case_tasks (id, tenant_id, case_id, kind, title, due_at, owner, created_at, dedup_key, data)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (case_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
        """;

    /// <returns>The new task's id, or null when a task with the same dedup key already exists.</returns>
    public static Task<Guid?> CreateAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, string kind, string title,
        DateTimeOffset dueAt, DateTimeOffset now, string actor, string? owner = null, string? dedupKey = null, object? data = null,
        CancellationToken ct = default) =>
        CreateAsync(transaction, tenantId, caseId, new NewTask(kind, title, dueAt, actor, dedupKey, data), now, owner, ct);

    /// <returns>The new task's id, or null when a task with the same dedup key already exists.</returns>
    public static async Task<Guid?> CreateAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, NewTask task, DateTimeOffset now,
        string? owner = null, CancellationToken ct = default)
    {
        if (owner is null && TaskKinds.OfTheCoordinator.Contains(task.Kind))
        {
            // The case's coordinator makes the call. The row lock (the timeline append below takes it anyway) orders
            // this with a handover: either the handover sees this task, or this sees the new coordinator.
            await using var read = new NpgsqlCommand(
                "SELECT coordinator FROM cases WHERE tenant_id = @tenant AND id = @case_id FOR NO KEY UPDATE", transaction.Connection, transaction);
            read.Parameters.AddWithValue("tenant", tenantId);
            read.Parameters.AddWithValue("case_id", caseId);
            owner = await read.ExecuteScalarAsync(ct) as string;
        }
        var id = Guid.CreateVersion7();
        await using var cmd = new NpgsqlCommand(InsertSql, transaction.Connection, transaction);
        cmd.Parameters.AddRange(RowParameters(id, tenantId, caseId, task, owner, now));
        if (await cmd.ExecuteNonQueryAsync(ct) == 0) return null;

        await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, "task-created", task.Summary, task.Actor, task.EntryData(id, owner), ct);
        return id;
    }

    /// <summary>
    /// The task of a case being opened in the same batch, and its timeline entry, for the case's first entries
    /// (<see cref="CaseTimeline.NewCaseCommands"/>, counted in the case's row as it is inserted). A new case has no coordinator
    /// yet, so nobody owns the task, as CreateAsync would find; and no task of its own, so the dedup key cannot clash.
    /// </summary>
    public static (NpgsqlBatchCommand Insert, NewTimelineEntry Entry) ForNewCase(string tenantId, Guid caseId, NewTask task, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7();
        var insert = new NpgsqlBatchCommand(InsertSql);
        insert.Parameters.AddRange(RowParameters(id, tenantId, caseId, task, owner: null, now));
        return (insert, new NewTimelineEntry(now, "task-created", task.Summary, task.Actor, task.EntryData(id, owner: null)));
    }

    // In the order of InsertSql's columns: positional, so that Npgsql sends the text as written instead of parsing and
    // rewriting it on every call (a new case creates its callback task).
    private static NpgsqlParameter[] RowParameters(Guid id, string tenantId, Guid caseId, NewTask task, string? owner, DateTimeOffset now) =>
    [
        new() { Value = id },
        new() { Value = tenantId },
        new() { Value = caseId },
        new() { Value = task.Kind },
        new() { Value = task.Title },
        new() { Value = task.DueAt.ToUniversalTime() },
        new NpgsqlParameter<string?> { TypedValue = owner },
        new() { Value = now.ToUniversalTime() },
        new NpgsqlParameter<string?> { TypedValue = task.DedupKey },
        new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = task.Data is null ? DBNull.Value : JsonSerializer.Serialize(task.Data, Json) },
    ];

    /// <summary>
    /// Locks the case's open tasks (of <paramref name="kinds"/>, or all) ahead of the case row. Whatever changes a task
    /// and then appends to the case's timeline (completing, escalating, cancelling a control call) locks the task first
    /// and the case row second; an operation on a case's tasks as a whole takes them in that order too, or the two
    /// would deadlock.
    /// </summary>
    public static async Task LockOpenAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, string[]? kinds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT id FROM case_tasks
            WHERE tenant_id = @tenant AND case_id = @case_id AND status = 'open' AND (@kinds::text[] IS NULL OR kind = ANY(@kinds))
            ORDER BY id
            FOR UPDATE
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.Add(new NpgsqlParameter<string[]?>("kinds", kinds));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) { }
    }
}
