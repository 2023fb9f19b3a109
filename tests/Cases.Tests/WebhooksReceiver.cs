using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Cases.Tests;

/// <summary>A request as the insurer's endpoint received it.</summary>
public sealed record ReceivedWebhook(string Path, string? Id, string? Timestamp, string? Signature, string Body, DateTimeOffset At, int AnsweredWith)
{
    /// <summary>Verifies the signature as an insurer would, from the documented scheme rather than our code.</summary>
    public bool IsSignedWith(string secret) =>
        Timestamp is not null && Signature is not null &&
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Signature),
            Encoding.ASCII.GetBytes("sha256=" + Convert.ToHexStringLower(
                HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{Timestamp}.{Body}")))));
}

/// <summary>
/// A real HTTP server on a free loopback port, standing in for insurers' endpoints: every path records what it gets;
/// a path can be told to fail its next requests, or always.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _failNext = new();
    private readonly ConcurrentDictionary<string, int> _failAlways = new();

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();
    public Uri BaseAddress { get; }

    private WebhookReceiver(WebApplication app, Uri baseAddress) => (_app, BaseAddress) = (app, baseAddress);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value!;
            var status = receiver!.StatusFor(path);
            var headers = context.Request.Headers;
            receiver.Received.Enqueue(new ReceivedWebhook(path, headers["X-Webhook-Id"], headers["X-Webhook-Timestamp"],
                headers["X-Webhook-Signature"], body, DateTimeOffset.UtcNow, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new WebhookReceiver(app, new Uri(address));
        return receiver;
    }

    public string Url(string path) => new Uri(BaseAddress, path).AbsoluteUri;

    public void FailNext(string path, params int[] statuses) => _failNext[path] = new ConcurrentQueue<int>(statuses);

    public void FailAlways(string path, int status) => _failAlways[path] = status;

    public ReceivedWebhook[] At(string path) => Received.Where(r => r.Path == path).ToArray();

    private int StatusFor(string path)
    {
        if (_failAlways.TryGetValue(path, out var always)) return always;
        if (_failNext.TryGetValue(path, out var queue) && queue.TryDequeue(out var next)) return next;
        return StatusCodes.Status204NoContent;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
