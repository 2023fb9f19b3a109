using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.Gateway.Tests;

/// <summary>What a service behind the gateway received.</summary>
public sealed record EchoedRequest(string Service, string Method, string Path, string Query, Dictionary<string, string> Headers, long BodyLength)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static async Task<EchoedRequest> ReadAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<EchoedRequest>(JsonSerializerOptions.Web))!;
}

/// <summary>
/// A real HTTP server on loopback standing in for a service: it answers every request with what it received, and
/// serves a small API document at /openapi/v1.json like the services do.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoBackend(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<EchoBackend> StartAsync(string service)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();

        app.MapGet("/openapi/v1.json", (HttpRequest request) => Results.Json(new
        {
            openapi = "3.1.1",
            info = new { title = $"{service} (echo)", version = "v1" },
            paths = new { },
            forwardedPrefix = request.Headers["X-Forwarded-Prefix"].ToString(),
        }));
        app.Map("/{**path}", async (HttpContext context) =>
        {
            long length = 0;
            var buffer = new byte[8192];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0) length += read;
            return Results.Json(new EchoedRequest(
                service,
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()),
                length), JsonSerializerOptions.Web);
        });

        await app.StartAsync();
        return new EchoBackend(app, new Uri(app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
