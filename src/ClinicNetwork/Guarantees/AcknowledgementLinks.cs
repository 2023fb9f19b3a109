using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// The signed link on a letter and in its e-mail: the clinic opens it to check the letter is genuine and in force, and
/// to accept or refuse it, without an account. The token names the tenant, the letter and an expiry, signed with
/// HMAC-SHA256 under <see cref="GuaranteeOptions.LinkSecret"/>; the signature is compared in constant time, and the
/// tenant is taken from the verified token only (the endpoint is anonymous: no gateway identity to trust).
/// </summary>
public sealed class AcknowledgementLinks(IOptions<GuaranteeOptions> options, TimeProvider clock)
{
    public sealed record Claims(string TenantId, Guid LetterId, DateTimeOffset ExpiresAt);

    public string Token(string tenantId, Guid letterId)
    {
        var expires = clock.GetUtcNow() + options.Value.LinkValidFor;
        var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{letterId:N}.{expires.ToUnixTimeSeconds()}.{tenantId}"));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Sign(payload));
    }

    public string Url(string tenantId, Guid letterId) =>
        $"{options.Value.PublicBaseUrl!.TrimEnd('/')}/guarantees/acknowledge?token={Token(tenantId, letterId)}";

    /// <summary>The token's claims when its signature is right and it has not expired; null otherwise (which of the two is not told).</summary>
    public Claims? Verify(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024 || token.Split('.') is not [var body, var signature]) return null;
        byte[] payload, mac;
        try
        {
            payload = Base64Url.DecodeFromChars(body);
            mac = Base64Url.DecodeFromChars(signature);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(Sign(payload), mac)) return null;
        if (Encoding.UTF8.GetString(payload).Split('.', 3) is not [var id, var seconds, var tenant] ||
            !Guid.TryParseExact(id, "N", out var letterId) ||
            !long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) || tenant.Length == 0) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(Math.Min(unix, 253402300799));
        return expires <= clock.GetUtcNow() ? null : new Claims(tenant, letterId, expires);
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.LinkSecret!), payload);
}
