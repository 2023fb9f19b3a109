using Npgsql;

namespace Platform.Messaging;

/// <summary>
/// What an operator does about messages that did not get through: outbox rows parked after their last attempt, and
/// messages in the consumers' <c>_error</c> queues. Run as <c>dotnet {Service}.dll messaging ...</c> in the service's
/// container (<see cref="MessagingCommand"/>), with the service's own configuration.
/// </summary>
public sealed class MessagingOperations(NpgsqlDataSource dataSource, Broker broker, ConsumerEndpoints consumers)
{
    public sealed record ParkedMessage(long Id, Guid MessageId, string Type, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset ParkedAt);

    public async Task<IReadOnlyList<ParkedMessage>> ParkedAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, message_id, message_type, attempts, last_error, created_at, parked_at
            FROM outbox_messages WHERE parked_at IS NOT NULL AND sent_at IS NULL ORDER BY id
            """);
        var parked = new List<ParkedMessage>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            parked.Add(new ParkedMessage(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6)));
        return parked;
    }

    /// <summary>Gives parked rows (all, or those with the given ids) a fresh set of attempts; returns how many.</summary>
    public async Task<int> ReplayParkedAsync(IReadOnlyCollection<long>? ids, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            UPDATE outbox_messages SET parked_at = NULL, attempts = 0, next_attempt_at = now(), locked_until = NULL
            WHERE parked_at IS NOT NULL AND sent_at IS NULL {(ids is null ? "" : "AND id = ANY($1)")};
            NOTIFY {Outbox.Channel};
            """);
        if (ids is not null) cmd.Parameters.Add(new() { Value = ids.ToArray() });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Each of this service's consumer queues with the messages waiting in its error queue.</summary>
    public async Task<IReadOnlyDictionary<string, uint>> ErrorQueuesAsync(CancellationToken ct)
    {
        var queues = consumers.All.Select(c => c.Queue).Distinct().ToList();
        var counts = await broker.CountAsync(queues.Select(ErrorQueue), ct);
        return queues.ToDictionary(q => q, q => counts[ErrorQueue(q)]);
    }

    /// <summary>Moves messages from the error queue of <paramref name="queue"/> (or of every consumer queue) back to be consumed again.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ReplayErrorsAsync(string? queue, int limit, CancellationToken ct)
    {
        var queues = consumers.All.Select(c => c.Queue).Distinct().ToList();
        if (queue is not null && !queues.Contains(queue))
            throw new ArgumentException($"'{queue}' is not one of this service's queues: {string.Join(", ", queues)}.", nameof(queue));
        var moved = new Dictionary<string, int>();
        foreach (var q in queue is null ? queues : [queue])
            moved[q] = await broker.MoveAsync(ErrorQueue(q), q, limit, ct);
        return moved;
    }

    public static string ErrorQueue(string queue) => $"{queue}_error";
}
