using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Microsoft.Extensions.Hosting;

/// <summary>Section <c>Gateway</c> of the gateway and of every service behind it.</summary>
public sealed class GatewayStampOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// The secret the gateway signs the identity it stamps with and the services check it by, at least 32 characters
    /// (environment <c>Gateway__IdentitySecret</c>; a Kubernetes secret, an AppHost parameter locally).
    /// </summary>
    [Required, MinLength(32)]
    public string? IdentitySecret { get; set; }
}

/// <summary>
/// The gateway's signature over the identity it stamps: HMAC-SHA256 of the time, the method, the path and query and
/// the identity headers, in <c>X-Gateway-Stamp: t=unix-seconds,s=base64url</c>. A service accepts stamped identity
/// headers only with a valid signature less than <see cref="MaxAge"/> old, so nobody who can reach a service without
/// passing the gateway can speak for a tenant, and a captured stamp is good for one request line for a minute.
/// </summary>
public static class GatewayStamp
{
    public const string Header = "X-Gateway-Stamp";

    /// <summary>How old a stamp may be (either way: the clocks of the gateway and the service may differ a little).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    public static string Sign(string secret, DateTimeOffset now, string method, string pathAndQuery, RequestIdentity identity)
    {
        var time = now.ToUnixTimeSeconds();
        return $"t={time.ToString(CultureInfo.InvariantCulture)},s={Mac(secret, time, method, pathAndQuery, identity)}";
    }

    /// <summary>Null when the stamp is valid for this request, else why not (for the log, never for the caller).</summary>
    public static string? Verify(string secret, string? stamp, DateTimeOffset now, string method, string pathAndQuery, RequestIdentity identity)
    {
        if (string.IsNullOrEmpty(stamp)) return "no gateway stamp";
        var parts = stamp.Split(',', 2);
        if (parts is not [var t, var s] || !t.StartsWith("t=", StringComparison.Ordinal) || !s.StartsWith("s=", StringComparison.Ordinal) ||
            !long.TryParse(t.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var time))
            return "a malformed gateway stamp";
        if (Math.Abs(now.ToUnixTimeSeconds() - time) > MaxAge.TotalSeconds) return "an expired gateway stamp";
        var expected = Encoding.ASCII.GetBytes(Mac(secret, time, method, pathAndQuery, identity));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s[2..])) ? null : "a gateway stamp that does not match";
    }

    private static string Mac(string secret, long time, string method, string pathAndQuery, RequestIdentity identity)
    {
        var message = string.Join('\n', time.ToString(CultureInfo.InvariantCulture), method.ToUpperInvariant(), pathAndQuery,
            identity.TenantId, identity.ActorId, identity.ActorKind, string.Join(',', identity.Roles));
        return Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));
    }
}
