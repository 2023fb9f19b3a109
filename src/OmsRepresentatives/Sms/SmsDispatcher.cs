using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Messaging;

namespace Platform.OmsRepresentatives.Sms;

/// <summary>
/// Sends the reminder SMS of the campaigns. Every poll it claims due invitations — channel sms, delivery pending,
/// scheduled for today or earlier in the SMO's time zone, of a campaign still planned, past any backoff — in batches
/// with FOR UPDATE SKIP LOCKED, marking them 'sending' with a claim that runs out after
/// <see cref="SmsOptions.ClaimTimeout"/> (one short statement), so several replicas share the work and never send one
/// invitation twice; an invitation whose claim ran out (its replica died mid-send) is taken again, with the same
/// reference, which the provider de-duplicates. It sends no more than <see cref="SmsOptions.PerSecond"/> a second and
/// only inside the sending window of the SMO's local time. An accepted SMS is 'sent' with the provider's id (its
/// delivery report later makes it delivered or undelivered); one the provider refused is undelivered with the reason;
/// a batch the provider could not take goes back to 'pending' with the error and a doubling backoff, and after
/// <see cref="SmsOptions.MaxAttempts"/> attempts is undelivered. Time is the platform's clock; polling is real time.
/// </summary>
public sealed partial class SmsDispatcher(
    NpgsqlDataSource dataSource,
    ISmsProvider provider,
    SmsProviderState state,
    SmsThrottle throttle,
    IOptions<SmsOptions> options,
    TimeProvider clock,
    ILogger<SmsDispatcher> logger) : BackgroundService
{
    private static readonly Meter Meter = new("Platform.OmsRepresentatives.Sms");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("oms.sms.sent");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("oms.sms.failed");

    private readonly SmsOptions _options = options.Value;
    private readonly TimeZoneInfo _zone = options.Value.Zone;

    private sealed record Claimed(long Id, string Kind, string Phone, string? ClinicCode, int Year, string? FullName);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _options.Enabled
        ? BatchPolling.RunAsync(SendBatchAsync, _options.BatchSize, _options.PollInterval, LogSendFailed, stoppingToken)
        : Task.CompletedTask;

    /// <summary>Whether SMS may go out at <paramref name="localTime"/> (the SMO's time of day).</summary>
    public static bool InWindow(TimeSpan localTime, TimeSpan from, TimeSpan until) => localTime >= from && localTime < until;

    /// <summary>Claims and sends one batch of due invitations; returns how many were claimed (0 when the provider failed).</summary>
    internal async Task<int> SendBatchAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, _zone);
        if (!InWindow(local.TimeOfDay, _options.WindowFrom, _options.WindowUntil)) return 0;
        await ReclaimAsync(now, ct);

        var claimed = new List<Claimed>();
        await using (var cmd = dataSource.CreateCommand("""
            WITH due AS (
                SELECT i.id FROM invitations i JOIN campaigns c ON c.id = i.campaign_id AND c.tenant_id = i.tenant_id
                WHERE i.delivery = 'pending' AND i.channel = 'sms' AND i.scheduled_on <= @today
                  AND (i.next_attempt_at IS NULL OR i.next_attempt_at <= @now) AND c.status = 'planned'
                ORDER BY i.scheduled_on, i.id
                LIMIT @batch
                FOR UPDATE OF i SKIP LOCKED),
            claimed AS (
                UPDATE invitations i SET delivery = 'sending', next_attempt_at = @claim_until
                FROM due WHERE i.id = due.id
                RETURNING i.id, i.tenant_id, i.enp, i.kind, i.phone, i.clinic_code, i.campaign_id)
            SELECT cl.id, cl.kind, cl.phone, cl.clinic_code, c.year, p.full_name
            FROM claimed cl
            JOIN campaigns c ON c.id = cl.campaign_id
            LEFT JOIN insured p ON p.tenant_id = cl.tenant_id AND p.enp = cl.enp
            ORDER BY cl.id
            """))
        {
            cmd.Parameters.AddWithValue("today", DateOnly.FromDateTime(local.DateTime));
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("batch", _options.BatchSize);
            cmd.Parameters.AddWithValue("claim_until", now + _options.ClaimTimeout);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                claimed.Add(new Claimed(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4),
                    r.IsDBNull(5) ? null : r.GetString(5)));
        }
        if (claimed.Count == 0) return 0;

        // One provider request per throttle step: at most PerSecond messages, at most what the provider takes at once.
        var step = Math.Min(_options.PerSecond, provider.MaxBatch);
        for (var i = 0; i < claimed.Count; i += step)
        {
            var chunk = claimed.GetRange(i, Math.Min(step, claimed.Count - i));
            using var lease = await throttle.AcquireAsync(chunk.Count, ct);
            var messages = chunk.Select(c => new SmsToSend(c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ReminderTexts.ToE164(c.Phone),
                ReminderTexts.For(c.Kind, c.FullName, c.Year, c.ClinicCode, _options.SmoName!, _options.SmoPhone!))).ToList();
            try
            {
                var results = await provider.SendAsync(messages, ct);
                state.Succeeded(clock.GetUtcNow());
                await RecordAsync(results, ct);
            }
            catch (SmsProviderException e)
            {
                // The provider is down or refusing requests: this chunk and the rest of the batch wait for the backoff.
                state.Failed(e.Message, clock.GetUtcNow());
                LogProviderFailed(claimed.Count - i, e.Message);
                await RetryLaterAsync(claimed.Skip(i).Select(c => c.Id).ToArray(), e.Message, ct);
                Failed.Add(claimed.Count - i);
                return 0; // not straight on to the next batch: the provider gets a poll interval's rest
            }
        }
        return claimed.Count;
    }

    /// <summary>Puts back invitations whose claim ran out (their replica stopped mid-send), as one more attempt.</summary>
    private async Task ReclaimAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE invitations SET
                attempts = attempts + 1,
                delivery = CASE WHEN attempts + 1 >= @max THEN 'undelivered' ELSE 'pending' END,
                last_error = 'The sending was interrupted (the sender stopped before recording the outcome); sent again with the same reference.'
            WHERE delivery = 'sending' AND channel = 'sms' AND next_attempt_at <= @now
            """);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("max", _options.MaxAttempts);
        var reclaimed = await cmd.ExecuteNonQueryAsync(ct);
        if (reclaimed > 0) LogReclaimed(reclaimed);
    }

    /// <summary>Records the provider's answers: accepted as sent with its id, refused as undelivered with the reason.</summary>
    private async Task RecordAsync(IReadOnlyList<SmsSendResult> results, CancellationToken ct)
    {
        var accepted = results.Where(r => r.ProviderId is not null).ToList();
        var refused = results.Where(r => r.ProviderId is null).ToList();
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE invitations i SET delivery = 'sent', provider_message_id = r.provider_id, sent_at = @now,
                attempts = i.attempts + 1, last_error = NULL, next_attempt_at = NULL
            FROM unnest(@ids, @provider_ids) AS r(id, provider_id)
            WHERE i.id = r.id AND i.delivery = 'sending'
            """)
        {
            Parameters =
            {
                new("now", clock.GetUtcNow()),
                new("ids", accepted.Select(r => long.Parse(r.Reference, System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
                new("provider_ids", accepted.Select(r => r.ProviderId!).ToArray()),
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE invitations i SET delivery = 'undelivered', attempts = i.attempts + 1, last_error = r.error, next_attempt_at = NULL
            FROM unnest(@ids, @errors) AS r(id, error)
            WHERE i.id = r.id AND i.delivery = 'sending'
            """)
        {
            Parameters =
            {
                new("ids", refused.Select(r => long.Parse(r.Reference, System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
                new("errors", refused.Select(r => r.Error ?? "Refused by the SMS provider.").ToArray()),
            },
        });
        await batch.ExecuteNonQueryAsync(ct);
        Sent.Add(accepted.Count);
        if (refused.Count > 0) Failed.Add(refused.Count);
    }

    /// <summary>Back to pending after the backoff, or undelivered once the attempts are spent.</summary>
    private async Task RetryLaterAsync(long[] ids, string error, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE invitations SET
                attempts = attempts + 1,
                last_error = @error,
                delivery = CASE WHEN attempts + 1 >= @max THEN 'undelivered' ELSE 'pending' END,
                next_attempt_at = CASE WHEN attempts + 1 >= @max THEN NULL
                    ELSE @now + least(interval '30 minutes', @retry_after * power(2, attempts) * (1 + 0.2 * random())) END
            WHERE id = ANY(@ids) AND delivery = 'sending'
            """);
        cmd.Parameters.AddWithValue("error", error);
        cmd.Parameters.AddWithValue("max", _options.MaxAttempts);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("retry_after", _options.RetryAfter);
        cmd.Parameters.AddWithValue("ids", ids);
        // Recorded even when stopping: otherwise the rows wait in 'sending' for the claim to run out.
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    [LoggerMessage(LogLevel.Warning, "The SMS provider could not take {Count} reminder(s); they are tried again later: {Error}")]
    private partial void LogProviderFailed(int count, string error);

    [LoggerMessage(LogLevel.Warning, "{Count} reminder SMS left in 'sending' by a stopped sender are taken again")]
    private partial void LogReclaimed(int count);

    [LoggerMessage(LogLevel.Error, "Sending reminder SMS failed; retrying")]
    private partial void LogSendFailed(Exception e);
}

/// <summary>
/// The SMS channel's throttle: at most <see cref="SmsOptions.PerSecond"/> messages in any second from this replica (a
/// sliding window of ten 100 ms segments, System.Threading.RateLimiting; a token bucket would let a full bucket and the
/// next refill go out back to back). Real time, not the platform's clock.
/// </summary>
public sealed class SmsThrottle : IDisposable
{
    private readonly SlidingWindowRateLimiter _limiter;

    public SmsThrottle(IOptions<SmsOptions> options) =>
        _limiter = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.Value.PerSecond),
            Window = TimeSpan.FromSeconds(1),
            SegmentsPerWindow = 10,
            QueueLimit = int.MaxValue, // several dispatchers in one process (tests) wait their turn
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });

    /// <summary>Waits until <paramref name="count"/> (at most PerSecond) messages may go.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(int count, CancellationToken ct)
    {
        var lease = await _limiter.AcquireAsync(count, ct);
        return lease.IsAcquired ? lease : throw new InvalidOperationException("The SMS throttle refused a request within its limit.");
    }

    public void Dispose() => _limiter.Dispose();
}
