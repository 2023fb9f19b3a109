using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;

namespace Platform.EndToEnd.Tests;

public sealed record ReceivedSpan(string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name);

/// <summary>
/// A minimal OTLP/HTTP (protobuf) trace receiver: what a collector would see. The platform started for tests exports
/// to http://127.0.0.1:4318; this decodes just the fields the tests need (service, scope, ids, name) from the wire format.
/// </summary>
public sealed class OtlpTraceReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    public ConcurrentBag<ReceivedSpan> Spans { get; } = [];

    public OtlpTraceReceiver(string prefix = "http://127.0.0.1:4318/")
    {
        _listener.Prefixes.Add(prefix);
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }

            using var body = new MemoryStream();
            Stream input = context.Request.InputStream;
            if (context.Request.Headers["Content-Encoding"] == "gzip") input = new GZipStream(input, CompressionMode.Decompress);
            await input.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces") Decode(body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    private void Decode(byte[] request)
    {
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1) continue;
            var service = "";
            var scopes = new List<byte[]>();
            // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1) service = ServiceName(value) ?? service;
                else if (f == 2) scopes.Add(value);
            }
            foreach (var scopeSpans in scopes)
            {
                var scope = "";
                // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
                foreach (var (f, value) in Fields(scopeSpans))
                {
                    if (f == 1) scope = Text(Fields(value).FirstOrDefault(x => x.Field == 1).Value);
                    else if (f == 2) Spans.Add(Span(service, scope, value));
                }
            }
        }
    }

    // Resource { repeated KeyValue attributes = 1; }  KeyValue { string key = 1; AnyValue value = 2; }  AnyValue { string string_value = 1; }
    private static string? ServiceName(byte[] resource) =>
        Fields(resource).Where(a => a.Field == 1)
            .Select(a => Fields(a.Value).ToList())
            .Where(kv => kv.Any(x => x.Field == 1 && Text(x.Value) == "service.name"))
            .Select(kv => Text(Fields(kv.First(x => x.Field == 2).Value).First(x => x.Field == 1).Value))
            .FirstOrDefault();

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; ... }
    private static ReceivedSpan Span(string service, string scope, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        foreach (var (f, value) in Fields(span))
        {
            switch (f)
            {
                case 1: traceId = Convert.ToHexStringLower(value); break;
                case 2: spanId = Convert.ToHexStringLower(value); break;
                case 4: parent = Convert.ToHexStringLower(value); break;
                case 5: name = Text(value); break;
            }
        }
        return new ReceivedSpan(service, scope, traceId, spanId, parent, name);
    }

    private static string Text(byte[]? bytes) => bytes is null ? "" : System.Text.Encoding.UTF8.GetString(bytes);

    /// <summary>The length-delimited fields of a protobuf message; other wire types are skipped.</summary>
    private static IEnumerable<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var position = 0;
        var result = new List<(int, byte[])>();
        while (position < message.Length)
        {
            var key = Varint(message, ref position);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0: Varint(message, ref position); break;
                case 1: position += 8; break;
                case 5: position += 4; break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    result.Add((field, message[position..(position + length)]));
                    position += length;
                    break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type in field {field}.");
            }
        }
        return result;
    }

    private static ulong Varint(byte[] buffer, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
