using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Platform.Gateway.Auth;

/// <summary>Names shared by both authentication schemes, the policies and the header stamping.</summary>
public static class GatewayAuth
{
    /// <summary>Picks <see cref="ApiKeyScheme"/> or <see cref="StaffScheme"/> from what the request carries.</summary>
    public const string DefaultScheme = "ApiKeyOrBearer";
    public const string ApiKeyScheme = "ApiKey";
    /// <summary>Staff tokens signed with the development key (HMAC).</summary>
    public const string StaffScheme = JwtBearerDefaults.AuthenticationScheme;
    /// <summary>Staff tokens issued by an OpenID Connect provider.</summary>
    public const string OidcScheme = "StaffOidc";

    /// <summary>Authentication types of the identities the two schemes build; they tell an insurer from staff.</summary>
    public const string InsurerIdentity = "InsurerApiKey";
    public const string ClinicIdentity = "ClinicApiKey";
    public const string StaffIdentity = "StaffToken";

    public const string SubjectClaim = DevTokens.SubjectClaim;
    public const string RoleClaim = DevTokens.RoleClaim;
    public const string TenantClaim = DevTokens.TenantClaim;

    public const string TenantPolicy = "tenant";
    public const string AdminPolicy = "admin";
}

public static partial class TenantId
{
    /// <summary>Tenant ids are lowercase slugs: they travel in headers, URLs and Redis keys unescaped.</summary>
    public static bool IsValid(string? value) => value is not null && Slug().IsMatch(value);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Slug();
}

/// <summary>The verified caller, whichever scheme authenticated it.</summary>
public sealed record Caller(string ActorId, string ActorKind, string? TenantId, IReadOnlyList<string> Roles)
{
    public const string InsurerKind = "insurer";
    public const string StaffKind = "staff";
    public const string ClinicKind = "clinic";

    public static Caller? From(ClaimsPrincipal user)
    {
        var identity = user.Identities.FirstOrDefault(i =>
            i.IsAuthenticated && i.AuthenticationType is GatewayAuth.InsurerIdentity or GatewayAuth.ClinicIdentity or GatewayAuth.StaffIdentity);
        if (identity?.FindFirst(GatewayAuth.SubjectClaim)?.Value is not { Length: > 0 } actor) return null;

        var tenant = identity.FindFirst(GatewayAuth.TenantClaim)?.Value;
        var kind = identity.AuthenticationType switch
        {
            GatewayAuth.InsurerIdentity => InsurerKind,
            GatewayAuth.ClinicIdentity => ClinicKind,
            _ => StaffKind,
        };
        // Only a clinic's own API key acts as a clinic: a staff token naming the role does not.
        return new Caller(
            actor,
            kind,
            Platform.Gateway.Auth.TenantId.IsValid(tenant) ? tenant : null,
            identity.FindAll(GatewayAuth.RoleClaim).Select(c => c.Value)
                .Where(r => r.Length > 0 && (r != Microsoft.Extensions.Hosting.Roles.Clinic || kind == ClinicKind)).Distinct().ToArray());
    }
}
