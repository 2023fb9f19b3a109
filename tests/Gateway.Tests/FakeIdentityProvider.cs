using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Gateway.Tests;

/// <summary>
/// An OpenID Connect provider as the gateway sees it, on a loopback port: a discovery document and a JWKS with one RSA
/// and one EC P-256 key, laid out like a Keycloak realm. Tests mint the tokens it would issue.
/// </summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    public const string Audience = "medassist-api";

    private readonly WebApplication _app;

    private FakeIdentityProvider(WebApplication app, string issuer)
    {
        _app = app;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public RsaSecurityKey RsaKey { get; } = new(RSA.Create(2048)) { KeyId = "rsa-1" };
    public ECDsaSecurityKey EcKey { get; } = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" };

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeIdentityProvider? provider = null;

        app.MapGet("/realms/test/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider!.Issuer,
            ["jwks_uri"] = $"{provider.Issuer}/protocol/openid-connect/certs",
            ["authorization_endpoint"] = $"{provider.Issuer}/protocol/openid-connect/auth",
            ["token_endpoint"] = $"{provider.Issuer}/protocol/openid-connect/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
        }));
        app.MapGet("/realms/test/protocol/openid-connect/certs", () => Results.Json(new { keys = provider!.PublicKeys() }));

        await app.StartAsync();
        provider = new FakeIdentityProvider(app, new Uri(app.Urls.Single()).GetLeftPart(UriPartial.Authority) + "/realms/test");
        return provider;
    }

    private object[] PublicKeys()
    {
        var rsa = RsaKey.Rsa.ExportParameters(false);
        var ec = EcKey.ECDsa.ExportParameters(false);
        return
        [
            new Dictionary<string, string>
            {
                ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = RsaKey.KeyId,
                ["n"] = Base64UrlEncoder.Encode(rsa.Modulus), ["e"] = Base64UrlEncoder.Encode(rsa.Exponent),
            },
            new Dictionary<string, string>
            {
                ["kty"] = "EC", ["use"] = "sig", ["alg"] = "ES256", ["kid"] = EcKey.KeyId, ["crv"] = "P-256",
                ["x"] = Base64UrlEncoder.Encode(ec.Q.X), ["y"] = Base64UrlEncoder.Encode(ec.Q.Y),
            },
        ];
    }

    public SigningCredentials Rs256 => new(RsaKey, SecurityAlgorithms.RsaSha256);
    public SigningCredentials Es256 => new(EcKey, SecurityAlgorithms.EcdsaSha256);

    /// <summary>A token as Keycloak issues it: roles under realm_access.roles, the tenant in a mapped claim.</summary>
    public string Mint(SigningCredentials credentials, string subject, string[] roles, string? tenant = null,
        string? issuer = null, string audience = Audience, TimeSpan? lifetime = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        var issuedAt = expires > now ? now : expires - TimeSpan.FromMinutes(5);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["preferred_username"] = subject,
            ["realm_access"] = new Dictionary<string, object> { ["roles"] = roles },
        };
        if (tenant is not null) claims["tenant"] = tenant;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = expires,
            Claims = claims,
            SigningCredentials = credentials,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        RsaKey.Rsa.Dispose();
        EcKey.ECDsa.Dispose();
    }
}
