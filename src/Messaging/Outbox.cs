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
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds <paramref name="message"/> to the outbox in <paramref name="transaction"/>; returns its message id.</summary>
    public static async Task<Guid> EnqueueAsync<T>(this NpgsqlTransaction transaction, T message, CancellationToken ct = default)
        where T : class
    {
        var messageId = Guid.CreateVersion7();
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO outbox_messages (message_id, message_type, body, trace_parent)
            VALUES (@id, @type, @body, @trace);
            NOTIFY {Channel};
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("id", messageId);
        cmd.Parameters.AddWithValue("type", TypeName(typeof(T)));
        cmd.Parameters.AddWithValue("body", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(message, Json));
        cmd.Parameters.AddWithValue("trace", (object?)Activity.Current?.Id ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
        return messageId;
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
