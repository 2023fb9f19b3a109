using System.IO.Compression;
using System.Net;
using System.Text.Json;

namespace Platform.AppHost;

/// <summary>
/// A minimal OTLP/HTTP trace receiver, the part of Aspire's dashboard that test mode needs: it is up before the services
/// start, so their exporters never fail and never drop spans, and it writes one JSON line per span (service, scope,
/// trace and span ids, name) for the end-to-end tests to read. Only the protobuf fields used are decoded.
/// </summary>
public sealed class TraceCollector : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly string file;
    private readonly Lock writeLock = new();

    public TraceCollector(string prefix, string file)
    {
        this.file = file;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.Delete(file);
        listener.Prefixes.Add(prefix);
        try { listener.Start(); }
        catch (HttpListenerException e)
        {
            throw new InvalidOperationException($"The test trace collector cannot listen on {prefix} ({e.Message}); is another collector running there?", e);
        }
        _ = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            try
            {
                using var body = new MemoryStream();
                Stream input = context.Request.InputStream;
                if (context.Request.Headers["Content-Encoding"] == "gzip") input = new GZipStream(input, CompressionMode.Decompress);
                await input.CopyToAsync(body);
                if (context.Request.Url?.AbsolutePath == "/v1/traces") Write(Decode(body.ToArray()));
                context.Response.StatusCode = 200;
            }
            catch (InvalidDataException)
            {
                context.Response.StatusCode = 400;
            }
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private void Write(IEnumerable<object> spans)
    {
        var lines = spans.Select(s => JsonSerializer.Serialize(s, JsonSerializerOptions.Web)).ToList();
        lock (writeLock) File.AppendAllLines(file, lines);
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
    private static IEnumerable<object> Decode(byte[] request)
    {
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1) continue;
            var service = "";
            var scopes = new List<byte[]>();
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1) service = ServiceName(value) ?? service;
                else if (f == 2) scopes.Add(value);
            }
            foreach (var scopeSpans in scopes)
            {
                var scope = "";
                foreach (var (f, value) in Fields(scopeSpans))
                {
                    if (f == 1) scope = Text(Fields(value).FirstOrDefault(x => x.Field == 1).Value);
                    else if (f == 2) yield return Span(service, scope, value);
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
    private static object Span(string service, string scope, byte[] span)
    {
        string traceId = "", spanId = "", parentSpanId = "", name = "";
        foreach (var (f, value) in Fields(span))
        {
            switch (f)
            {
                case 1: traceId = Convert.ToHexStringLower(value); break;
                case 2: spanId = Convert.ToHexStringLower(value); break;
                case 4: parentSpanId = Convert.ToHexStringLower(value); break;
                case 5: name = Text(value); break;
            }
        }
        return new { service, scope, traceId, spanId, parentSpanId, name };
    }

    private static string Text(byte[]? bytes) => bytes is null ? "" : System.Text.Encoding.UTF8.GetString(bytes);

    /// <summary>The length-delimited fields of a protobuf message; other wire types are skipped.</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message)
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
                    if (position + length > message.Length) throw new InvalidDataException("Truncated protobuf message.");
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
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= buffer.Length) throw new InvalidDataException("Truncated varint.");
            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("Varint too long.");
    }

    public void Dispose() => listener.Close();
}
