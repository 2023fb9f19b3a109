using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The token of a link sent to someone without an account (a clinic acknowledging a guarantee letter, a transport
/// provider confirming a booking): it names the tenant, one record and an expiry, signed with HMAC-SHA256 under a
/// secret of at least 32 characters; the signature is compared in constant time. An anonymous endpoint takes the tenant
/// from the verified token only (there is no gateway identity to trust).
/// </summary>
public sealed class SignedTokens(string secret)
{
    public sealed record Claims(string TenantId, Guid Id, DateTimeOffset ExpiresAt);

    public string Create(string tenantId, Guid id, DateTimeOffset expiresAt)
    {
        var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id:N}.{expiresAt.ToUnixTimeSeconds()}.{tenantId}"));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Sign(payload));
    }

    /// <summary>The token's claims when its signature is right and it has not expired at <paramref name="now"/>; null otherwise (which of the two is not told).</summary>
    public Claims? Verify(string? token, DateTimeOffset now)
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
            !Guid.TryParseExact(id, "N", out var recordId) ||
            !long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) || tenant.Length == 0) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(Math.Min(unix, 253402300799));
        return expires <= now ? null : new Claims(tenant, recordId, expires);
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
}

/// <summary>The form a person posts from a signed link's page (application/x-www-form-urlencoded), or the problem to answer instead.</summary>
public static class SignedLinkForm
{
    /// <param name="fields">The fields the form carries, named in the problem when something else is sent.</param>
    public static async Task<(Microsoft.AspNetCore.Http.IFormCollection? Form, Microsoft.AspNetCore.Http.IResult? Problem)> ReadAsync(
        Microsoft.AspNetCore.Http.HttpRequest request, string fields, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            return (null, Microsoft.AspNetCore.Http.Results.Problem($"Send the form (application/x-www-form-urlencoded) with {fields}.",
                statusCode: Microsoft.AspNetCore.Http.StatusCodes.Status415UnsupportedMediaType, type: ProblemTypes.UnsupportedMediaType));
        try
        {
            return (await request.ReadFormAsync(ct), null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return (null, Problems.Validation("form", "The form could not be read."));
        }
    }
}
