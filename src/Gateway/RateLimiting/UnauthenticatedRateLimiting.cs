using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// Requests that end without a verified caller (401: no credentials, an unknown or revoked API key, a bad token) are
/// counted per client address in a one-minute window in Redis, shared by the replicas. Past
/// <see cref="RateLimitingOptions.UnauthenticatedPermitsPerMinute"/> the address gets 429 for the rest of the window,
/// and so do its authenticated requests on a replica that has seen it go over: otherwise an address guessing keys would
/// still learn which guess worked. Other addresses, and so other tenants' integrations, are not affected.
/// </summary>
/// <remarks>
/// The client address is <c>Connection.RemoteIpAddress</c> after the forwarded-headers middleware, which believes
/// X-Forwarded-For only from <c>Gateway:TrustedProxies</c>. IPv6 clients are counted per /64, the block one subscriber
/// usually holds, so hopping addresses inside it gains nothing.
/// </remarks>
public sealed class UnauthenticatedRateLimit(
    IConnectionMultiplexer redis, IOptionsMonitor<RateLimitingOptions> options, TimeProvider time, ILogger<UnauthenticatedRateLimit> logger)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxRemembered = 10_000;

    // Addresses this replica has seen go over the budget, until their window ends: lets it refuse their authenticated
    // requests too without asking Redis on every request.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _overBudget = new(StringComparer.Ordinal);

    public const string Reason = "Too many requests without valid credentials from your address";

    /// <summary>Counts one unauthenticated request; the time to wait when the address has used up its budget, else null.</summary>
    public async Task<TimeSpan?> CountAsync(HttpContext context)
    {
        var address = ClientKey(context.Connection.RemoteIpAddress);
        long count;
        TimeSpan left;
        try
        {
            (count, left) = await FixedWindow.CountAsync(redis.GetDatabase(), $"gateway:unauthenticated:{address}", Window, time);
        }
        catch (Exception e) when (FixedWindow.IsRedisFailure(e))
        {
            // Fail open like the tenant limit: the answer is a 401 anyway.
            logger.LogWarning(e, "Redis is unreachable; not counting unauthenticated requests from {Address}", address);
            return null;
        }
        if (count <= options.CurrentValue.UnauthenticatedPermitsPerMinute) return null;

        var now = time.GetUtcNow();
        if (_overBudget.Count >= MaxRemembered)
        {
            foreach (var (key, until) in _overBudget)
                if (until <= now) _overBudget.TryRemove(key, out _);
        }
        if (_overBudget.Count < MaxRemembered) _overBudget[address] = now + left;
        logger.LogInformation("Client {Address} is over its budget of unauthenticated requests ({Count} this minute)", address, count);
        return left;
    }

    /// <summary>How long an address this replica knows to be over its budget must still wait; null when it may go on.</summary>
    public TimeSpan? OverBudgetFor(HttpContext context)
    {
        if (_overBudget.IsEmpty) return null;
        var address = ClientKey(context.Connection.RemoteIpAddress);
        if (!_overBudget.TryGetValue(address, out var until)) return null;

        var left = until - time.GetUtcNow();
        if (left > TimeSpan.Zero) return left;
        _overBudget.TryRemove(address, out _);
        return null;
    }

    /// <summary>The key an address is counted under: the IPv4 address, or the /64 network of an IPv6 one.</summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
