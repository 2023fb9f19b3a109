using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

public sealed record ReceivedSpan(string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name);

public sealed class One_appeal(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task Is_one_trace_from_the_gateway_through_Intake_and_RabbitMQ_to_Cases()
    {
        var traces = Environment.GetEnvironmentVariable("TEST_TRACES_FILE")
            ?? throw new InvalidOperationException("TEST_TRACES_FILE is not set: run the tests with `./platform test`, whose collector receives the services' spans.");
        var (_, insurer) = await platform.NewInsurerAsync("e2e-trace");

        // The client starts the trace (W3C traceparent), so the test knows which trace is this appeal's.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake/appeals") { Content = JsonContent.Create(PlatformFixture.Appeal()) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        (await insurer.SendAsync(request)).EnsureSuccessStatusCode();

        List<ReceivedSpan> spans = [];
        bool Has(string service, Func<ReceivedSpan, bool> what) =>
            spans.Any(s => s.TraceId == traceId && s.Service.Equals(service, StringComparison.OrdinalIgnoreCase) && what(s));
        await Eventually.True(async () =>
            {
                spans = await ReadAsync(traces);
                return Has("gateway", s => s.Name.StartsWith("POST /api/intake")) &&
                       Has("intake", s => s.Name.StartsWith("POST")) &&
                       Has("intake", s => s.Scope == "MassTransit" && s.Name.Contains("send", StringComparison.OrdinalIgnoreCase)) &&
                       Has("cases", s => s.Scope == "MassTransit" && s.Name.Contains("process", StringComparison.OrdinalIgnoreCase));
            }, TimeSpan.FromSeconds(30),
            () => $"trace {traceId} holds the gateway's request, Intake's request and publish, and Cases' consume; it holds: " +
                  string.Join("; ", spans.Where(s => s.TraceId == traceId).Select(s => $"{s.Service}/{s.Scope}/{s.Name}")));
    }

    private static async Task<List<ReceivedSpan>> ReadAsync(string file)
    {
        if (!File.Exists(file)) return [];
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var spans = new List<ReceivedSpan>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0 && line.EndsWith('}')) spans.Add(JsonSerializer.Deserialize<ReceivedSpan>(line, JsonSerializerOptions.Web)!);
        }
        return spans;
    }
}
