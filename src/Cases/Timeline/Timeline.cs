using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Cases.Timeline;

/// <summary>
/// One thing that happened in a case. <c>Id</c> numbers the case's entries 1, 2, 3 ... in order; <c>Kind</c> is a
/// stable code (appeal, case-opened, document-reviewed, ...).
/// </summary>
public sealed record TimelineEntry(long Id, DateTimeOffset At, [property: OneOf(typeof(TimelineKinds), nameof(TimelineKinds.All))] string Kind,
    string Summary, string Actor, JsonElement? Data);

/// <summary>
/// An entry to write: appended to a case (<see cref="CaseTimeline.Commands(string, Guid, NewTimelineEntry)"/>) or among
/// those a case opens with (<see cref="CaseTimeline.NewCaseCommands"/>).
/// </summary>
public sealed record NewTimelineEntry(DateTimeOffset At, string Kind, string Summary, string Actor, object? Data = null);

/// <summary>
/// The case's timeline: every feature that changes a case appends here, in the same transaction as the change.
/// Appending also bumps the case's version, which is what cached views of the case are keyed by.
/// </summary>
public static class CaseTimeline
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    public static async Task AppendAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, DateTimeOffset at,
        string kind, string summary, string actor, object? data = null, CancellationToken ct = default)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        foreach (var command in Commands(tenantId, caseId, at, kind, summary, actor, data)) batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The statements of one append (the entry, and the webhook deliveries it owes), for a caller that sends them in
    /// its own batch with other statements of the same transaction: one round trip for all.
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> Commands(string tenantId, Guid caseId, DateTimeOffset at, string kind, string summary,
        string actor, object? data = null)
    {
        CheckKind(kind);
        // Serialised once: the entry and its deliveries carry the same data.
        var json = data is null ? null : JsonSerializer.Serialize(data, Json);
        // The entry's number is the case's own count, taken under the case row's lock (the UPDATE), so concurrent
        // appends to one case number 1, 2, 3 ... without gaps, and other tenants' activity shows nowhere.
        yield return new NpgsqlBatchCommand("""
            WITH c AS (
                UPDATE cases SET version = version + 1, updated_at = $3, timeline_seq = timeline_seq + 1
                WHERE id = $1 AND tenant_id = $2
                RETURNING timeline_seq)
            INSERT INTO timeline_entries (case_id, tenant_id, seq, at, kind, summary, actor, data)
            SELECT $1, $2, c.timeline_seq, $3, $4, $5, $6, $7 FROM c
            """)
        {
            // Positional ($1 the case, $2 the tenant, $3 the time, then kind, summary, actor and data): every change
            // to a case runs this, and named parameters would have Npgsql parse and rewrite its text each time.
            Parameters =
            {
                new() { Value = caseId },
                new() { Value = tenantId },
                new() { Value = at },
                new() { Value = kind },
                new() { Value = summary },
                new() { Value = actor },
                new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)json ?? DBNull.Value },
            },
        };
        yield return Webhooks.WebhookDeliveries.Command(tenantId, caseId, kind, summary, at, json);
    }

    /// <summary>The statements of one append of <paramref name="entry"/>, as above.</summary>
    public static IEnumerable<NpgsqlBatchCommand> Commands(string tenantId, Guid caseId, NewTimelineEntry entry) =>
        Commands(tenantId, caseId, entry.At, entry.Kind, entry.Summary, entry.Actor, entry.Data);

    /// <summary>
    /// The statements of a new case's first entries, numbered 1, 2, 3 ... in the order given, for a case inserted in the
    /// same batch with its counters already counting them (<see cref="NewCaseCounters"/>): opening a case writes its row
    /// once, its entries in one statement and the webhook deliveries they owe in another.
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> NewCaseCommands(string tenantId, Guid caseId, IReadOnlyList<NewTimelineEntry> entries)
    {
        foreach (var e in entries) CheckKind(e.Kind);
        // Serialised once: the entries and their deliveries carry the same data.
        var json = entries.Select(e => e.Data is null ? null : JsonSerializer.Serialize(e.Data, Json)).ToArray();
        yield return new NpgsqlBatchCommand("""
            INSERT INTO timeline_entries (case_id, tenant_id, seq, at, kind, summary, actor, data)
            SELECT $1, $2, e.seq, e.at, e.kind, e.summary, e.actor, e.data::jsonb
            FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[])
                 WITH ORDINALITY AS e(at, kind, summary, actor, data, seq)
            """)
        {
            // Positional, as in the append above: $1 the case, $2 the tenant, then the entries' times, kinds,
            // summaries, actors and data.
            Parameters =
            {
                new() { Value = caseId },
                new() { Value = tenantId },
                new() { Value = entries.Select(e => e.At).ToArray() },
                new() { Value = entries.Select(e => e.Kind).ToArray() },
                new() { Value = entries.Select(e => e.Summary).ToArray() },
                new() { Value = entries.Select(e => e.Actor).ToArray() },
                new() { Value = json },
            },
        };
        yield return Webhooks.WebhookDeliveries.Command(tenantId, caseId,
            [.. entries.Select((e, i) => new Webhooks.WebhookDeliveries.Announced(e.Kind, e.Summary, e.At, json[i]))]);
    }

    /// <summary>The version and timeline count of a new case that opens with <paramref name="entries"/> entries.</summary>
    public static (long Version, long TimelineSeq) NewCaseCounters(int entries) => (1 + entries, entries);

    private static void CheckKind(string kind)
    {
        if (!TimelineKinds.IsKnown(kind))
            throw new ArgumentException($"'{kind}' is not a timeline kind; add it to {nameof(TimelineKinds)}.", nameof(kind));
    }

    public static async Task<IReadOnlyList<TimelineEntry>> ReadAsync(NpgsqlConnection connection, string tenantId, Guid caseId,
        int? last = null, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT seq, at, kind, summary, actor, data::text FROM (
                SELECT * FROM timeline_entries WHERE tenant_id = @tenant AND case_id = @case_id
                ORDER BY seq DESC LIMIT @limit) recent
            ORDER BY seq
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("limit", last ?? int.MaxValue);
        var entries = new List<TimelineEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            entries.Add(new TimelineEntry(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : JsonSerializer.Deserialize<JsonElement>(r.GetString(5))));
        return entries;
    }
}

public static class TimelineApi
{
    public static RouteGroupBuilder MapTimelineApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}/timeline").RequireAccess(Access.ReadCases).WithTags("Timeline");
        group.MapGet("/", GetAsync).WithSummary("Everything that happened in the case, oldest first");
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<TimelineEntry>>, ProblemHttpResult>> GetAsync(
        string numberOrId, RequestIdentity identity, NpgsqlDataSource dataSource, CaseFiles.CaseStore cases, CancellationToken ct)
    {
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId)
            return Problems.NotFound($"Case {numberOrId} was not found.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await CaseTimeline.ReadAsync(connection, identity.TenantId, caseId, ct: ct));
    }
}
