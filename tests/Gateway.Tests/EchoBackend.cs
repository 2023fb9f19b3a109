using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.Gateway.Tests;

/// <summary>What a service behind the gateway received.</summary>
public sealed record EchoedRequest(string Service, string Method, string Path, string Query, Dictionary<string, string> Headers, long BodyLength, string? Padding = null)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static async Task<EchoedRequest> ReadAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<EchoedRequest>(JsonSerializerOptions.Web))!;
}

/// <summary>
/// A real HTTP server on loopback standing in for a service: it answers every request with what it received, and
/// serves a small API document at /openapi/v1.json like the services do. Query parameters shape the answer:
/// <c>echo-status</c> (its status code), <c>echo-location</c> (a Location header), <c>echo-pad</c> (that many more
/// characters in the body), <c>echo-gate</c> (waits until the test opens the named <see cref="Gate"/>).
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _received;
    private readonly ConcurrentDictionary<string, Gate> _gates;

    private EchoBackend(WebApplication app, Uri address, ConcurrentDictionary<string, int> received, ConcurrentDictionary<string, Gate> gates)
    {
        _app = app;
        Address = address;
        _received = received;
        _gates = gates;
    }

    public Uri Address { get; }

    /// <summary>How many requests with this method and path (as the service sees it) arrived.</summary>
    public int Received(string method, string path) => _received.GetValueOrDefault($"{method} {path}");

    public Gate GateFor(string name) => _gates.GetOrAdd(name, _ => new Gate());

    /// <summary>Holds the requests that name it until <see cref="Open"/>; <see cref="Entered"/> completes when one arrives.</summary>
    public sealed class Gate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;
        public void Open() => _opened.TrySetResult();

        internal Task PassAsync()
        {
            _entered.TrySetResult();
            return _opened.Task;
        }
    }

    public static async Task<EchoBackend> StartAsync(string service)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var received = new ConcurrentDictionary<string, int>();
        var gates = new ConcurrentDictionary<string, Gate>();

        app.MapGet("/openapi/v1.json", (HttpRequest request) => Results.Json(new
        {
            openapi = "3.1.1",
            info = new { title = $"{service} (echo)", version = "v1" },
            paths = new Dictionary<string, object>
            {
                ["/appeals"] = new
                {
                    get = new { summary = "Lists appeals" },
                    post = new { summary = "Registers an appeal", parameters = new[] { new { name = "X-Request-Source", @in = "header" } } },
                },
                ["/appeals/{id}"] = new { put = new { summary = "Replaces" }, patch = new { summary = "Changes" }, delete = new { summary = "Removes" } },
            },
            forwardedPrefix = request.Headers["X-Forwarded-Prefix"].ToString(),
        }));
        app.Map("/{**path}", async (HttpContext context) =>
        {
            long length = 0;
            var buffer = new byte[8192];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0) length += read;
            received.AddOrUpdate($"{context.Request.Method} {context.Request.Path}", 1, (_, n) => n + 1);

            var query = context.Request.Query;
            if (query["echo-gate"].FirstOrDefault() is { } gate) await gates.GetOrAdd(gate, _ => new Gate()).PassAsync();
            if (query["echo-location"].FirstOrDefault() is { } location) context.Response.Headers.Location = location;
            var padding = int.TryParse(query["echo-pad"], out var pad) ? new string('x', pad) : null;
            return Results.Json(new EchoedRequest(
                service,
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()),
                length, padding), JsonSerializerOptions.Web,
                statusCode: int.TryParse(query["echo-status"], out var status) ? status : StatusCodes.Status200OK);
        });

        await app.StartAsync();
        return new EchoBackend(app, new Uri(app.Urls.Single()), received, gates);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
