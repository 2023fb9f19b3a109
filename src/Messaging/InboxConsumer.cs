using MassTransit;
using Npgsql;

namespace Platform.Messaging;

/// <summary>
/// A consumer that applies each message once: it records (consumer, message id) in the inbox in the same transaction
/// as its own changes and the events it enqueues, so a redelivery finds the row and changes nothing.
/// </summary>
public abstract class InboxConsumer<T>(NpgsqlDataSource dataSource) : IConsumer<T> where T : class
{
    /// <summary>The service's database, for work that must not be part of the message's transaction.</summary>
    protected NpgsqlDataSource DataSource { get; } = dataSource;

    public async Task Consume(ConsumeContext<T> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(T).Name} arrived without a message id; it cannot be de-duplicated.");
        var ct = context.CancellationToken;

        try
        {
            await ApplyOnceAsync(context, messageId, ct);
        }
        catch (NpgsqlException e) when (e.IsTransient)
        {
            // The database restarted or failed over: its pooled connections are dead, and each retry would otherwise
            // find another one. Dropping them lets the next retry, a second later, connect afresh.
            DataSource.Clear();
            throw;
        }
    }

    private async Task ApplyOnceAsync(ConsumeContext<T> context, Guid messageId, CancellationToken ct)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO inbox_messages (consumer, message_id) VALUES (@consumer, @id)
            ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            cmd.Parameters.AddWithValue("consumer", GetType().FullName!);
            cmd.Parameters.AddWithValue("id", messageId);
            // A concurrent delivery of the same message waits here on the key until the first one commits.
            if (await cmd.ExecuteNonQueryAsync(ct) == 0) return;
        }

        await HandleAsync(context, transaction);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Applies the message inside <paramref name="transaction"/>; enqueue follow-up events on the same transaction.</summary>
    protected abstract Task HandleAsync(ConsumeContext<T> context, NpgsqlTransaction transaction);
}
