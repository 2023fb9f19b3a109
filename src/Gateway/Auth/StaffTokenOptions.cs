namespace Platform.Gateway.Auth;

/// <summary>
/// Staff tokens signed with a shared HMAC-SHA256 key (configuration section <c>Auth:Jwt</c>): development, tests, the
/// local orchestrator and <c>mint-token</c>. Production takes staff tokens from an identity provider
/// (<see cref="OidcStaffTokenOptions"/>) and leaves this key unset.
/// </summary>
public sealed class StaffTokenOptions
{
    public const string Section = "Auth:Jwt";

    /// <summary>HMAC-SHA256 key, at least 32 characters. Never in appsettings.json: a secret wherever it is set.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = DevTokens.DefaultIssuer;

    public string Audience { get; set; } = DevTokens.DefaultAudience;

    public bool HasValidKey => SigningKey is { Length: >= DevTokens.MinimumKeyLength };

    public bool HasKey => !string.IsNullOrEmpty(SigningKey);

    public const string InvalidKeyMessage =
        "Auth:Jwt:SigningKey is missing or shorter than 32 characters: set Auth__Jwt__SigningKey.";

    public const string NoStaffTokensMessage =
        "Staff tokens cannot be verified: set Auth__Oidc__Authority (an OpenID Connect identity provider) or " +
        "Auth__Jwt__SigningKey (a shared key of at least 32 characters, for development).";
}

/// <summary>
/// Staff tokens issued by an OpenID Connect identity provider (configuration section <c>Auth:Oidc</c>): verified with
/// the keys its discovery document publishes (JWKS, RS256/ES256 and the other asymmetric algorithms), refreshed by the
/// JWT bearer handler when the provider rotates them.
/// </summary>
public sealed class OidcStaffTokenOptions
{
    public const string Section = "Auth:Oidc";

    /// <summary>The provider's issuer URL, e.g. <c>https://sso.example.com/realms/medassist</c> (Keycloak). Empty: off.</summary>
    public string? Authority { get; set; }

    /// <summary>The discovery document, when it is not at <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The expected <c>iss</c>; empty: the issuer named by the discovery document.</summary>
    public string? Issuer { get; set; }

    /// <summary>The expected <c>aud</c>: the platform's API as the provider names it.</summary>
    public string Audience { get; set; } = DevTokens.DefaultAudience;

    /// <summary>Where the roles are: a claim name (<c>roles</c>) or a path into a JSON claim (<c>realm_access.roles</c>).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim (or path) naming the insurer the staff member acts for, when the provider issues one.</summary>
    public string TenantClaim { get; set; } = GatewayAuth.TenantClaim;

    /// <summary>The claim (or path) identifying the staff member in the services' records (X-Actor-Id).</summary>
    public string ActorClaim { get; set; } = GatewayAuth.SubjectClaim;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress);
}
