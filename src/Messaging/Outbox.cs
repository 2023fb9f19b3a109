using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Data;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Messaging;

/// <summary>
/// Writes events into the outbox inside the caller's transaction: the event exists if and only if the state change
/// that caused it commits. <see cref="OutboxRelay"/> publishes it afterwards: at once, when the transaction commits
/// through <see cref="PublishOnCommit"/>; otherwise this process's relay is woken when the connection that wrote the
/// rows closes (after its transaction ended), without a <c>NOTIFY</c> in the transaction.
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

    /// <summary>
    /// From now until its <see cref="OutboxCommit.CommitAsync"/>, what <paramref name="transaction"/> writes to the
    /// outbox is published by this process's relay the moment the transaction commits, rather than in the relay's next
    /// pass: no claim, no wait for the pass in progress, and no reading the rows back. Dispose the result after the
    /// commit (<c>using</c>): if the transaction did not commit through it, the relay takes over its rows at once.
    /// Without a relay in this process for the transaction's database, the rows wait for the relay as any others.
    /// </summary>
    public static OutboxCommit PublishOnCommit(this NpgsqlTransaction transaction)
    {
        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The transaction has already completed.");
        var relay = RelayFor(connection);
        var commit = new OutboxCommit(transaction, relay);
        if (relay is not null) Committing.AddOrUpdate(transaction, commit);
        return commit;
    }

    /// <summary>Transactions between <see cref="PublishOnCommit"/> and their commit or its disposal.</summary>
    private static readonly ConditionalWeakTable<NpgsqlTransaction, OutboxCommit> Committing = new();

    internal static void Forget(NpgsqlTransaction transaction, OutboxCommit commit)
    {
        if (Committing.TryGetValue(transaction, out var current) && ReferenceEquals(current, commit)) Committing.Remove(transaction);
    }

    /// <summary>The relays running in this process, each with the database it publishes from.</summary>
    private static ImmutableArray<(OutboxRelay Relay, string Host, int Port, string Database)> _relays = [];

    internal static void Register(OutboxRelay relay, NpgsqlDataSource dataSource)
    {
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        ImmutableInterlocked.Update(ref _relays, r => r.Add((relay, settings.Host ?? "", settings.Port, settings.Database ?? "")));
    }

    internal static void Unregister(OutboxRelay relay) =>
        ImmutableInterlocked.Update(ref _relays, r => r.RemoveAll(e => ReferenceEquals(e.Relay, relay)));

    private static OutboxRelay? RelayFor(NpgsqlConnection connection)
    {
        foreach (var e in _relays)
            if (e.Port == connection.Port && e.Database == connection.Database && e.Host == connection.Host) return e.Relay;
        return null;
    }

    /// <summary>The one statement that writes outbox rows; returns their message ids.</summary>
    private static Guid[] Insert(NpgsqlBatch batch, IReadOnlyList<object> messages)
    {
        var commit = batch.Transaction is { } transaction && Committing.TryGetValue(transaction, out var c) ? c : null;
        if (commit is null) WakeRelayWhenClosed(batch);
        var ids = messages.Select(_ => Guid.CreateVersion7()).ToArray();
        var trace = Activity.Current?.Id;
        // The rows take their ids (the relay's publishing order) in the order given. Positional parameters ($1 the
        // message ids, $2 their types, $3 their bodies, $4 the trace, $5 the lease of rows this process publishes at
        // commit, so that no relay claims them meanwhile): Npgsql sends the statement as written, where named ones
        // make it parse and rewrite the text on every call (this runs once per transaction that publishes).
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO outbox_messages (message_id, message_type, body, trace_parent, locked_until)
            SELECT m.id, m.type, m.body, $4, now() + $5 FROM unnest($1, $2, $3) WITH ORDINALITY AS m(id, type, body, n)
            ORDER BY m.n
            """)
        {
            Parameters =
            {
                new() { Value = ids },
                new() { Value = messages.Select(m => TypeName(m.GetType())).ToArray() },
                new() { NpgsqlDbType = NpgsqlDbType.Jsonb | NpgsqlDbType.Array, Value = messages.Select(m => JsonSerializer.Serialize(m, m.GetType(), Json)).ToArray() },
                new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)trace ?? DBNull.Value },
                new() { NpgsqlDbType = NpgsqlDbType.Interval, Value = commit is null ? DBNull.Value : commit.Lease },
            },
        });
        commit?.Written(ids, messages, trace);
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

/// <summary>A message written to the outbox by a transaction that commits through <see cref="OutboxCommit"/>.</summary>
internal sealed record OutboxMessage(Guid MessageId, object Message, string? Trace);

/// <summary>
/// A transaction whose outbox rows this process publishes the moment it commits (<see cref="Outbox.PublishOnCommit"/>).
/// Commit with <see cref="CommitAsync"/>; dispose it afterwards.
/// </summary>
public sealed class OutboxCommit : IDisposable
{
    private readonly NpgsqlTransaction _transaction;
    private readonly OutboxRelay? _relay;
    private List<OutboxMessage>? _written;
    private bool _published;

    internal OutboxCommit(NpgsqlTransaction transaction, OutboxRelay? relay) => (_transaction, _relay) = (transaction, relay);

    /// <summary>How long the rows are leased to this process's relay: after it, any relay publishes them.</summary>
    internal TimeSpan Lease => _relay!.Lease;

    internal void Written(Guid[] ids, IReadOnlyList<object> messages, string? trace)
    {
        _written ??= [];
        for (var i = 0; i < ids.Length; i++) _written.Add(new OutboxMessage(ids[i], messages[i], trace));
    }

    /// <summary>Commits the transaction, then hands what it wrote to the outbox to the relay to publish now.</summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        await _transaction.CommitAsync(ct);
        Outbox.Forget(_transaction, this);
        _published = true;
        if (_written is { Count: > 0 }) _relay!.Publish(_written);
    }

    /// <summary>
    /// If the transaction did not commit through <see cref="CommitAsync"/> (it failed, was rolled back, or was committed
    /// directly), the relay lifts the lease of whatever rows of it exist and claims them now.
    /// </summary>
    public void Dispose()
    {
        Outbox.Forget(_transaction, this);
        if (_published || _written is not { Count: > 0 }) return;
        _published = true;
        _relay!.Release(_written.Select(m => m.MessageId));
    }
}
