using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace Platform.Gateway.Auth;

/// <summary>
/// The two ways a staff token is verified: the development key (<see cref="GatewayAuth.StaffScheme"/>, HMAC) and an
/// OpenID Connect provider (<see cref="GatewayAuth.OidcScheme"/>). Both end in the same identity: <c>sub</c> (the
/// actor), <c>role</c> claims and an optional <c>tenant</c>, which <see cref="Caller"/> reads.
/// </summary>
internal static class StaffTokens
{
    /// <summary>Algorithms accepted from the provider: asymmetric only, so no shared secret can sign a staff token.</summary>
    public static readonly string[] ProviderAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>The scheme for a bearer token: by the token's algorithm when both ways are configured.</summary>
    public static string SchemeFor(HttpContext context)
    {
        var services = context.RequestServices;
        var oidc = services.GetRequiredService<IOptions<OidcStaffTokenOptions>>().Value;
        if (!oidc.Enabled) return GatewayAuth.StaffScheme;
        if (!services.GetRequiredService<IOptions<StaffTokenOptions>>().Value.HasKey) return GatewayAuth.OidcScheme;

        var authorization = context.Request.Headers[HeaderNames.Authorization].ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
        try
        {
            return new JsonWebToken(token).Alg?.StartsWith("HS", StringComparison.Ordinal) == true
                ? GatewayAuth.StaffScheme
                : GatewayAuth.OidcScheme;
        }
        catch (ArgumentException)
        {
            // Not a JWT: either scheme refuses it.
            return GatewayAuth.OidcScheme;
        }
    }

    public static void ConfigureDevelopmentKey(JwtBearerOptions jwt, StaffTokenOptions options)
    {
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKey = options.HasValidKey ? DevTokens.SigningKey(options.SigningKey) : null,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = GatewayAuth.SubjectClaim,
            RoleClaimType = GatewayAuth.RoleClaim,
            AuthenticationType = GatewayAuth.StaffIdentity,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    public static void ConfigureProvider(JwtBearerOptions jwt, OidcStaffTokenOptions options, bool isDevelopment)
    {
        if (!options.Enabled) return;
        // Discovery document and JWKS are fetched, cached and refreshed (also when a token names an unknown key) by the
        // handler's configuration manager.
        jwt.Authority = string.IsNullOrWhiteSpace(options.Authority) ? null : options.Authority;
        if (!string.IsNullOrWhiteSpace(options.MetadataAddress)) jwt.MetadataAddress = options.MetadataAddress;
        jwt.Audience = options.Audience;
        jwt.RequireHttpsMetadata = !isDevelopment;
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            // Null: the issuer the discovery document names.
            ValidIssuer = string.IsNullOrWhiteSpace(options.Issuer) ? null : options.Issuer,
            ValidAudience = options.Audience,
            ValidAlgorithms = ProviderAlgorithms,
            NameClaimType = GatewayAuth.SubjectClaim,
            RoleClaimType = GatewayAuth.RoleClaim,
            AuthenticationType = GatewayAuth.StaffIdentity,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        jwt.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.SecurityToken is not JsonWebToken token || Identity(token, options) is not { } identity)
                {
                    context.Fail($"The token carries no '{options.ActorClaim}' claim.");
                    return Task.CompletedTask;
                }
                context.Principal = new ClaimsPrincipal(identity);
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// The platform's staff identity from a provider's token, with the configured claims. Roles the platform does not
    /// know (a provider's own, such as offline_access) are left out: they would only travel to the services as noise.
    /// </summary>
    public static ClaimsIdentity? Identity(JsonWebToken token, OidcStaffTokenOptions options)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        var actor = Values(payload.RootElement, options.ActorClaim).FirstOrDefault();
        if (string.IsNullOrWhiteSpace(actor)) return null;

        var claims = new List<Claim> { new(GatewayAuth.SubjectClaim, actor) };
        claims.AddRange(Values(payload.RootElement, options.RoleClaim)
            .Where(r => Microsoft.Extensions.Hosting.Roles.All.Contains(r, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Select(r => new Claim(GatewayAuth.RoleClaim, r)));
        if (Values(payload.RootElement, options.TenantClaim).FirstOrDefault() is { Length: > 0 } tenant)
            claims.Add(new Claim(GatewayAuth.TenantClaim, tenant));
        return new ClaimsIdentity(claims, GatewayAuth.StaffIdentity, GatewayAuth.SubjectClaim, GatewayAuth.RoleClaim);
    }

    /// <summary>
    /// The strings at a claim name or a dotted path into nested objects (<c>realm_access.roles</c>). A claim whose name
    /// itself contains dots wins over the path.
    /// </summary>
    public static IEnumerable<string> Values(JsonElement payload, string path)
    {
        if (!payload.TryGetProperty(path, out var value))
        {
            value = payload;
            foreach (var segment in path.Split('.'))
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value)) return [];
            }
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray(),
            JsonValueKind.Number => [value.GetRawText()],
            _ => [],
        };
    }
}
