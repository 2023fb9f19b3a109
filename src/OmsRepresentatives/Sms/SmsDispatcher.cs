using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Mail;
using Platform.Messaging;
using Platform.OmsRepresentatives.Profile;

namespace Platform.OmsRepresentatives.Sms;

/// <summary>
/// Sends the reminder SMS of the campaigns. Every poll it claims due invitations — channel sms, delivery pending,
/// scheduled for today or earlier in their SMO's time zone (its profile's, <see cref="SmoProfile"/>), inside the
/// sending window of that SMO's local time, of a campaign still planned, past any backoff — in batches with FOR UPDATE
/// SKIP LOCKED, marking them 'sending' with a claim that runs out after <see cref="SmsOptions.ClaimTimeout"/> (one
/// short statement), so several replicas share the work and never send one invitation twice; an invitation whose
/// claim ran out (its replica died mid-send) is taken again, with the same reference, which the provider
/// de-duplicates. It sends no more than <see cref="SmsOptions.PerSecond"/> a second, <see cref="SmsOptions.Concurrency"/>
/// at once, signed with the SMO's profile name and phone. Per message: an accepted SMS is 'sent' with the provider's
/// id (its delivery receipt later makes it delivered or undelivered); one the provider refused for good is undelivered
/// with the reason; one to be tried again goes back to 'pending' with the error and a doubling backoff, and after
/// <see cref="SmsOptions.MaxAttempts"/> attempts is undelivered. When no message of a chunk got through, the provider
/// is taken to be down: the rest of the batch waits for the backoff too and the sender rests a poll interval. Time is
/// the platform's clock; polling is real time.
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

    private sealed record Claimed(long Id, string TenantId, string Kind, string Phone, string? ClinicCode, int Year, string? FullName);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _options.Enabled
        ? BatchPolling.RunAsync(SendBatchAsync, _options.BatchSize, _options.PollInterval, LogSendFailed, stoppingToken)
        : Task.CompletedTask;

    /// <summary>Whether SMS may go out at <paramref name="localTime"/> (the SMO's time of day).</summary>
    public static bool InWindow(TimeSpan localTime, TimeSpan from, TimeSpan until) => localTime >= from && localTime < until;

    /// <summary>Claims and sends one batch of due invitations; returns how many were claimed (0 when the provider failed).</summary>
    internal async Task<int> SendBatchAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claimUntil = now + _options.ClaimTimeout;
        await ReclaimAsync(now, ct);

        // Each SMO's own day and window: its profile's time zone (Moscow, SmoProfile.Default's, until it sets one).
        var claimed = new List<Claimed>();
        await using (var cmd = dataSource.CreateCommand("""
            WITH due AS (
                SELECT i.id FROM invitations i
                JOIN campaigns c ON c.id = i.campaign_id AND c.tenant_id = i.tenant_id
                LEFT JOIN smo_profiles p ON p.tenant_id = i.tenant_id
                CROSS JOIN LATERAL (SELECT @now AT TIME ZONE coalesce(p.time_zone, 'Europe/Moscow') AS local) l
                WHERE i.delivery = 'pending' AND i.channel = 'sms' AND i.scheduled_on <= l.local::date
                  AND l.local - date_trunc('day', l.local) >= @window_from AND l.local - date_trunc('day', l.local) < @window_until
                  AND (i.next_attempt_at IS NULL OR i.next_attempt_at <= @now) AND c.status = 'planned'
                ORDER BY i.scheduled_on, i.id
                LIMIT @batch
                FOR UPDATE OF i SKIP LOCKED),
            claimed AS (
                UPDATE invitations i SET delivery = 'sending', next_attempt_at = @claim_until
                FROM due WHERE i.id = due.id
                RETURNING i.id, i.tenant_id, i.enp, i.kind, i.phone, i.clinic_code, i.campaign_id)
            SELECT cl.id, cl.tenant_id, cl.kind, cl.phone, cl.clinic_code, c.year, p.full_name
            FROM claimed cl
            JOIN campaigns c ON c.id = cl.campaign_id
            LEFT JOIN insured p ON p.tenant_id = cl.tenant_id AND p.enp = cl.enp
            ORDER BY cl.id
            """))
        {
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("window_from", _options.WindowFrom);
            cmd.Parameters.AddWithValue("window_until", _options.WindowUntil);
            cmd.Parameters.AddWithValue("batch", _options.BatchSize);
            cmd.Parameters.AddWithValue("claim_until", claimUntil);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                claimed.Add(new Claimed(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                    r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6)));
        }
        if (claimed.Count == 0) return 0;

        var profiles = await ProfilesAsync([.. claimed.Select(c => c.TenantId).Distinct()], ct);
        // One chunk per throttle step: at most Concurrency messages in flight, no more than PerSecond a second.
        var step = Math.Min(_options.Concurrency, _options.PerSecond);
        for (var i = 0; i < claimed.Count; i += step)
        {
            if (clock.GetUtcNow() + _options.Timeout >= claimUntil)
            {
                // A slow provider: the next chunk might outlast the claim (another replica would take it again), so
                // the rest goes back to pending, no attempt made, for the next batch.
                await ReleaseAsync([.. claimed.Skip(i).Select(c => c.Id)]);
                return 0;
            }
            var chunk = claimed.GetRange(i, Math.Min(step, claimed.Count - i));
            using var lease = await throttle.AcquireAsync(chunk.Count, ct);
            var messages = chunk.Select(c =>
            {
                var smo = profiles.GetValueOrDefault(c.TenantId, SmoProfile.Default);
                return new SmsToSend(c.Id, c.Phone, // E.164: the register accepts no other form
                    ReminderTexts.For(c.Kind, c.FullName, c.Year, c.ClinicCode, smo.Name, smo.Phone), smo.SmsSender ?? _options.Sender);
            }).ToList();
            var results = await provider.SendAsync(messages, ct);
            var at = clock.GetUtcNow();
            var outcomes = messages.Zip(results).ToList();
            var retry = outcomes.Where(o => o.Second is { Sent: false, Permanent: false }).ToList();
            if (retry.Count < outcomes.Count) state.Succeeded(at);
            if (retry.Count > 0) state.Failed(retry[0].Second.Error ?? "The SMS provider could not take the message.", at);
            await RecordAsync(outcomes, ct);
            if (retry.Count == outcomes.Count)
            {
                // Nothing got through: the provider is down or refusing requests. The rest of the batch waits for the
                // backoff too, and the sender rests a poll interval rather than claim the next batch at once.
                var error = retry[0].Second.Error ?? "The SMS provider could not take the message.";
                var rest = claimed.Skip(i + chunk.Count).Select(c => c.Id).ToArray();
                LogProviderFailed(chunk.Count + rest.Length, error);
                await RetryLaterAsync(rest, [.. rest.Select(_ => error)], ct);
                Failed.Add(rest.Length);
                return 0;
            }
        }
        return claimed.Count;
    }

    /// <summary>The profiles of <paramref name="tenants"/>, in one query; a tenant without one is absent (the default applies).</summary>
    private async Task<Dictionary<string, SmoProfile>> ProfilesAsync(string[] tenants, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT tenant_id, name, phone, time_zone, address, sms_sender FROM smo_profiles WHERE tenant_id = ANY(@tenants)");
        cmd.Parameters.AddWithValue("tenants", tenants);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var profiles = new Dictionary<string, SmoProfile>();
        while (await r.ReadAsync(ct))
            profiles[r.GetString(0)] = new SmoProfile(r.GetString(1), r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), true);
        return profiles;
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

    /// <summary>
    /// Records each message's outcome: sent with the provider's id, refused as undelivered with the reason, to be tried
    /// again back to pending after its backoff. A receipt may have come before the answer was recorded (it is applied
    /// by our reference): the invitation then keeps the receipt's outcome and gets the attempt and the send time.
    /// </summary>
    private async Task RecordAsync(List<(SmsToSend Message, SendResult Result)> outcomes, CancellationToken ct)
    {
        var sent = outcomes.Where(o => o.Result.Sent).ToList();
        var refused = outcomes.Where(o => o.Result is { Sent: false, Permanent: true }).ToList();
        var retry = outcomes.Where(o => o.Result is { Sent: false, Permanent: false }).ToList();
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE invitations i SET
                delivery = CASE WHEN i.delivery = 'sending' THEN 'sent' ELSE i.delivery END,
                provider_message_id = coalesce(i.provider_message_id, r.provider_id), sent_at = @now, attempts = i.attempts + 1,
                last_error = CASE WHEN i.delivery = 'sending' THEN NULL ELSE i.last_error END, next_attempt_at = NULL
            FROM unnest(@ids, @provider_ids) AS r(id, provider_id)
            WHERE i.id = r.id
              AND (i.delivery = 'sending' OR (i.delivery IN ('delivered', 'undelivered') AND i.sent_at IS NULL AND i.next_attempt_at IS NOT NULL))
            """)
        {
            Parameters =
            {
                new("now", clock.GetUtcNow()),
                new("ids", sent.Select(o => o.Message.InvitationId).ToArray()),
                new("provider_ids", sent.Select(o => o.Result.ProviderId).ToArray()),
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
                new("ids", refused.Select(o => o.Message.InvitationId).ToArray()),
                new("errors", refused.Select(o => o.Result.Error ?? "Refused by the SMS provider.").ToArray()),
            },
        });
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
        await RetryLaterAsync([.. retry.Select(o => o.Message.InvitationId)],
            [.. retry.Select(o => o.Result.Error ?? "The SMS provider could not take the message.")], ct);
        Sent.Add(sent.Count);
        if (refused.Count + retry.Count > 0) Failed.Add(refused.Count + retry.Count);
    }

    /// <summary>Back to pending without an attempt (claimed but not tried).</summary>
    private async Task ReleaseAsync(long[] ids)
    {
        await using var cmd = dataSource.CreateCommand(
            "UPDATE invitations SET delivery = 'pending', next_attempt_at = NULL WHERE id = ANY(@ids) AND delivery = 'sending'");
        cmd.Parameters.AddWithValue("ids", ids);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Back to pending after the backoff, each with its error, or undelivered once the attempts are spent.</summary>
    private async Task RetryLaterAsync(long[] ids, string[] errors, CancellationToken ct)
    {
        if (ids.Length == 0) return;
        await using var cmd = dataSource.CreateCommand("""
            UPDATE invitations i SET
                attempts = i.attempts + 1,
                last_error = r.error,
                delivery = CASE WHEN i.attempts + 1 >= @max THEN 'undelivered' ELSE 'pending' END,
                next_attempt_at = CASE WHEN i.attempts + 1 >= @max THEN NULL
                    ELSE @now + least(interval '30 minutes', @retry_after * power(2, i.attempts) * (1 + 0.2 * random())) END
            FROM unnest(@ids, @errors) AS r(id, error)
            WHERE i.id = r.id AND i.delivery = 'sending'
            """);
        cmd.Parameters.AddWithValue("max", _options.MaxAttempts);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("retry_after", _options.RetryAfter);
        cmd.Parameters.AddWithValue("ids", ids);
        cmd.Parameters.AddWithValue("errors", errors);
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
/// sliding window, System.Threading.RateLimiting; a token bucket would let a full bucket and the next refill go out
/// back to back). The window slides by whole segments, so a permit taken late in a segment comes back as that segment
/// leaves: one segment (50 ms) more than a second makes every permit come back no sooner than a second after it was
/// taken. Real time, not the platform's clock.
/// <para>
/// The window slides only while permits are out or requests wait: the limiter's own replenishment would run a timer
/// every 50 ms for the life of the process, sending or not (the service's largest cost at rest). A slide that starts
/// late only brings permits back later, never sooner, so the limit holds either way.
/// </para>
/// </summary>
public sealed class SmsThrottle : IDisposable
{
    private static readonly TimeSpan Segment = TimeSpan.FromMilliseconds(50);
    private readonly SlidingWindowRateLimiter _limiter;
    private readonly int _permitLimit;
    private readonly CancellationTokenSource _disposed = new();
    private int _sliding;

    public SmsThrottle(IOptions<SmsOptions> options)
    {
        _permitLimit = Math.Max(1, options.Value.PerSecond);
        _limiter = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = _permitLimit,
            Window = Segment * 21,
            SegmentsPerWindow = 21,
            QueueLimit = int.MaxValue, // several dispatchers in one process (tests) wait their turn
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = false,
        });
    }

    /// <summary>Whether the window is sliding (permits out or requests waiting); false at rest.</summary>
    public bool Sliding => Volatile.Read(ref _sliding) == 1;

    /// <summary>Waits until <paramref name="count"/> (at most PerSecond) messages may go.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(int count, CancellationToken ct)
    {
        if (Interlocked.CompareExchange(ref _sliding, 1, 0) == 0) _ = SlideAsync();
        var lease = await _limiter.AcquireAsync(count, ct);
        return lease.IsAcquired ? lease : throw new InvalidOperationException("The SMS throttle refused a request within its limit.");
    }

    /// <summary>Slides the window a segment every 50 ms until every permit is back and nobody waits.</summary>
    private async Task SlideAsync()
    {
        using var timer = new PeriodicTimer(Segment);
        try
        {
            while (await timer.WaitForNextTickAsync(_disposed.Token))
            {
                _limiter.TryReplenish();
                if (!AtRest()) continue;
                Volatile.Write(ref _sliding, 0);
                // A request that came in between took permits without starting a slide of its own: slide for it.
                if (AtRest() || Interlocked.CompareExchange(ref _sliding, 1, 0) != 0) return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) // the service stops
        {
        }
    }

    private bool AtRest() => _limiter.GetStatistics() is { } s && s.CurrentAvailablePermits >= _permitLimit && s.CurrentQueuedCount == 0;

    public void Dispose()
    {
        _disposed.Cancel();
        _limiter.Dispose();
        _disposed.Dispose();
    }
}
