using Microsoft.Extensions.Options;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// The signed link on a letter and in its e-mail: the clinic opens it to check the letter is genuine and in force, and
/// to accept or refuse it, without an account. The token (<see cref="SignedTokens"/>) names the tenant, the letter and
/// an expiry, signed under <see cref="GuaranteeOptions.LinkSecret"/>; the endpoint is anonymous, so the tenant is taken
/// from the verified token only.
/// </summary>
public sealed class AcknowledgementLinks(IOptions<GuaranteeOptions> options, TimeProvider clock)
{
    public sealed record Claims(string TenantId, Guid LetterId, DateTimeOffset ExpiresAt);

    private SignedTokens Tokens => new(options.Value.LinkSecret!);

    public string Token(string tenantId, Guid letterId) => Tokens.Create(tenantId, letterId, clock.GetUtcNow() + options.Value.LinkValidFor);

    public string Url(string tenantId, Guid letterId) =>
        $"{options.Value.PublicBaseUrl!.TrimEnd('/')}/guarantees/acknowledge?token={Token(tenantId, letterId)}";

    /// <summary>The token's claims when its signature is right and it has not expired; null otherwise (which of the two is not told).</summary>
    public Claims? Verify(string? token) =>
        Tokens.Verify(token, clock.GetUtcNow()) is { } c ? new Claims(c.TenantId, c.Id, c.ExpiresAt) : null;
}
