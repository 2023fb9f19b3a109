using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Console.Tests;

/// <summary>
/// An OpenID Connect provider on a loopback port, as much of one as the authorization code flow with PKCE needs:
/// discovery, keys (RSA), an authorization endpoint that signs in <see cref="NextUser"/> at once and answers with the
/// code (a test posts it back as the browser's form would), and a token endpoint that checks the PKCE verifier.
/// </summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "medassist-console";
    public const string ClientSecret = "console-client-secret";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "provider-key-1" };
    private readonly ConcurrentDictionary<string, (string Nonce, string Challenge, string RedirectUri, Person User)> _codes = new();

    public sealed record Person(string Subject, string Name, string[] Roles, string? Tenant);

    public Person NextUser { get; set; } = new("olga", "Olga Smirnova", ["coordinator"], "acme");

    public Uri Address { get; private set; } = null!;

    private FakeIdentityProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["jwks_uri"] = Issuer + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(_key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        _app.MapGet("/authorize", (HttpRequest request) =>
        {
            var query = request.Query;
            if (query["client_id"] != ClientId || query["response_type"] != "code" || query["code_challenge_method"] != "S256")
                return Results.BadRequest("unsupported request");
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = (query["nonce"]!, query["code_challenge"]!, query["redirect_uri"]!, NextUser);
            // What the browser would post back to the console (response_mode=form_post).
            return Results.Json(new { redirectUri = query["redirect_uri"].ToString(), code, state = query["state"].ToString() });
        });
        _app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret) return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            if (!_codes.TryRemove(form["code"]!, out var grant) || grant.RedirectUri != form["redirect_uri"])
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
            if (challenge != grant.Challenge) return Results.Json(new { error = "invalid_grant", error_description = "PKCE" }, statusCode: 400);

            var user = grant.User;
            var access = new Dictionary<string, object> { ["sub"] = user.Subject, ["role"] = user.Roles };
            if (user.Tenant is not null) access["tenant"] = user.Tenant;
            return Results.Json(new
            {
                token_type = "Bearer",
                expires_in = 3600,
                access_token = Sign(access, "medassist-api"),
                id_token = Sign(new Dictionary<string, object> { ["sub"] = user.Subject, ["name"] = user.Name, ["nonce"] = grant.Nonce }, ClientId),
            });
        });
    }

    private string Issuer => Address.ToString().TrimEnd('/');

    private string Sign(Dictionary<string, object> claims, string audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = audience,
        IssuedAt = DateTime.UtcNow,
        NotBefore = DateTime.UtcNow.AddSeconds(-5),
        Expires = DateTime.UtcNow.AddHours(1),
        Claims = claims,
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
    });

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var provider = new FakeIdentityProvider();
        await provider._app.StartAsync();
        provider.Address = new Uri(provider._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return provider;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
