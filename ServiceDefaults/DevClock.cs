using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A clock that can be moved forward for the whole platform at once, for end-to-end tests of SLA clocks, control calls
/// and deadlines: the system clock plus an offset shared through Redis (key <see cref="Key"/>, changes announced on the
/// channel of the same name). Only registered when <c>DevClock:Enabled</c> is true, which the test orchestration sets;
/// never in production.
/// </summary>
public sealed class DevClock : TimeProvider, IDisposable
{
    public const string Key = "platform:dev-clock:offset-ms";
    private long _offsetMs;
    private readonly IConnectionMultiplexer _redis;

    public DevClock(IConnectionMultiplexer redis, ILogger<DevClock> logger)
    {
        _redis = redis;
        try
        {
            var subscriber = redis.GetSubscriber();
            subscriber.Subscribe(RedisChannel.Literal(Key), (_, value) =>
            {
                if (long.TryParse(value.ToString(), out var ms)) Interlocked.Exchange(ref _offsetMs, ms);
            });
            if (long.TryParse(redis.GetDatabase().StringGet(Key).ToString(), out var current)) _offsetMs = current;
        }
        catch (RedisException e)
        {
            logger.LogWarning("Development clock could not read its offset ({Error}); running on the system clock", e.Message);
        }
    }

    public TimeSpan Offset => TimeSpan.FromMilliseconds(Interlocked.Read(ref _offsetMs));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Moves every service's clock to system time plus <paramref name="offset"/>.</summary>
    public static async Task SetOffsetAsync(IConnectionMultiplexer redis, TimeSpan offset)
    {
        var ms = (long)offset.TotalMilliseconds;
        await redis.GetDatabase().StringSetAsync(Key, ms);
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Key), ms);
    }

    public void Dispose() => _redis.GetSubscriber().Unsubscribe(RedisChannel.Literal(Key));
}
