namespace Platform.Gateway.Auth;

/// <summary>How staff tokens are verified (configuration section <c>Auth:Jwt</c>).</summary>
public sealed class StaffTokenOptions
{
    public const string Section = "Auth:Jwt";

    /// <summary>HMAC-SHA256 key, at least 32 characters. Never in appsettings.json: a secret in production.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = DevTokens.DefaultIssuer;

    public string Audience { get; set; } = DevTokens.DefaultAudience;

    public bool HasValidKey => SigningKey is { Length: >= DevTokens.MinimumKeyLength };

    public const string InvalidKeyMessage =
        "Auth:Jwt:SigningKey is missing or shorter than 32 characters: set Auth__Jwt__SigningKey.";
}
