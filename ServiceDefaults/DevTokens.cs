using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Mints staff tokens the gateway accepts (the gateway, the console's development sign-in, the AppHost and tests). For development, tests and the local orchestrator: in production staff
/// tokens come from the identity provider that holds the signing key.
/// </summary>
public static class DevTokens
{
    /// <summary>The claims of a staff token: who, with which roles, for which tenant (insurer or SMO).</summary>
    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";
    public const string TenantClaim = "tenant";

    public const string DefaultIssuer = "medassist-platform";
    public const string DefaultAudience = "medassist-api";
    public const int MinimumKeyLength = 32;

    public static string Mint(string signingKey, string subject, IEnumerable<string> roles, string? tenant = null,
        TimeSpan? lifetime = null, string issuer = DefaultIssuer, string audience = DefaultAudience)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        var key = SigningKey(signingKey);

        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromHours(8));
        // A negative lifetime mints an already expired token (for tests); the token must still start before it ends.
        var issuedAt = expires > now ? now : expires - TimeSpan.FromMinutes(1);

        var claims = new Dictionary<string, object>
        {
            [SubjectClaim] = subject,
            [RoleClaim] = roles.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).ToArray(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (!string.IsNullOrWhiteSpace(tenant)) claims[TenantClaim] = tenant;

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    public static SymmetricSecurityKey SigningKey(string? signingKey)
    {
        if (signingKey is null || signingKey.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"The signing key must have at least {MinimumKeyLength} characters.", nameof(signingKey));
        }
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey));
    }
}
