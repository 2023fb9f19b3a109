using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Platform.Gateway.ApiKeys;

/// <summary>
/// Keys this replica verified in the last minute, by hash, so a request does not cost a PostgreSQL round trip.
/// A revocation removes the key here and, through Redis pub/sub, on every other replica at once. While this replica
/// cannot hear revocations (Redis unreachable) it neither reads nor fills the cache: every request is checked in
/// PostgreSQL, as before, so a revoked key still stops at once. Only valid keys are cached (a key issued a moment ago
/// works at once); an entry lives a minute, which is also how often last_used_at is written. The requests that present
/// a key while it is being read share that one read, and a read is cached only if no revocation was made or heard
/// while it ran, so a key revoked during the read is not cached as valid.
/// </summary>
public sealed partial class VerifiedKeyCache
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("gateway:api-keys:revoked");
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<VerifiedKeyCache> _logger;
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private volatile bool _listening;
    private bool _subscribed;

    /// <summary>Counts the revocations this replica made or heard, and the times it stopped hearing them.</summary>
    private long _generation;

    /// <summary>The reads in flight, by entry, each with <see cref="_generation"/> as it was when the read began.</summary>
    private readonly ConcurrentDictionary<string, Lazy<Task<(VerifiedApiKey? Key, long Generation)>>> _reads = new();

    public VerifiedKeyCache(IConnectionMultiplexer redis, ILogger<VerifiedKeyCache> logger)
    {
        _redis = redis;
        _logger = logger;
        redis.ConnectionFailed += (_, _) => Deafen();
        redis.ConnectionRestored += (_, _) => _ = ListenAsync();
        _ = ListenAsync();
    }

    private long Generation => Interlocked.Read(ref _generation);

    /// <summary>
    /// The key verified in the last minute, else what <paramref name="read"/> finds in the database (null: no such
    /// valid key). While this replica cannot hear revocations, every call reads for itself.
    /// </summary>
    public async Task<VerifiedApiKey?> GetOrReadAsync(byte[] hash, Func<CancellationToken, Task<VerifiedApiKey?>> read, CancellationToken ct)
    {
        if (!_listening) return await read(ct);
        var entry = Convert.ToBase64String(hash);
        if (_entries.TryGetValue(entry, out VerifiedApiKey? cached)) return cached;
        var joined = Generation;
        var shared = _reads.GetOrAdd(entry, _ => new(() => ReadSharedAsync(entry, read)));
        var (key, generation) = await shared.Value.WaitAsync(ct);
        // A revocation was made or heard around the shared read, which may have begun before this request arrived:
        // read again, alone, so that a key revoked before it arrived is not let through.
        return generation == joined && Generation == joined ? key : await read(ct);
    }

    /// <summary>One read for every request that presents the key meanwhile; not cancelled by any one of them.</summary>
    private async Task<(VerifiedApiKey?, long)> ReadSharedAsync(string entry, Func<CancellationToken, Task<VerifiedApiKey?>> read)
    {
        try
        {
            var generation = Generation;
            var key = await read(CancellationToken.None);
            if (key is not null && _listening)
            {
                _entries.Set(entry, key, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 });
                // A revocation since the read began may be this key's (its removal may even have come before the
                // Set): undo it.
                if (Generation != generation) _entries.Remove(entry);
            }
            return (key, generation);
        }
        finally
        {
            _reads.TryRemove(entry, out _);
        }
    }

    /// <summary>Forgets the key here and tells every replica to; false when the others could not be told.</summary>
    public async Task<bool> RevokedAsync(byte[] hash)
    {
        var entry = Convert.ToBase64String(hash);
        Forget(entry);
        try
        {
            await _redis.GetSubscriber().PublishAsync(Channel, entry);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Replicas that still hear Redis may serve the key from their cache for up to a minute.
            LogNotBroadcast(e.Message);
            return false;
        }
    }

    private void Deafen()
    {
        _listening = false;
        Interlocked.Increment(ref _generation);
        _entries.Clear(); // revocations may be missed from now on
    }

    private async Task ListenAsync()
    {
        await _subscribing.WaitAsync();
        try
        {
            // Once: StackExchange.Redis subscribes again by itself after a reconnect.
            if (!_subscribed)
            {
                var queue = await _redis.GetSubscriber().SubscribeAsync(Channel);
                queue.OnMessage(message => Forget(message.Message.ToString()));
                _subscribed = true;
            }
            _entries.Clear(); // what was cached before we listened may have been revoked meanwhile
            _listening = _redis.IsConnected;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Deafen();
        }
        finally
        {
            _subscribing.Release();
        }
    }

    private void Forget(string entry)
    {
        Interlocked.Increment(ref _generation);
        _entries.Remove(entry);
    }

    [LoggerMessage(LogLevel.Error, "A revocation could not be broadcast through Redis ({Error}): other replicas may accept the key for up to a minute")]
    private partial void LogNotBroadcast(string error);
}
