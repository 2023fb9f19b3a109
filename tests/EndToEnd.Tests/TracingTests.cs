using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

public sealed class One_appeal(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task Is_one_trace_in_the_dashboard_from_the_gateway_through_Intake_and_RabbitMQ_to_Cases()
    {
        var (_, insurer) = await platform.NewInsurerAsync("e2e-trace");

        // The client starts the trace (W3C traceparent), so the test knows which trace is this appeal's.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake/appeals") { Content = JsonContent.Create(PlatformFixture.Appeal()) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        (await insurer.SendAsync(request)).EnsureSuccessStatusCode();

        using var dashboard = new HttpClient { BaseAddress = platform.DashboardUrl };
        dashboard.DefaultRequestHeaders.Add("X-API-Key", platform.DashboardApiKey);
        List<(string Service, string Scope, string Name)> spans = [];
        bool Has(string service, Func<(string Service, string Scope, string Name), bool> what) =>
            spans.Any(s => s.Service == service && what(s));
        await Eventually.True(async () =>
            {
                spans = await SpansAsync(dashboard, traceId);
                return Has("gateway", s => s.Name.StartsWith("POST /api/intake")) &&
                       Has("intake", s => s.Name.StartsWith("POST")) &&
                       Has("intake", s => s.Scope == "MassTransit" && s.Name.Contains("send", StringComparison.OrdinalIgnoreCase)) &&
                       Has("cases", s => s.Scope == "MassTransit" && s.Name.Contains("process", StringComparison.OrdinalIgnoreCase));
            }, TimeSpan.FromSeconds(30),
            () => $"the dashboard's trace {traceId} holds the gateway's request, Intake's request and publish, and Cases' consume; it holds: " +
                  string.Join("; ", spans.Select(s => $"{s.Service}/{s.Scope}/{s.Name}")));
    }

    /// <summary>The trace as the dashboard's telemetry API serves it (OTLP JSON: resource spans, scope spans, spans).</summary>
    private static async Task<List<(string Service, string Scope, string Name)>> SpansAsync(HttpClient dashboard, string traceId)
    {
        using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return [];
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var result = new List<(string, string, string)>();
        foreach (var resource in body.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resource.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Where(a => a.GetProperty("key").GetString() == "service.name")
                .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString()!).FirstOrDefault() ?? "";
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            foreach (var span in scope.GetProperty("spans").EnumerateArray())
                result.Add((service, scope.GetProperty("scope").GetProperty("name").GetString() ?? "", span.GetProperty("name").GetString() ?? ""));
        }
        return result;
    }
}
