using System.Net.Http.Json;
using System.Text.Json;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

public sealed class One_appeal(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task Is_one_trace_from_the_gateway_through_Intake_and_RabbitMQ_to_Cases()
    {
        using var collector = new OtlpTraceReceiver();
        var (_, insurer) = await platform.NewInsurerAsync("e2e-trace");

        var response = await insurer.PostAsJsonAsync("/api/intake/appeals", PlatformFixture.Appeal());
        response.EnsureSuccessStatusCode();
        var appealId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // The gateway's server span for this request, then the rest of its trace as the services export it.
        ReceivedSpan? root = null;
        await Eventually.True(() =>
        {
            root = collector.Spans.FirstOrDefault(s => s.Service.Equals("gateway", StringComparison.OrdinalIgnoreCase) && s.ParentSpanId == "" && s.Name.StartsWith("POST /api/intake"));
            return Task.FromResult(root is not null);
        }, TimeSpan.FromSeconds(20), "the gateway exports its span of the request");

        bool Has(string service, Func<ReceivedSpan, bool> what) =>
            collector.Spans.Any(s => s.TraceId == root!.TraceId && s.Service.Equals(service, StringComparison.OrdinalIgnoreCase) && what(s));
        await Eventually.True(() => Task.FromResult(
                Has("Intake", s => s.Name.StartsWith("POST")) &&
                Has("Intake", s => s.Scope == "MassTransit" && s.Name.Contains("send", StringComparison.OrdinalIgnoreCase)) &&
                Has("Cases", s => s.Scope == "MassTransit" && s.Name.Contains("process", StringComparison.OrdinalIgnoreCase))),
            TimeSpan.FromSeconds(45),
            $"the trace {root!.TraceId} of appeal {appealId} holds Intake's request and publish and Cases' consume; it holds: " +
            string.Join("; ", collector.Spans.Where(s => s.TraceId == root.TraceId).Select(s => $"{s.Service}/{s.Scope}/{s.Name}")) +
            "; services seen: " + string.Join(", ", collector.Spans.Select(s => s.Service).Distinct()) +
            "; messaging spans: " + string.Join("; ", collector.Spans.Where(s => s.Scope is "MassTransit" or "Platform.Messaging.Outbox")
                .Select(s => $"{s.Service}/{s.Name}/{s.TraceId}")));
    }
}
