using Platform.Messaging;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Cases.Webhooks;

/// <summary>
/// Sends due deliveries to the insurers' endpoints, signed, and retries failures with capped exponential backoff and
/// jitter for <see cref="WebhookOptions.RetryFor"/> (a day by default) before marking them failed. Rows are
/// claimed with FOR UPDATE SKIP LOCKED and leased (a claim token and a later due time) and committed before sending,
/// so several replicas share the work and no transaction stays open while an endpoint is slow; a replica that dies
/// mid-send leaves the row to be taken again when the lease runs out (receivers de-duplicate by X-Webhook-Id).
/// </summary>
public sealed partial class WebhookDispatcher(
    NpgsqlDataSource dataSource,
    IHttpClientFactory httpClients,
    IOptions<WebhookOptions> options,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string ClientName = "webhooks";

    private static readonly JsonSerializerOptions Json = PlatformJson.Options;
    private static readonly Meter Meter = new("Platform.Cases.Webhooks");
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("webhooks.delivery.attempts");
    private static readonly Counter<long> Delivered = Meter.CreateCounter<long>("webhooks.deliveries.delivered");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("webhooks.deliveries.failed");

    private readonly WebhookOptions _options = options.Value;
    private readonly bool _httpAllowed = options.Value.HttpAllowed(environment);

    private sealed record Claimed(
        Guid Id, Guid EventId, string TenantId, Guid CaseId, string CaseNumber, string Kind, string Summary, DateTimeOffset At,
        string? Data, int Attempts, string? Url, string? Secret, bool SubscriptionDeleted, DateTimeOffset WindowStartedAt, int WindowAttempts);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastCleanup = DateTimeOffset.MinValue;
        return BatchPolling.RunAsync(DispatchBatchAsync, _options.BatchSize, _options.PollInterval, LogDispatchFailed, stoppingToken,
            async ct =>
            {
                if (clock.GetUtcNow() - lastCleanup <= TimeSpan.FromHours(1)) return;
                await DeleteOldAsync(ct);
                lastCleanup = clock.GetUtcNow();
            });
    }

    /// <summary>Claims and sends one batch of due deliveries; returns how many were claimed.</summary>
    internal async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        var token = Guid.NewGuid();
        var now = clock.GetUtcNow();
        var claimed = new List<Claimed>();
        // The subscription is looked up with the delivery's own tenant: a row can never be sent to another tenant's URL.
        await using (var cmd = dataSource.CreateCommand("""
            WITH due AS (
                SELECT id FROM webhook_deliveries
                WHERE status = 'pending' AND next_attempt_at <= @now
                ORDER BY next_attempt_at
                LIMIT @batch
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE webhook_deliveries d SET claim_token = @token, next_attempt_at = @lease_until
                FROM due
                WHERE d.id = due.id
                RETURNING d.*)
            SELECT c.id, c.event_id, c.tenant_id, c.case_id, c.case_number, c.kind, c.summary, c.at, c.data::text, c.attempts,
                   s.url, s.secret, s.deleted_at IS NOT NULL, coalesce(c.retry_window_started_at, c.created_at), c.retry_window_attempts
            FROM claimed c
            LEFT JOIN webhook_subscriptions s ON s.id = c.subscription_id AND s.tenant_id = c.tenant_id
            """))
        {
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("batch", _options.BatchSize);
            cmd.Parameters.AddWithValue("token", token);
            cmd.Parameters.AddWithValue("lease_until", now + _options.Timeout + TimeSpan.FromSeconds(30));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                claimed.Add(new Claimed(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetGuid(3), r.GetString(4), r.GetString(5),
                    r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetInt32(9),
                    r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11), !r.IsDBNull(12) && r.GetBoolean(12),
                    r.GetFieldValue<DateTimeOffset>(13), r.GetInt32(14)));
        }

        await Task.WhenAll(claimed.Select(d => DeliverAsync(d, token, ct)));
        return claimed.Count;
    }

    private async Task DeliverAsync(Claimed delivery, Guid token, CancellationToken ct)
    {
        var attempt = delivery.Attempts + 1;
        if (delivery.Url is null || delivery.Secret is null || delivery.SubscriptionDeleted)
        {
            // Unsubscribed since (or, impossibly, not the tenant's): nothing is sent.
            await CompleteAsync(delivery.Id, token, delivery.Attempts, "cancelled", null, "The subscription was deleted.", null, ct);
            return;
        }
        if (!_httpAllowed && delivery.Url.StartsWith("http:", StringComparison.OrdinalIgnoreCase))
        {
            // Subscribed where http was allowed (Development, or Webhooks:AllowHttp): medical details do not go in clear.
            Failed.Add(1);
            await CompleteAsync(delivery.Id, token, delivery.Attempts, "failed", null,
                "Not sent: the subscription's URL is http, and deliveries go only to https URLs here.", null, ct);
            return;
        }

        var body = JsonSerializer.Serialize(new WebhookPayload(delivery.EventId, delivery.TenantId, delivery.CaseId, delivery.CaseNumber,
            delivery.Kind, delivery.Summary, delivery.At,
            delivery.Data is null ? null : JsonSerializer.Deserialize<JsonElement>(delivery.Data)), Json);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookDocs.IdHeader, delivery.Id.ToString());
        request.Headers.Add(WebhookDocs.TimestampHeader, timestamp);
        request.Headers.Add(WebhookDocs.SignatureHeader, Sign(delivery.Secret, timestamp, body));

        int? status = null;
        string? error = null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpClients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) error = $"The endpoint answered {status} {response.ReasonPhrase}.";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // shutting down: the lease runs out and the delivery is taken again
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            error = e is TaskCanceledException ? $"No answer within {_options.Timeout.TotalSeconds:0.#} s." : e.Message;
        }
        var duration = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Attempts.Add(1);

        var now = clock.GetUtcNow();
        if (error is null)
        {
            Delivered.Add(1);
            await CompleteAsync(delivery.Id, token, attempt, "delivered", status, null, (now, duration), ct);
        }
        else
        {
            var inWindow = attempt - delivery.WindowAttempts;
            if (RetrySchedule.NextAttempt(inWindow, now, delivery.WindowStartedAt, _options, Random.Shared.NextDouble()) is { } next)
            {
                await RetryAsync(delivery.Id, token, attempt, status, error, next, (now, duration), ct);
            }
            else
            {
                Failed.Add(1);
                var gaveUp = $"Gave up after {inWindow} attempt(s) over {RetrySchedule.Format(now - delivery.WindowStartedAt)}; the last: {error}";
                LogGaveUp(delivery.Id, delivery.TenantId, inWindow, error);
                await RecordAsync(delivery.Id, token, attempt, "failed", status, gaveUp, next: null, (now, duration), ct, attemptError: error);
            }
        }
    }

    /// <summary>The signature header value: HMAC-SHA256 of "{timestamp}.{body}" under the subscription's secret, in hex.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    private Task CompleteAsync(Guid id, Guid token, int attempts, string status, int? statusCode, string? error,
        (DateTimeOffset At, int DurationMs)? attempt, CancellationToken ct) =>
        RecordAsync(id, token, attempts, status, statusCode, error, next: null, attempt, ct);

    private Task RetryAsync(Guid id, Guid token, int attempts, int? statusCode, string error, DateTimeOffset next,
        (DateTimeOffset At, int DurationMs) attempt, CancellationToken ct) =>
        RecordAsync(id, token, attempts, "pending", statusCode, error, next, attempt, ct);

    /// <summary>Records the outcome, only while this dispatcher still holds the claim.</summary>
    private async Task RecordAsync(Guid id, Guid token, int attempts, string status, int? statusCode, string? error, DateTimeOffset? next,
        (DateTimeOffset At, int DurationMs)? attempt, CancellationToken ct, string? attemptError = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var update = new NpgsqlCommand("""
            UPDATE webhook_deliveries
            SET status = @status, attempts = @attempts, last_status_code = coalesce(@status_code, last_status_code),
                last_error = @error, claim_token = NULL,
                next_attempt_at = coalesce(@next, next_attempt_at),
                completed_at = CASE WHEN @status = 'pending' THEN NULL ELSE @now END
            WHERE id = @id AND claim_token = @token
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("status", status);
            update.Parameters.AddWithValue("attempts", attempts);
            update.Parameters.Add(new NpgsqlParameter<int?>("status_code", statusCode));
            update.Parameters.Add(new NpgsqlParameter<string?>("error", error));
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("next", next));
            update.Parameters.AddWithValue("now", clock.GetUtcNow());
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("token", token);
            if (await update.ExecuteNonQueryAsync(ct) == 0) return; // the lease ran out and another dispatcher took the row
        }
        if (attempt is { } a)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO webhook_delivery_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
                VALUES (@id, @attempt, @at, @status_code, @error, @duration)
                ON CONFLICT DO NOTHING
                """, connection, transaction);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("attempt", attempts);
            insert.Parameters.AddWithValue("at", a.At);
            insert.Parameters.Add(new NpgsqlParameter<int?>("status_code", statusCode));
            insert.Parameters.Add(new NpgsqlParameter<string?>("error", attemptError ?? error));
            insert.Parameters.AddWithValue("duration", a.DurationMs);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    private async Task DeleteOldAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            DELETE FROM webhook_deliveries WHERE status <> 'pending' AND completed_at < @before
            """);
        cmd.Parameters.AddWithValue("before", clock.GetUtcNow() - _options.Retention);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(LogLevel.Warning, "Webhook delivery {DeliveryId} of tenant {TenantId} failed after {Attempts} attempts: {Error}")]
    private partial void LogGaveUp(Guid deliveryId, string tenantId, int attempts, string error);

    [LoggerMessage(LogLevel.Error, "Webhook dispatch failed; retrying")]
    private partial void LogDispatchFailed(Exception e);
}
