using System.ComponentModel.DataAnnotations;

namespace Platform.Console;

/// <summary>
/// <c>Console</c> section. <c>GatewayUrl</c>: where the console calls the platform (it calls nothing else; the
/// gateway authenticates each call with the person's own staff token). <c>PathBase</c>: the path the gateway serves
/// the console under. <c>DevSignIn</c>: a sign-in form that mints a development staff token with
/// <c>Auth:Jwt:SigningKey</c>, for a platform without an identity provider; never on in production.
/// <c>QueueRefresh</c>: how often an open work queue or board asks the gateway for changes.
/// </summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    [Required]
    public Uri? GatewayUrl { get; set; }

    [RegularExpression("^/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$", ErrorMessage = "Console:PathBase is a path such as /console.")]
    public string PathBase { get; set; } = "/console";

    public bool DevSignIn { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.200", "00:05:00")]
    public TimeSpan QueueRefresh { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// <c>Auth:Oidc</c>: the identity provider staff sign in with (authorization code flow with PKCE). Its access token
/// must be one the gateway accepts (same issuer and audience as the gateway's <c>Auth:Oidc</c>).
/// </summary>
public sealed class ConsoleOidcOptions
{
    public const string Section = "Auth:Oidc";

    public string? Authority { get; set; }
    public string? MetadataAddress { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides <c>openid profile</c>, space-separated (e.g. the API's scope).</summary>
    public string? Scope { get; set; }

    public bool Configured => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress);
}
