using Yarp.ReverseProxy.Configuration;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Gives each cluster of the proxy configuration the address the orchestrator injected for the service of the same
/// name, Aspire style: cluster <c>intake</c> goes to <c>services:intake:http:0</c> (env <c>services__intake__http__0</c>).
/// A cluster with destinations of its own in configuration keeps them.
/// </summary>
internal sealed class ServiceAddressConfigFilter(IConfiguration configuration) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.Destinations is { Count: > 0 }) return ValueTask.FromResult(cluster);

        return ValueTask.FromResult(cluster with
        {
            Destinations = new Dictionary<string, DestinationConfig>
            {
                [cluster.ClusterId] = new() { Address = AddressOf(configuration, cluster.ClusterId) },
            },
        });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);

    /// <summary>Checks every configured cluster at start, so a missing address stops the gateway with a clear message.</summary>
    public static void EnsureAddresses(IConfiguration configuration)
    {
        foreach (var cluster in configuration.GetSection("ReverseProxy:Clusters").GetChildren())
        {
            if (!cluster.GetSection("Destinations").GetChildren().Any()) AddressOf(configuration, cluster.Key);
        }
    }

    private static string AddressOf(IConfiguration configuration, string service)
    {
        var key = $"services:{service}:http:0";
        var address = configuration[key];
        if (!Uri.TryCreate(address, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException(
                $"Cluster '{service}' has no address: set {key} (environment variable services__{service}__http__0) " +
                "to the service's URL, e.g. http://127.0.0.1:5101.");
        }
        return address!;
    }
}
