using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Messaging;

/// <summary>
/// Writes events into the outbox inside the caller's transaction: the event exists if and only if the state change
/// that caused it commits. <see cref="OutboxRelay"/> publishes it afterwards.
/// </summary>
public static class Outbox
{
    internal const string Channel = "outbox_messages";
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
    /// Adds the statements that put <paramref name="message"/> in the outbox to <paramref name="batch"/>, which must run in
    /// the transaction of the change that causes it: the caller's other statements and these go in one round trip.
    /// </summary>
    public static Guid Enqueue<T>(this NpgsqlBatch batch, T message) where T : class
    {
        var messageId = Guid.CreateVersion7();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO outbox_messages (message_id, message_type, body, trace_parent)
            VALUES (@id, @type, @body, @trace)
            """)
        {
            Parameters =
            {
                new NpgsqlParameter("id", messageId),
                new NpgsqlParameter("type", TypeName(typeof(T))),
                new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(message, Json) },
                new NpgsqlParameter("trace", (object?)Activity.Current?.Id ?? DBNull.Value),
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {Channel}"));
        return messageId;
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
