using System.Net;
using System.Net.Sockets;

namespace Platform.Cases.Webhooks;

/// <summary>
/// Where webhook requests may go. Insurers choose the URLs, so without this a subscription to http://intake:8080 or
/// http://169.254.169.254 would make the platform call its own services or the cloud metadata endpoint. The address
/// is checked when connecting, after name resolution, so a name that later resolves elsewhere gains nothing.
/// </summary>
public static class WebhookEgress
{
    public static SocketsHttpHandler CreateHandler(bool allowPrivateNetworks) => new()
    {
        // A redirect would be followed without the checks a subscription gets; receivers answer, they do not redirect.
        AllowAutoRedirect = false,
        // The address check must see the real destination, which a proxy would hide.
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var allowed = addresses.Where(a => allowPrivateNetworks || IsPublic(a)).ToArray();
            if (allowed.Length == 0)
                throw new HttpRequestException($"{host} resolves to no public address; webhooks are not sent to private networks.");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>
    /// Whether <paramref name="address"/> is on the public internet: not loopback, private, link-local, shared or
    /// reserved, including where an IPv6 address only wraps an IPv4 one that is not public (IPv4-mapped ::ffff:a.b.c.d,
    /// NAT64 64:ff9b::a.b.c.d, 6to4 2002:aabb:ccdd::): a translator or relay on the way would take it there.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsPublicV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;

        var b = address.GetAddressBytes();
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC) return false; // fc00::/7 unique local
        // ::/96: the unspecified address, loopback and the deprecated IPv4-compatible form (::a.b.c.d), which nothing
        // routes any more; none is a webhook receiver.
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return false;
        // NAT64, well-known prefix 64:ff9b::/96: the IPv4 address is the last four bytes.
        if (b.AsSpan(0, 12).SequenceEqual(Nat64WellKnown)) return IsPublicV4(b[12..16]);
        // NAT64 for local use, 64:ff9b:1::/48 (RFC 8215): a network's own translator, private by definition.
        if (b.AsSpan(0, 6).SequenceEqual(Nat64Local)) return false;
        // 6to4, 2002::/16: the relay's IPv4 address follows the prefix.
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(b[2..6]);
        // Teredo, 2001::/32: tunnels through IPv4 NAT to addresses that are hard to check; no receiver needs it.
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) return false;
        // Documentation, 2001:db8::/32; discard-only, 100::/64.
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;
        if (b[0] == 0x01 && b[1] == 0 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0) return false;
        return true;
    }

    private static readonly byte[] Nat64WellKnown = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] Nat64Local = [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01];

    private static bool IsPublicV4(byte[] b) =>
        !(b[0] is 0 or 10 or 127 or >= 224 ||                 // this network, private, loopback, multicast and reserved
          b[0] == 100 && b[1] is >= 64 and <= 127 ||          // carrier-grade NAT
          b[0] == 169 && b[1] == 254 ||                        // link-local, cloud metadata
          b[0] == 172 && b[1] is >= 16 and <= 31 ||
          b[0] == 192 && b[1] == 168 ||
          b[0] == 192 && b[1] == 0 && b[2] is 0 or 2 ||        // IETF protocol assignments, documentation
          b[0] == 198 && b[1] is 18 or 19 ||                   // benchmarking
          b[0] == 198 && b[1] == 51 && b[2] == 100 ||          // documentation
          b[0] == 203 && b[1] == 0 && b[2] == 113);            // documentation
}
