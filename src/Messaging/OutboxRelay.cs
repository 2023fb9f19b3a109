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
    /// <summary>How often to look for rows when no notification arrives (a notification can be missed while reconnecting).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Publishes committed outbox rows to RabbitMQ in order. Rows are claimed with FOR UPDATE SKIP LOCKED so several
/// replicas share the work without publishing a row twice; a row is marked sent only after the broker confirmed it.
/// Woken by LISTEN/NOTIFY, with polling as the fallback.
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBus bus,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly ActivitySource Source = new("Platform.Messaging.Outbox");
    private static readonly Meter Meter = new("Platform.Messaging.Outbox");
    private static readonly Counter<long> Published = Meter.CreateCounter<long>("outbox.messages.published");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("outbox.publish.failures");

    private readonly SemaphoreSlim _wake = new(0);
    private readonly OutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = ListenAsync(stoppingToken);
        var backoff = TimeSpan.Zero;
        var lastCleanup = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (published, failed) = await RelayBatchAsync(stoppingToken);
                if (failed)
                {
                    backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(250) : Min(backoff * 2, _options.MaxBackoff);
                    await Task.Delay(backoff, stoppingToken);
                    continue;
                }
                backoff = TimeSpan.Zero;
                if (published == _options.BatchSize) continue; // more may be waiting

                if (DateTimeOffset.UtcNow - lastCleanup > TimeSpan.FromHours(1))
                {
                    await DeleteOldAsync(stoppingToken);
                    lastCleanup = DateTimeOffset.UtcNow;
                }
                await _wake.WaitAsync(_options.PollInterval, stoppingToken);
                while (_wake.CurrentCount > 0) await _wake.WaitAsync(stoppingToken); // coalesce notifications
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogRelayFailed(e);
                await Task.Delay(_options.MaxBackoff, stoppingToken);
            }
        }
    }

    /// <summary>Publishes one batch; returns how many were sent and whether a publish failed (the rest wait, keeping order).</summary>
    internal async Task<(int Published, bool Failed)> RelayBatchAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        var rows = new List<(long Id, Guid MessageId, string Type, string Body, string? Trace)>();
        await using (var select = new NpgsqlCommand("""
            SELECT id, message_id, message_type, body::text, trace_parent
            FROM outbox_messages
            WHERE sent_at IS NULL
            ORDER BY id
            LIMIT @batch
            FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("batch", _options.BatchSize);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        if (rows.Count == 0) return (0, false);

        var sent = new List<long>();
        string? error = null;
        long? failedId = null;
        foreach (var row in rows)
        {
            try
            {
                await PublishAsync(row.MessageId, row.Type, row.Body, row.Trace, ct);
                sent.Add(row.Id);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Failures.Add(1);
                LogPublishFailed(row.MessageId, row.Type, e.Message);
                error = e.Message;
                failedId = row.Id;
                break;
            }
        }

        await using (var update = new NpgsqlCommand("""
            UPDATE outbox_messages SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY(@sent);
            UPDATE outbox_messages SET attempts = attempts + 1, last_error = @error WHERE id = @failed;
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("sent", sent.ToArray());
            update.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
            update.Parameters.AddWithValue("failed", (object?)failedId ?? DBNull.Value);
            await update.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        Published.Add(sent.Count);
        return (sent.Count, failedId is not null);
    }

    private async Task PublishAsync(Guid messageId, string typeName, string body, string? traceParent, CancellationToken ct)
    {
        var type = Type.GetType(typeName, throwOnError: true)!;
        var message = JsonSerializer.Deserialize(body, type, Outbox.Json)!;

        // Continue the trace of the request that wrote the row, so one trace spans HTTP -> outbox -> RabbitMQ -> consumer.
        ActivityContext.TryParse(traceParent, null, out var parent);
        using var activity = Source.StartActivity($"outbox publish {type.Name}", ActivityKind.Internal, parent);
        activity?.SetTag("messaging.message.id", messageId);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.PublishTimeout);
        await bus.Publish(message, type, context => context.MessageId = messageId, timeout.Token);
    }

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

    private async Task DeleteOldAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "DELETE FROM outbox_messages WHERE sent_at < now() - @retention");
        cmd.Parameters.AddWithValue("retention", _options.Retention);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(LogLevel.Warning, "Outbox publish of {MessageId} ({MessageType}) failed, will retry: {Error}")]
    private partial void LogPublishFailed(Guid messageId, string messageType, string error);

    [LoggerMessage(LogLevel.Warning, "Outbox listener lost its connection ({Error}); polling until it is back")]
    private partial void LogListenFailed(string error);

    [LoggerMessage(LogLevel.Error, "Outbox relay failed; retrying")]
    private partial void LogRelayFailed(Exception e);
}
