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

    /// <summary>Whether <paramref name="address"/> is on the public internet: not loopback, private, link-local, shared or reserved.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224 ||                 // this network, private, loopback, multicast and reserved
                     b[0] == 100 && b[1] is >= 64 and <= 127 ||          // carrier-grade NAT
                     b[0] == 169 && b[1] == 254 ||                        // link-local, cloud metadata
                     b[0] == 172 && b[1] is >= 16 and <= 31 ||
                     b[0] == 192 && b[1] == 168 ||
                     b[0] == 192 && b[1] == 0 && b[2] is 0 or 2 ||        // IETF protocol assignments, documentation
                     b[0] == 198 && b[1] is 18 or 19);                    // benchmarking
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast ||
                     (b[0] & 0xFE) == 0xFC);                              // unique local fc00::/7
        }
        return false;
    }
}
