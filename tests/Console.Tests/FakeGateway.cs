using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Platform.Console.Tests;

/// <summary>
/// Stands in for the gateway on a loopback port: <c>GET /auth/me</c> answers from the token's claims as the gateway
/// does (a subject starting "insurer" is an insurer's key, "refused" a token the gateway rejects), and
/// <c>GET /api/list</c> records who asked (with the query), so the console's sharing of live lists can be measured.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<(string Path, string Subject, string Roles)> Requests { get; } = new();

    public Uri Address { get; }

    private FakeGateway(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeGateway? gateway = null;

        app.MapGet("/auth/me", (HttpContext context) =>
        {
            if (Caller(context) is not { } token) return Results.Unauthorized();
            var subject = token.Subject;
            gateway!.Requests.Enqueue(("/auth/me", subject, Roles(token)));
            if (subject.StartsWith("refused", StringComparison.Ordinal)) return Results.Unauthorized();
            return subject.StartsWith("insurer", StringComparison.Ordinal)
                ? Results.Ok(new { actorId = "key-1", actorKind = "insurer", tenantId = "acme", roles = new[] { "insurer" } })
                : Results.Ok(new
                {
                    actorId = subject,
                    actorKind = "staff",
                    tenantId = token.TryGetPayloadValue<string>("tenant", out var tenant) ? tenant : null,
                    roles = token.Claims.Where(c => c.Type == "role").Select(c => c.Value).ToArray(),
                });
        });
        app.MapGet("/api/list", (HttpContext context) =>
        {
            if (Caller(context) is not { } token) return Results.Unauthorized();
            gateway!.Requests.Enqueue(("/api/list" + context.Request.QueryString, token.Subject, Roles(token)));
            return token.Subject.StartsWith("refused", StringComparison.Ordinal)
                ? Results.Problem(statusCode: 401, title: "Unauthenticated.", detail: "The token has expired.")
                : Results.Ok(new[] { new { name = "for " + Roles(token) } });
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway = new FakeGateway(app, new Uri(address));
        return gateway;
    }

    private static JsonWebToken? Caller(HttpContext context) =>
        context.Request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
            ? new JsonWebToken(header[7..])
            : null;

    private static string Roles(JsonWebToken token) => string.Join(',', token.Claims.Where(c => c.Type == "role").Select(c => c.Value).Order());

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
