using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Platform.Gateway.Auth;
using StackExchange.Redis;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Idempotency;

public sealed class IdempotencyOptions
{
    public const string Section = "Gateway:Idempotency";

    /// <summary>How long a completed answer is replayed for the same key (default 24 h).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a key stays reserved while its first request runs (default 2 min, above YARP's 100 s activity timeout):
    /// if the gateway replica dies mid-request, the key frees itself after this.
    /// </summary>
    public TimeSpan InFlightLock { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Answers larger than this are not stored (the key is released and a retry runs again); default 1 MiB.</summary>
    public int MaxStoredResponseBytes { get; set; } = 1024 * 1024;
}

/// <summary>
/// <c>Idempotency-Key</c> on every POST, PUT, PATCH and DELETE of every proxied route, for every service behind the
/// gateway. Keys are scoped to the tenant, the route and the method, and live in Redis (shared by the replicas):
/// the first request reserves its key with a fingerprint (method, path and query, SHA-256 of the body) for
/// <see cref="IdempotencyOptions.InFlightLock"/>; its answer (status, body, Content-Type, Location) is stored for
/// <see cref="IdempotencyOptions.Retention"/> and replayed to a repeat with <c>Idempotent-Replayed: true</c>. A repeat
/// with another fingerprint gets 422, one while the first still runs 409 with Retry-After. 5xx answers, failures to
/// reach the service and answers over the size cap are not stored: the key is released so the client can retry.
/// Without Redis a request with a key gets 503 (the guarantee cannot be kept); requests without a key are untouched.
/// </summary>
/// <remarks>
/// Written here rather than taken from a library: ASP.NET Core and YARP have no idempotency support, and no package for
/// it is served to us.
/// </remarks>
internal static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 200;

    public static bool AppliesTo(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>Why a key is refused, or null: 1 to 200 printable ASCII characters.</summary>
    public static string? Problem(string? key) =>
        string.IsNullOrEmpty(key) ? "The key must not be empty." :
        key.Length > MaxKeyLength ? $"The key must be at most {MaxKeyLength} characters long." :
        key.Any(c => c is < ' ' or > '~') ? "The key must consist of printable ASCII characters." :
        null;

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder proxy) => proxy.Use(async (context, next) =>
    {
        if (!AppliesTo(context.Request.Method) || !context.Request.Headers.TryGetValue(Header, out var values))
        {
            await next(context);
            return;
        }
        if ((values.Count == 1 ? Problem(values[0]) : "Send one key.") is { } problem)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "The request is invalid.", problem, ProblemTypes.Validation);
            return;
        }
        // Service routes need a tenant; a route without one has nobody to keep the key for.
        if (Caller.From(context.User)?.TenantId is not { } tenant)
        {
            await next(context);
            return;
        }

        var store = context.RequestServices.GetRequiredService<IdempotencyStore>();
        var route = context.GetReverseProxyFeature().Route.Config.RouteId;
        var slot = $"gateway:idempotency:{tenant}:{route}:{context.Request.Method}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(values[0]!)))}";
        var fingerprint = await FingerprintAsync(context);
        await store.HandleAsync(context, slot, fingerprint, next);
    });

    /// <summary>Method, path and query, and the SHA-256 of the body (buffered so it can still be forwarded).</summary>
    private static async Task<string> FingerprintAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        // HashDataAsync reads through a pooled buffer (a buffer of its own per request was a third of what the gateway
        // allocated under load).
        var hash = await SHA256.HashDataAsync(request.Body, context.RequestAborted);
        request.Body.Position = 0;
        return $"{request.Method} {request.Path}{request.QueryString} {Convert.ToHexStringLower(hash)}";
    }

    public static Task RefuseAsync(HttpContext context, int status, string title, string detail, string type, int? retryAfterSeconds = null)
    {
        if (retryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var extensions = new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [Header] = [detail] } };
        if (retryAfterSeconds is { } wait) extensions["retryAfterSeconds"] = wait;
        return context.WriteProblemAsync(status, title, detail, type, extensions);
    }
}

/// <summary>The reservations and stored answers in Redis, one hash per key.</summary>
internal sealed class IdempotencyStore(IConnectionMultiplexer redis, IOptionsMonitor<IdempotencyOptions> options, ILogger<IdempotencyStore> logger)
{
    private const int RetryAfterRedisOutageSeconds = 10;

    // Reserves the key, or returns what it holds: state, fingerprint, status, content type, location, body, encoding.
    private const string ReserveScript = """
        local held = redis.call('HMGET', KEYS[1], 'state', 'fingerprint', 'status', 'contentType', 'location', 'body', 'encoding')
        if not held[1] then
          redis.call('HSET', KEYS[1], 'state', 'pending', 'fingerprint', ARGV[1], 'token', ARGV[2])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          return nil
        end
        return held
        """;

    // Only the request that holds the reservation may complete or release it (its lock may have expired meanwhile).
    private const string CompleteScript = """
        if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'contentType', ARGV[3], 'location', ARGV[4], 'body', ARGV[5], 'encoding', ARGV[7])
        redis.call('HDEL', KEYS[1], 'token')
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        return 1
        """;

    private const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    public async Task HandleAsync(HttpContext context, string slot, string fingerprint, RequestDelegate next)
    {
        var settings = options.CurrentValue;
        var token = Guid.NewGuid().ToString("N");
        RedisResult held;
        try
        {
            held = await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, [slot],
                [fingerprint, token, (long)settings.InFlightLock.TotalMilliseconds]);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException or TimeoutException)
        {
            logger.LogWarning(e, "Redis is unreachable; refusing a request with an Idempotency-Key rather than running it unguarded");
            await IdempotencyKeys.RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable.",
                "Idempotency keys cannot be checked at the moment; retry later (or without the key).", ProblemTypes.Unavailable,
                RetryAfterRedisOutageSeconds);
            return;
        }

        if (!held.IsNull)
        {
            await AnswerFromAsync(context, (RedisResult[])held!, fingerprint);
            return;
        }
        await ForwardAndStoreAsync(context, slot, token, settings, next);
    }

    private static async Task AnswerFromAsync(HttpContext context, RedisResult[] held, string fingerprint)
    {
        if ((string?)held[1] != fingerprint)
        {
            await IdempotencyKeys.RefuseAsync(context, StatusCodes.Status422UnprocessableEntity, "Idempotency key reused.",
                "This Idempotency-Key was already used for another request (method, path, query or body); use a new key for a new request.",
                ProblemTypes.Validation);
            return;
        }
        if ((string?)held[0] != "done")
        {
            await IdempotencyKeys.RefuseAsync(context, StatusCodes.Status409Conflict, "Request in progress.",
                "The first request with this Idempotency-Key is still being handled; retry shortly for its answer.",
                ProblemTypes.Conflict, retryAfterSeconds: 1);
            return;
        }

        var response = context.Response;
        response.StatusCode = (int)held[2];
        if ((string?)held[3] is { Length: > 0 } contentType) response.ContentType = contentType;
        if ((string?)held[4] is { Length: > 0 } location) response.Headers.Location = location;
        response.Headers[IdempotencyKeys.ReplayedHeader] = "true";
        var body = StoredBody.Read((byte[]?)held[5] ?? [], (string?)held[6]);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private async Task ForwardAndStoreAsync(HttpContext context, string slot, string token, IdempotencyOptions settings, RequestDelegate next)
    {
        var bodyFeature = context.Features.Get<IHttpResponseBodyFeature>()!;
        var capture = new CapturingStream(bodyFeature.Stream, settings.MaxStoredResponseBytes);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(capture, bodyFeature));
        var stored = false;
        try
        {
            await next(context);

            var response = context.Response;
            if (context.Features.Get<IForwarderErrorFeature>() is { } error)
            {
                logger.LogInformation("Not storing the answer for an Idempotency-Key: the service was not reached or did not answer ({Error})", error.Error);
            }
            else if (response.StatusCode >= 500)
            {
                logger.LogInformation("Not storing a {Status} answer for an Idempotency-Key: the client may retry", response.StatusCode);
            }
            else if (capture.Captured is not { } body)
            {
                logger.LogWarning("Not storing the answer for an Idempotency-Key: it is larger than {Cap} bytes (Gateway:Idempotency:MaxStoredResponseBytes)",
                    settings.MaxStoredResponseBytes);
            }
            else
            {
                stored = await StoreAsync(slot, token, response, body, settings.Retention);
            }
        }
        finally
        {
            context.Features.Set(bodyFeature);
            if (!stored) await ReleaseAsync(slot, token);
        }
    }

    private async Task<bool> StoreAsync(string slot, string token, HttpResponse response, byte[] body, TimeSpan retention)
    {
        var (stored, encoding) = StoredBody.Write(body);
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(CompleteScript, [slot],
            [
                token, response.StatusCode, response.ContentType ?? "", response.Headers.Location.ToString(), stored,
                (long)retention.TotalMilliseconds, encoding,
            ]);
            return true;
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException or TimeoutException)
        {
            // The client has its answer; a repeat gets 409 until the reservation expires, then runs again.
            logger.LogError(e, "Could not store the answer for an Idempotency-Key");
            return true;
        }
    }

    private async Task ReleaseAsync(string slot, string token)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [slot], [token]);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException or TimeoutException)
        {
            logger.LogWarning(e, "Could not release an Idempotency-Key; it frees itself when its reservation expires");
        }
    }

    /// <summary>Passes the answer through to the client and keeps a copy up to a cap.</summary>
    private sealed class CapturingStream(Stream inner, int cap) : Stream
    {
        private MemoryStream? _copy = new();

        /// <summary>The whole answer, or null when it went over the cap.</summary>
        public byte[]? Captured => _copy?.ToArray();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        private void Keep(ReadOnlySpan<byte> data)
        {
            if (_copy is null) return;
            if (_copy.Length + data.Length > cap) _copy = null;
            else _copy.Write(data);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Keep(buffer.AsSpan(offset, count));
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Keep(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>
/// An answer as it is kept in Redis: Brotli-compressed when that saves space. Answers are kept for a day, so Redis holds
/// a day of every write's answers (an appeal's answer is about 3 KB of JSON); compressed they take a third of that.
/// </summary>
internal static class StoredBody
{
    public const string Brotli = "br";

    // Below this, compression saves too little to be worth the work on every write.
    private const int MinimumToCompress = 512;

    // Quality 1: an appeal's 3.0 KB answer is kept as 1.7 KB for about 22 µs of CPU; quality 5 made it 1.45 KB but took
    // 114 µs, and every write through the gateway pays it (BrotliEncoder.TryCompress on a stored answer, this machine).
    private const int Quality = 1;
    private const int Window = 16;

    public static (byte[] Stored, string Encoding) Write(byte[] body)
    {
        if (body.Length < MinimumToCompress) return (body, "");
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(body.Length));
        try
        {
            return BrotliEncoder.TryCompress(body, buffer, out var written, Quality, Window) && written < body.Length
                ? (buffer.AsSpan(0, written).ToArray(), Brotli)
                : (body, "");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The answer as it was sent; entries written before compression (no encoding) are read as they are.</summary>
    public static byte[] Read(byte[] stored, string? encoding)
    {
        if (encoding != Brotli) return stored;
        using var input = new BrotliStream(new MemoryStream(stored), CompressionMode.Decompress);
        using var output = new MemoryStream(stored.Length * 4);
        input.CopyTo(output);
        return output.ToArray();
    }
}
