using System.Diagnostics;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Platform.Gateway.Auth;
using StackExchange.Redis;

namespace Platform.Gateway.RateLimiting;

public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>Per-tenant overrides of <see cref="PermitsPerMinute"/>: <c>RateLimiting:Tenants:{tenantId}</c>.</summary>
    public Dictionary<string, int> Tenants { get; set; } = new(StringComparer.Ordinal);

    public int PermitsFor(string tenantId) => Tenants.TryGetValue(tenantId, out var permits) ? permits : PermitsPerMinute;

    /// <summary>
    /// Requests per minute and client address that end without a verified caller (no credentials, an unknown or
    /// revoked API key, a bad token) before the address is refused with 429 for the rest of the minute.
    /// </summary>
    public int UnauthenticatedPermitsPerMinute { get; set; } = 60;
}

/// <summary>
/// Rate limiter policy <c>tenant</c> for proxied routes: a fixed one-minute window per tenant, counted in Redis so all
/// gateway replicas share it.
/// </summary>
internal sealed class TenantRateLimiterPolicy(
    IConnectionMultiplexer redis, IOptionsMonitor<RateLimitingOptions> options, TimeProvider time, ILogger<TenantRateLimiterPolicy> logger)
    : IRateLimiterPolicy<string>
{
    public const string Name = "tenant";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext context)
    {
        // Routes with this policy also require a tenant; without one authorization has already answered.
        if (Caller.From(context.User)?.TenantId is not { } tenant) return RateLimitPartition.GetNoLimiter(string.Empty);

        var permits = options.CurrentValue.PermitsFor(tenant);
        // The limit is part of the key, so a changed configuration takes effect with the next request.
        return RateLimitPartition.Get($"{tenant}/{permits}", _ => new RedisFixedWindowLimiter(redis, tenant, permits, Window, time, logger));
    }

    private static ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct) =>
        new(FixedWindow.RejectAsync(rejected.HttpContext,
            rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window,
            "The tenant's request limit for this minute is used up"));
}

/// <summary>Fixed windows counted in Redis, shared by every gateway replica.</summary>
internal static class FixedWindow
{
    private const string Script = """
        local count = redis.call('INCRBY', KEYS[1], ARGV[2])
        if count == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { count, redis.call('PTTL', KEYS[1]) }
        """;

    /// <summary>Which window of <paramref name="window"/> length the platform's clock is in.</summary>
    public static long Index(TimeSpan window, TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;

    /// <summary>
    /// Counts <paramref name="requests"/> in the current window of <paramref name="name"/>; returns the count so far and
    /// the time left in the window. Throws what StackExchange.Redis throws when Redis is unreachable.
    /// </summary>
    public static async Task<(long Count, TimeSpan Left)> CountAsync(IDatabase redis, string name, TimeSpan window, TimeProvider time,
        int requests = 1)
    {
        var windowMs = (long)window.TotalMilliseconds;
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(Script, [$"{name}:{Index(window, time)}"], [windowMs, requests]))!;
        var ttl = (long)result[1];
        return ((long)result[0], TimeSpan.FromMilliseconds(ttl > 0 ? ttl : windowMs));
    }

    public static bool IsRedisFailure(Exception e) => e is RedisException or RedisTimeoutException or TimeoutException;

    /// <summary>The 429 problem document with Retry-After (whole seconds, at least 1).</summary>
    public static Task RejectAsync(HttpContext context, TimeSpan retryAfter, string reason)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return context.WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many requests.",
            $"{reason}; retry in {seconds} s.", ProblemTypes.RateLimited,
            new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds });
    }
}

/// <summary>
/// One tenant's fixed window in Redis, shared by every replica, claimed in chunks: a replica takes <see cref="Chunk"/>
/// permits of the window at once (INCRBY on the window's key, which expires with the window) and grants them from
/// memory, synchronously, until they are used; only then does it ask Redis again. So a busy tenant costs Redis one round
/// trip per chunk rather than per request. Redis never counts more than the limit as granted (a claim that overshoots
/// gets only what was left), so no tenant gets more than its limit; what a replica claimed and did not use by the end of
/// the window is lost to the others (at most a chunk per replica: 1 % of the limit), and a limit under 100 a minute
/// is claimed one permit at a time, exactly as before.
/// </summary>
internal sealed class RedisFixedWindowLimiter(
    IConnectionMultiplexer redis, string tenant, int permits, TimeSpan window, TimeProvider time, ILogger logger) : RateLimiter
{
    /// <summary>Permits claimed from Redis at once: 1 % of the limit, at least 1, at most 1,000.</summary>
    public int Chunk { get; } = Math.Clamp(permits / 100, 1, 1000);

    private readonly Lock _gate = new();
    private long _window = -1;   // the window the fields below belong to
    private int _claimed;        // permits claimed from Redis in that window and not granted yet
    private TimeSpan? _usedUp;   // the window's limit is used up (by every replica together): declined until it ends
    private long _lastUsed = Stopwatch.GetTimestamp();

    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Grants from the permits already claimed; declines (and the middleware then calls AcquireAsync) when none are left.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
        return permitCount == 0 || TryTakeClaimed() ? Lease.Granted : Lease.Declined(null);
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
        if (permitCount == 0 || TryTakeClaimed()) return Lease.Granted;
        lock (_gate)
        {
            if (_window == FixedWindow.Index(window, time) && _usedUp is { } left) return Lease.Declined(left);
        }

        try
        {
            var index = FixedWindow.Index(window, time);
            var (count, left) = await FixedWindow.CountAsync(redis.GetDatabase(), $"gateway:rate:{tenant}", window, time, Chunk);
            // What of this claim is still within the limit (the rest was claimed by others first).
            var granted = (int)Math.Min(Chunk, permits - (count - Chunk));
            lock (_gate)
            {
                if (_window != index) (_window, _claimed, _usedUp) = (index, 0, null);
                if (granted <= 0)
                {
                    _usedUp = left;
                    return Lease.Declined(left);
                }
                _claimed += granted - 1; // one for this request
            }
            return Lease.Granted;
        }
        catch (Exception e) when (FixedWindow.IsRedisFailure(e))
        {
            // Fail open: the limit protects the services from one tenant's excess, it is not a security boundary, and
            // refusing every insurer's traffic because Redis is down would turn a degraded cache into an outage.
            logger.LogWarning(e, "Redis is unreachable; letting tenant {Tenant}'s request through without a rate limit", tenant);
            return Lease.Granted;
        }
    }

    private bool TryTakeClaimed()
    {
        lock (_gate)
        {
            var index = FixedWindow.Index(window, time);
            if (_window != index) (_window, _claimed, _usedUp) = (index, 0, null);
            if (_claimed <= 0) return false;
            _claimed--;
            return true;
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public static Lease Declined(TimeSpan? retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
