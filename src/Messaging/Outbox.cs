using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Messaging;

/// <summary>
/// Writes events into the outbox inside the caller's transaction: the event exists if and only if the state change
/// that caused it commits. <see cref="OutboxRelay"/> publishes it afterwards: this process's relay is woken when the
/// connection that wrote the rows closes (after its transaction ended), without a <c>NOTIFY</c> in the transaction.
/// </summary>
/// <remarks>
/// A <c>NOTIFY</c> makes PostgreSQL take one lock for the whole server at commit and hold it until the commit has
/// reached the disk, so every transaction that notifies commits after the last one's flush, one at a time, in every
/// database. Under load most of the services' transactions were waiting for it (<c>Lock: object</c> at <c>COMMIT</c>
/// in <c>pg_stat_activity</c>). Another replica's relay does not need waking: this one publishes what this replica
/// wrote, and every relay polls (<see cref="OutboxOptions.PollInterval"/>) for what a dead replica left.
/// </remarks>
public static class Outbox
{
    /// <summary>The channel the relay also listens on, for rows written by another process (an operator's replay).</summary>
    internal const string Channel = "outbox_messages";

    /// <summary>Raised when a connection that wrote outbox rows has closed: its transaction has committed or rolled back.</summary>
    internal static event Action? Written;
    internal static readonly JsonSerializerOptions Json = Microsoft.Extensions.Hosting.PlatformJson.Options;

    /// <summary>Adds <paramref name="message"/> to the outbox in <paramref name="transaction"/>; returns its message id.</summary>
    public static async Task<Guid> EnqueueAsync<T>(this NpgsqlTransaction transaction, T message, CancellationToken ct = default)
        where T : class
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        var messageId = batch.Enqueue(message);
        await batch.ExecuteNonQueryAsync(ct);
        return messageId;
    }

    /// <summary>
    /// Adds the statement that puts <paramref name="message"/> in the outbox to <paramref name="batch"/>, which must run in
    /// the transaction of the change that causes it: the caller's other statements and this one go in one round trip.
    /// </summary>
    public static Guid Enqueue<T>(this NpgsqlBatch batch, T message) where T : class => Insert(batch, [message])[0];

    /// <summary>
    /// Adds the statement that puts <paramref name="messages"/> in the outbox, in this order, to <paramref name="batch"/>:
    /// one INSERT for all of them (events of several types that one change causes, or one event per row it changed).
    /// </summary>
    public static void EnqueueAll(this NpgsqlBatch batch, params IReadOnlyList<object> messages)
    {
        if (messages.Count > 0) Insert(batch, messages);
    }

    /// <summary>The one statement that writes outbox rows; returns their message ids.</summary>
    private static Guid[] Insert(NpgsqlBatch batch, IReadOnlyList<object> messages)
    {
        WakeRelayWhenClosed(batch);
        var ids = messages.Select(_ => Guid.CreateVersion7()).ToArray();
        // The rows take their ids (the relay's publishing order) in the order given. Positional parameters ($1 the
        // message ids, $2 their types, $3 their bodies, $4 the trace): Npgsql sends the statement as written, where
        // named ones make it parse and rewrite the text on every call (this runs once per transaction that publishes).
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO outbox_messages (message_id, message_type, body, trace_parent)
            SELECT m.id, m.type, m.body, $4 FROM unnest($1, $2, $3) WITH ORDINALITY AS m(id, type, body, n)
            ORDER BY m.n
            """)
        {
            Parameters =
            {
                new() { Value = ids },
                new() { Value = messages.Select(m => TypeName(m.GetType())).ToArray() },
                new() { NpgsqlDbType = NpgsqlDbType.Jsonb | NpgsqlDbType.Array, Value = messages.Select(m => JsonSerializer.Serialize(m, m.GetType(), Json)).ToArray() },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)Activity.Current?.Id ?? DBNull.Value },
            },
        });
        return ids;
    }

    /// <summary>Once per connection: wake the relay when the connection that wrote the rows closes.</summary>
    private static void WakeRelayWhenClosed(NpgsqlBatch batch)
    {
        var connection = batch.Connection
            ?? throw new InvalidOperationException("Outbox rows are written in the transaction of the change that causes them: give the batch its connection and transaction.");
        connection.StateChange -= WakeRelayWhenClosed;
        connection.StateChange += WakeRelayWhenClosed;
    }

    private static void WakeRelayWhenClosed(object? sender, StateChangeEventArgs e)
    {
        if (e.CurrentState != ConnectionState.Closed) return;
        ((NpgsqlConnection)sender!).StateChange -= WakeRelayWhenClosed;
        Written?.Invoke();
    }

    /// <summary>The type as the relay loads it back; worked out once per type (<c>GetName</c> builds a new AssemblyName each call).</summary>
    internal static string TypeName(Type type) => TypeNames.GetOrAdd(type, t => $"{t.FullName}, {t.Assembly.GetName().Name}");

    private static readonly ConcurrentDictionary<Type, string> TypeNames = new();
}
