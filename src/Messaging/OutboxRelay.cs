using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Messaging;

public sealed class OutboxOptions
{
    public int BatchSize { get; set; } = 100;
    /// <summary>
    /// How often to look for rows when nothing wakes the relay: rows another replica left when it died, or written by
    /// a connection still open.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// How long the outcome of a pass (rows sent or failed) may wait to be written together with the next pass's
    /// claim. Under load the next pass comes sooner, and each row then costs one transaction instead of two.
    /// </summary>
    public TimeSpan RecordDelay { get; set; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>The longest wait between two passes while the database or broker is down, so a backlog drains within about this long of its return.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMilliseconds(500);
    /// <summary>
    /// Failed attempts at one row before it is parked for an operator. Attempts that failed because the broker was
    /// unreachable do not count: an outage delays rows, it does not park them.
    /// </summary>
    public int MaxAttempts { get; set; } = 20;
    /// <summary>How long a relay owns the rows it claimed; another replica takes them over after this if it died.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>How long inbox rows are kept (the inbox must outlive any redelivery of a message).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
    /// <summary>
    /// How long a published outbox row stays, marked sent, for inspection (the service tests read what was published
    /// from it). Zero, the default, deletes it once published.
    /// </summary>
    public TimeSpan KeepPublished { get; set; } = TimeSpan.Zero;
}

/// <summary>
/// Publishes committed outbox rows to RabbitMQ. A pass claims a batch (one short transaction sets a lease on rows taken
/// with FOR UPDATE SKIP LOCKED, so replicas share the work), publishes them with no database connection or lock held,
/// awaiting the broker's confirms together; what was confirmed is deleted in the next pass's transaction (or alone
/// after <see cref="OutboxOptions.RecordDelay"/>). A row that fails waits for its next attempt without holding back the
/// others, and is parked after <see cref="OutboxOptions.MaxAttempts"/>; a row whose type no longer exists is parked at
/// once. Woken when this process has written rows (<see cref="Outbox"/>) and by NOTIFY on <see cref="Outbox.Channel"/>
/// from other processes, with polling as the fallback.
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBus bus,
    BrokerTopology topology,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly ActivitySource Source = new("Platform.Messaging.Outbox");
    private static readonly Meter Meter = new("Platform.Messaging.Outbox");
    private static readonly Counter<long> Published = Meter.CreateCounter<long>("outbox.messages.published");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("outbox.publish.failures");
    private static readonly Counter<long> Parked = Meter.CreateCounter<long>("outbox.messages.parked");

    private readonly SemaphoreSlim _wake = new(0);
    private readonly OutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Every queue that consumes what this service publishes exists before the first publish (see BrokerTopology).
        await topology.DeclaredAsync(stoppingToken);
        Outbox.Written += Wake;
        try
        {
            await RelayAsync(stoppingToken);
        }
        finally
        {
            Outbox.Written -= Wake;
        }
    }

    private void Wake() => _wake.Release();

    private async Task RelayAsync(CancellationToken stoppingToken)
    {
        _ = ListenAsync(stoppingToken);
        var lastCleanup = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await RelayBatchAsync(stoppingToken);
                if (pass.Claimed == _options.BatchSize && pass.Failed == 0) continue; // more may be waiting

                if (DateTimeOffset.UtcNow - lastCleanup > TimeSpan.FromHours(1))
                {
                    await DeleteOldAsync(stoppingToken);
                    lastCleanup = DateTimeOffset.UtcNow;
                }
                // Outcomes not yet written go with the next pass, or alone after RecordDelay; a failed row is due
                // again within MaxBackoff: look again by then even if nothing is notified.
                var wait = _pending.Count > 0 ? _options.RecordDelay
                    : pass.Failed > 0 ? _options.MaxBackoff : _options.PollInterval;
                await _wake.WaitAsync(wait, stoppingToken);
                while (_wake.CurrentCount > 0) await _wake.WaitAsync(stoppingToken); // coalesce notifications
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The database is unreachable: try again soon, so the backlog drains within seconds of its return.
                LogRelayFailed(e.Message);
                if (e is NpgsqlException { IsTransient: true }) dataSource.Clear(); // its pooled connections died with it
                await Task.Delay(_options.MaxBackoff, stoppingToken);
            }
        }
        await FlushOutcomesAsync();
    }

    internal readonly record struct Pass(int Claimed, int Sent, int Failed);

    private sealed record Row(long Id, Guid MessageId, string Type, string Body, string? Trace, int Attempts);

    /// <summary>What a pass learnt about a row (sent, or failed with its next attempt), to be written to its row.</summary>
    private sealed record Outcome(long Id, Failure? Error, int Attempts, bool Park, DateTimeOffset PublishedAt);

    /// <summary>Outcomes of the last pass not yet written: they are written in the next pass's transaction.</summary>
    private readonly List<Outcome> _pending = [];

    /// <summary>
    /// One pass, one transaction: write the outcomes of the previous pass and claim the rows now due, then publish
    /// them all. Under load a pass follows the last within milliseconds, so each row costs its service one
    /// transaction rather than two (one to claim, one to delete what was sent). Until its outcome is written a
    /// published row stays leased; if the process dies before that, the row is published again after the lease and
    /// the consumers' inbox drops the copy.
    /// </summary>
    internal async Task<Pass> RelayBatchAsync(CancellationToken ct)
    {
        // Outcomes older than the lease are dropped: their rows are being published again (and de-duplicated) anyway.
        _pending.RemoveAll(o => DateTimeOffset.UtcNow - o.PublishedAt > _options.ClaimLease);
        var rows = await ClaimAsync(ct);
        _pending.Clear(); // written in the claim's transaction
        if (rows.Count == 0) return new Pass(0, 0, 0);

        // Published in id order on one bus; the confirms are awaited together rather than one round trip per row.
        var errors = await Task.WhenAll(rows.Select(row => TryPublishAsync(row, ct)));
        var now = DateTimeOffset.UtcNow;
        var failed = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var (row, error) = (rows[i], errors[i]);
            if (error is null)
            {
                _pending.Add(new Outcome(row.Id, null, row.Attempts + 1, false, now));
                continue;
            }
            failed++;
            var attempts = error.Outage ? row.Attempts : row.Attempts + 1;
            var park = error.Permanent || attempts >= _options.MaxAttempts;
            _pending.Add(new Outcome(row.Id, error, attempts, park, now));
            if (park)
            {
                Parked.Add(1);
                LogParked(row.MessageId, row.Type, attempts, error.Message);
            }
        }
        Published.Add(rows.Count - failed);
        return new Pass(rows.Count, rows.Count - failed, failed);
    }

    /// <summary>The statements that write the pending outcomes.</summary>
    private IEnumerable<NpgsqlBatchCommand> OutcomeCommands()
    {
        var sent = _pending.Where(o => o.Error is null).Select(o => o.Id).ToArray();
        // A published row has done its work: deleting it writes no new row version (marking it sent rewrites the row,
        // body and index entries included, and the prune deletes it again later), and keeps the table small.
        if (sent.Length > 0)
            yield return new NpgsqlBatchCommand(_options.KeepPublished > TimeSpan.Zero
                ? "UPDATE outbox_messages SET sent_at = now(), attempts = attempts + 1, locked_until = NULL WHERE id = ANY($1)"
                : "DELETE FROM outbox_messages WHERE id = ANY($1)")
            { Parameters = { new() { Value = sent } } };
        foreach (var o in _pending.Where(o => o.Error is not null))
            yield return new NpgsqlBatchCommand("""
                UPDATE outbox_messages
                SET attempts = $2, last_error = $3, locked_until = NULL,
                    next_attempt_at = now() + $4, parked_at = CASE WHEN $5 THEN now() END
                WHERE id = $1
                """)
            {
                Parameters =
                {
                    new() { Value = o.Id }, new() { Value = o.Attempts }, new() { Value = o.Error!.Message },
                    new() { Value = o.Error.Outage ? _options.MaxBackoff : Backoff(o.Attempts) }, new() { Value = o.Park },
                },
            };
    }

    /// <summary>
    /// On the way out, writes what the last pass published, so a clean stop republishes nothing. Retried briefly (a
    /// lost outcome only means the row is published again after its lease).
    /// </summary>
    private async Task FlushOutcomesAsync()
    {
        if (_pending.Count == 0) return;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                await using var batch = dataSource.CreateBatch();
                foreach (var command in OutcomeCommands()) batch.BatchCommands.Add(command);
                await batch.ExecuteNonQueryAsync(CancellationToken.None);
                _pending.Clear();
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient && DateTimeOffset.UtcNow + _options.MaxBackoff < deadline)
            {
                LogRelayFailed(e.Message);
                await Task.Delay(_options.MaxBackoff);
            }
        }
    }

    /// <summary>Writes the pending outcomes and claims the due rows, in one implicit transaction (one batch).</summary>
    private async Task<List<Row>> ClaimAsync(CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var command in OutcomeCommands()) batch.BatchCommands.Add(command);
        // The oldest due rows, leased: a function (migration 0003) so that it is always planned on the pending index.
        var claim = new NpgsqlBatchCommand(
            "SELECT id, message_id, message_type, body, trace_parent, attempts FROM outbox_claim($1, $2)");
        claim.Parameters.Add(new() { Value = _options.BatchSize });
        claim.Parameters.Add(new() { Value = _options.ClaimLease });
        batch.BatchCommands.Add(claim);
        var rows = new List<Row>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            if (reader.FieldCount != 6) continue; // an outcome's UPDATE
            while (await reader.ReadAsync(ct))
                rows.Add(new Row(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5)));
        } while (await reader.NextResultAsync(ct));
        rows.Sort((a, b) => a.Id.CompareTo(b.Id));
        return rows;
    }

    /// <param name="Permanent">No later attempt can succeed: park now.</param>
    /// <param name="Outage">The broker was unreachable or did not answer: not the row's fault, so not counted towards parking.</param>
    private sealed record Failure(string Message, bool Permanent, bool Outage = false);

    private async Task<Failure?> TryPublishAsync(Row row, CancellationToken ct)
    {
        Type type;
        object message;
        try
        {
            type = Type.GetType(row.Type, throwOnError: true)!;
            message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json)
                ?? throw new JsonException("The body is null.");
        }
        catch (Exception e) when (e is TypeLoadException or FileNotFoundException or JsonException or NotSupportedException)
        {
            // No later attempt can succeed: park it for an operator (a deployment removed or changed the type).
            Failures.Add(1);
            return new Failure($"Cannot read {row.Type}: {e.Message}", Permanent: true);
        }

        // Continue the trace of the request that wrote the row, so one trace spans HTTP -> outbox -> RabbitMQ -> consumer;
        // a request the sampler left out stays left out (UnsampledTrace).
        ActivityContext.TryParse(row.Trace, null, out var parent);
        var name = $"outbox publish {type.Name}";
        using var activity = Source.StartActivity(name, ActivityKind.Internal, parent) ?? UnsampledTrace.Continue(name, parent);
        activity?.SetTag("messaging.message.id", row.MessageId);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.PublishTimeout);
            await bus.Publish(message, type, context =>
            {
                context.MessageId = row.MessageId;
                UnsampledTrace.Propagate(context);
            }, timeout.Token);
            return null;
        }
        catch (Exception e)
        {
            Failures.Add(1);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            LogPublishFailed(row.MessageId, row.Type, e.Message);
            return new Failure(e is OperationCanceledException ? "The broker did not confirm the publish in time." : e.Message,
                Permanent: false, Outage: IsOutage(e));
        }
    }

    private static bool IsOutage(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException) return true;
            if (inner.GetType().Name is "RabbitMqConnectionException" or "BrokerUnreachableException" or "AlreadyClosedException"
                or "ConnectFailureException") return true;
        }
        return false;
    }

    /// <summary>Before a failed row's next attempt: 250 ms, 500 ms, 1 s... up to a minute (20 attempts take about 12 minutes).</summary>
    private static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromMilliseconds(Math.Min(60_000, 125 * Math.Pow(2, Math.Min(attempts, 20))));

    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, _) => _wake.Release();
                await using (var listen = new NpgsqlCommand($"LISTEN {Outbox.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                _wake.Release(); // rows may have arrived while we were not listening
                while (!ct.IsCancellationRequested) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListenFailed(e.Message);
                try { await Task.Delay(_options.MaxBackoff, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Inbox rows older than the retention period, and published outbox rows kept longer than <see cref="OutboxOptions.KeepPublished"/>.</summary>
    internal async Task DeleteOldAsync(CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM outbox_messages WHERE sent_at < now() - $1") { Parameters = { new() { Value = _options.KeepPublished } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM inbox_messages WHERE processed_at < now() - $1") { Parameters = { new() { Value = _options.Retention } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(LogLevel.Warning, "Outbox publish of {MessageId} ({MessageType}) failed, will retry: {Error}")]
    private partial void LogPublishFailed(Guid messageId, string messageType, string error);

    [LoggerMessage(LogLevel.Error, "Outbox message {MessageId} ({MessageType}) parked after {Attempts} attempts: {Error}. Replay it with the service's 'messaging replay-parked' command")]
    private partial void LogParked(Guid messageId, string messageType, int attempts, string error);

    [LoggerMessage(LogLevel.Warning, "Outbox listener lost its connection ({Error}); polling until it is back")]
    private partial void LogListenFailed(string error);

    [LoggerMessage(LogLevel.Warning, "Outbox relay pass failed ({Error}); retrying")]
    private partial void LogRelayFailed(string error);
}
