using System.Diagnostics;
using System.Runtime.ExceptionServices;
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
        // What it enqueues stays in the sender's trace, sampled or not.
        using var unsampled = UnsampledTrace.Resume(context);
        await Inbox.ClearPoolOnOutage(DataSource, () => Inbox.ApplyOnceAsync(DataSource, GetType(), context, HandleAsync));
    }

    /// <summary>Applies the message inside <paramref name="transaction"/>; enqueue follow-up events on the same transaction.</summary>
    protected abstract Task HandleAsync(ConsumeContext<T> context, NpgsqlTransaction transaction);
}

/// <summary>
/// An <see cref="InboxConsumer{T}"/> for messages that are cheap to apply and arrive often (projections of another
/// service's state): MassTransit hands it the messages that arrived within <see cref="MessagingOptions.BatchTimeLimit"/>
/// (<see cref="Batch{T}"/>), and it applies them in one transaction, with their inbox rows, in the order they arrived.
/// Under load that is one commit for many messages instead of one each; alone, a message waits the time limit.
/// <see cref="ApplyAsync"/> gets the batch's messages together, so that it writes them in a few set-based statements
/// (<c>unnest</c> of arrays) rather than a few statements each.
/// <para>
/// If the batch's transaction fails for anything but an outage, each message is applied again in a transaction of its
/// own: those that succeed are done, and only those that fail go on to the retries and redeliveries of
/// <see cref="PlatformConsumerDefinition{T}"/>, one by one, as with <see cref="InboxConsumer{T}"/>. A message that
/// cannot be applied never holds back the others. Not for consumers that must see messages one at a time
/// (<see cref="PredecessorMissingException"/>): a batch fails or succeeds per message, not in order across messages.
/// </para>
/// </summary>
public abstract class InboxBatchConsumer<T>(NpgsqlDataSource dataSource) : IConsumer<Batch<T>> where T : class
{
    /// <summary>The service's database, for work that must not be part of the messages' transaction.</summary>
    protected NpgsqlDataSource DataSource { get; } = dataSource;

    public Task Consume(ConsumeContext<Batch<T>> context) => Inbox.ClearPoolOnOutage(DataSource, async () =>
    {
        var batch = context.Message;
        try
        {
            await ApplyTogetherAsync(batch, context.CancellationToken);
        }
        catch (Exception e) when (batch.Length > 1 && !ConsumerOutage.Is(e) && !context.CancellationToken.IsCancellationRequested)
        {
            await ApplyEachAsync(batch);
        }
    });

    private async Task ApplyTogetherAsync(Batch<T> batch, CancellationToken ct)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var ids = new Guid[batch.Length];
        for (var i = 0; i < batch.Length; i++) ids[i] = Inbox.MessageIdOf(batch[i]);
        var fresh = new HashSet<Guid>();
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO inbox_messages (consumer, message_id) SELECT $1, unnest($2)
            ON CONFLICT DO NOTHING RETURNING message_id
            """, connection, transaction))
        {
            cmd.Parameters.Add(new() { Value = GetType().FullName! });
            cmd.Parameters.Add(new() { Value = ids });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) fresh.Add(reader.GetGuid(0));
        }
        // In arrival order; a message the inbox already holds was applied before (a redelivery) and is skipped.
        var messages = new List<ConsumeContext<T>>(fresh.Count);
        for (var i = 0; i < batch.Length; i++)
            if (fresh.Remove(ids[i])) messages.Add(batch[i]);
        if (messages.Count > 0) await ApplyAsync(messages, transaction, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Each message in a transaction of its own. A message applied here is marked consumed at once, so the batch's
    /// failure does not fail it too; the first failure is rethrown for the batch, and reaches only the messages that
    /// were not applied.
    /// </summary>
    private async Task ApplyEachAsync(Batch<T> batch)
    {
        ExceptionDispatchInfo? first = null;
        foreach (var message in batch)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await Inbox.ApplyOnceAsync(DataSource, GetType(), message, (m, transaction) => ApplyAsync([m], transaction, m.CancellationToken));
                if (!message.ReceiveContext.IsDelivered) // a retry of the batch finds it applied and notified
                    await message.NotifyConsumed(message, Stopwatch.GetElapsedTime(started), GetType().Name);
            }
            catch (Exception e) when (!message.CancellationToken.IsCancellationRequested)
            {
                first ??= ExceptionDispatchInfo.Capture(e);
            }
        }
        first?.Throw();
    }

    /// <summary>
    /// Applies <paramref name="messages"/> (one or more, in the order they arrived, none of them applied before) inside
    /// <paramref name="transaction"/>, which commits them together with their inbox rows.
    /// </summary>
    protected abstract Task ApplyAsync(IReadOnlyList<ConsumeContext<T>> messages, NpgsqlTransaction transaction, CancellationToken ct);

    /// <summary>
    /// <paramref name="messages"/> split into rounds in which no key occurs twice, each in the order of its key: a
    /// message goes in the round after its key's previous message. For a set-based statement that writes one row per key
    /// (an upsert cannot change a row twice in one statement), applied round after round; then messages about the same
    /// row still apply in the order they arrived, and two batches lock the rows they share in the same order. Under
    /// load almost every batch is one round.
    /// </summary>
    protected static IEnumerable<List<T>> Rounds<TKey>(IReadOnlyList<ConsumeContext<T>> messages, Func<T, TKey> key)
        where TKey : notnull
    {
        var rounds = new List<List<T>>();
        var seen = new Dictionary<TKey, int>();
        foreach (var message in messages.Select(c => c.Message))
        {
            var k = key(message);
            var round = seen.TryGetValue(k, out var previous) ? previous + 1 : 0;
            seen[k] = round;
            if (round == rounds.Count) rounds.Add([]);
            rounds[round].Add(message);
        }
        return rounds.Select(r => r.OrderBy(key).ToList());
    }
}

internal static class Inbox
{
    public static Guid MessageIdOf(ConsumeContext context) => context.MessageId
        ?? throw new InvalidOperationException($"A message on {context.ReceiveContext.InputAddress} arrived without a message id; it cannot be de-duplicated.");

    public static async Task ClearPoolOnOutage(NpgsqlDataSource dataSource, Func<Task> apply)
    {
        try
        {
            await apply();
        }
        catch (NpgsqlException e) when (e.IsTransient)
        {
            // The database restarted or failed over: its pooled connections are dead, and each retry would otherwise
            // find another one. Dropping them lets the next retry, a second later, connect afresh.
            dataSource.Clear();
            throw;
        }
    }

    public static async Task ApplyOnceAsync<T>(NpgsqlDataSource dataSource, Type consumer, ConsumeContext<T> context,
        Func<ConsumeContext<T>, NpgsqlTransaction, Task> handle) where T : class
    {
        var messageId = MessageIdOf(context);
        var ct = context.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Positional parameters (the consumer, the message id), for the reason Outbox.Insert gives.
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO inbox_messages (consumer, message_id) VALUES ($1, $2)
            ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            cmd.Parameters.Add(new() { Value = consumer.FullName! });
            cmd.Parameters.Add(new() { Value = messageId });
            // A concurrent delivery of the same message waits here on the key until the first one commits.
            if (await cmd.ExecuteNonQueryAsync(ct) == 0) return;
        }

        await handle(context, transaction);
        await transaction.CommitAsync(ct);
    }
}
