using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Platform.Gateway.Proxy;

public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Largest request body forwarded to a service (default 1 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>
/// Caps request bodies on proxied routes with a 413 problem document. A declared Content-Length over the cap is refused
/// before anything is forwarded; a chunked body is counted as YARP streams it, and the forward is failed when it goes over.
/// </summary>
internal static class RequestBodyCap
{
    public static IApplicationBuilder UseRequestBodyCap(this IApplicationBuilder proxy) => proxy.Use(async (context, next) =>
    {
        var cap = RouteCap(context) ?? context.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.MaxRequestBodyBytes;
        if (context.Request.ContentLength > cap)
        {
            await RejectAsync(context, cap);
            return;
        }

        // Kestrel enforces the limit itself when it can; the counting stream covers servers that do not (TestServer).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = cap;
        var body = context.Request.Body;
        context.Request.Body = new CappedStream(body, cap);
        try
        {
            await next();
        }
        finally
        {
            context.Request.Body = body;
        }

        // YARP reports a body that failed while being read as a client error; turn ours into the 413 it is.
        if (context.Features.Get<IForwarderErrorFeature>()?.Exception is { } error && IsTooLarge(error) && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await RejectAsync(context, cap);
        }
    });

    /// <summary>A route may raise or lower the cap with metadata <c>MaxRequestBodyBytes</c> (bulk uploads such as policy registers).</summary>
    private static long? RouteCap(HttpContext context) =>
        context.GetReverseProxyFeature().Route.Config.Metadata?.TryGetValue(MetadataKey, out var value) == true &&
        long.TryParse(value, out var cap) && cap > 0 ? cap : null;

    public const string MetadataKey = "MaxRequestBodyBytes";

    private static bool IsTooLarge(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }) return true;
        }
        return false;
    }

    private static Task RejectAsync(HttpContext context, long cap) =>
        context.WriteProblemAsync(StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
            $"Request bodies are limited to {cap} bytes.", ProblemTypes.PayloadTooLarge,
            new Dictionary<string, object?> { ["maxBodyBytes"] = cap });

    private sealed class CappedStream(Stream inner, long cap) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > cap)
            {
                throw new BadHttpRequestException($"The request body is larger than {cap} bytes.", StatusCodes.Status413PayloadTooLarge);
            }
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
