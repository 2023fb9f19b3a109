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
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { count, redis.call('PTTL', KEYS[1]) }
        """;

    /// <summary>
    /// Counts one request in the current window of <paramref name="name"/>; returns the count so far and the time left in
    /// the window. Throws what StackExchange.Redis throws when Redis is unreachable.
    /// </summary>
    public static async Task<(long Count, TimeSpan Left)> CountAsync(IDatabase redis, string name, TimeSpan window, TimeProvider time)
    {
        var windowMs = (long)window.TotalMilliseconds;
        var windowIndex = time.GetUtcNow().ToUnixTimeMilliseconds() / windowMs;
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(Script, [$"{name}:{windowIndex}"], [windowMs]))!;
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
/// One tenant's fixed window in Redis: INCR on a key per window, which expires with the window. The count can only be
/// read asynchronously, so the synchronous attempt always declines and the middleware then calls AcquireAsync.
/// </summary>
internal sealed class RedisFixedWindowLimiter(
    IConnectionMultiplexer redis, string tenant, int permits, TimeSpan window, TimeProvider time, ILogger logger) : RateLimiter
{
    private long _lastUsed = Stopwatch.GetTimestamp();

    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Declined(null);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
        if (permitCount == 0) return Lease.Granted;

        try
        {
            var (count, left) = await FixedWindow.CountAsync(redis.GetDatabase(), $"gateway:rate:{tenant}", window, time);
            return count <= permits ? Lease.Granted : Lease.Declined(left);
        }
        catch (Exception e) when (FixedWindow.IsRedisFailure(e))
        {
            // Fail open: the limit protects the services from one tenant's excess, it is not a security boundary, and
            // refusing every insurer's traffic because Redis is down would turn a degraded cache into an outage.
            logger.LogWarning(e, "Redis is unreachable; letting tenant {Tenant}'s request through without a rate limit", tenant);
            return Lease.Granted;
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
