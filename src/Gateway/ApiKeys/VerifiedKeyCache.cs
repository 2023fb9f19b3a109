using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Platform.Gateway.ApiKeys;

/// <summary>
/// Keys this replica verified in the last minute, by hash, so a request does not cost a PostgreSQL round trip.
/// A revocation removes the key here and, through Redis pub/sub, on every other replica at once. While this replica
/// cannot hear revocations (Redis unreachable) it neither reads nor fills the cache: every request is checked in
/// PostgreSQL, as before, so a revoked key still stops at once. Only valid keys are cached (a key issued a moment ago
/// works at once); an entry lives a minute, which is also how often last_used_at is written. A verification read from
/// PostgreSQL is cached only if no revocation was heard while it was read (<see cref="Generation"/>), so a key revoked
/// during the read is not cached as valid.
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
    private long _generation;

    public VerifiedKeyCache(IConnectionMultiplexer redis, ILogger<VerifiedKeyCache> logger)
    {
        _redis = redis;
        _logger = logger;
        redis.ConnectionFailed += (_, _) => Deafen();
        redis.ConnectionRestored += (_, _) => _ = ListenAsync();
        _ = ListenAsync();
    }

    /// <summary>True while this replica hears revocations; only then does it read or fill the cache.</summary>
    public bool IsListening => _listening;

    public VerifiedApiKey? Find(byte[] hash) => _listening && _entries.TryGetValue(Convert.ToBase64String(hash), out VerifiedApiKey? key) ? key : null;

    /// <summary>
    /// Counts the revocations this replica made or heard (and the times it stopped hearing them): read it before a key
    /// is looked up, and pass it to <see cref="Add"/>.
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <param name="generation"><see cref="Generation"/> as it was before the key was read from the database.</param>
    public void Add(byte[] hash, VerifiedApiKey key, long generation)
    {
        if (!_listening) return;
        var entry = Convert.ToBase64String(hash);
        _entries.Set(entry, key, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 });
        // A revocation since the read may be this key's (its removal may even have come before the Set): undo it.
        if (Generation != generation) _entries.Remove(entry);
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
