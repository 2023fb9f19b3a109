using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Platform.AppHost.Infrastructure;

/// <summary>
/// A server the operator runs (<c>ConnectionStrings__{name}</c>): nothing is installed or started for it; it is
/// "Running" from the start and healthy once it answers, and until then its health check says why it does not.
/// </summary>
public sealed class ExternalServerResource(string name, string connectionString) : Resource(name), IResourceWithConnectionString
{
    public string ConnectionString { get; } = connectionString;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{ConnectionString}");
}

/// <summary>What the three local servers share: where their state lives, how they are probed, and how a tool is run.</summary>
public static class Servers
{
    /// <summary>
    /// The user's server when <c>ConnectionStrings:{name}</c> is set, else <paramref name="local"/> (created only then,
    /// so a missing Debian package is not an error for someone who brings their own server).
    /// </summary>
    internal static IResourceBuilder<IResourceWithConnectionString> LocalOrExternal<T>(
        IDistributedApplicationBuilder builder, string name, string kind,
        Func<string, CancellationToken, Task> probe, Func<IResourceBuilder<T>> local)
        where T : IResourceWithConnectionString
    {
        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 } connectionString)
        {
            var external = builder.AddResource(new ExternalServerResource(name, connectionString))
                .WithInitialState(new CustomResourceSnapshot
                {
                    ResourceType = kind + " (yours)",
                    State = KnownResourceStates.Starting,
                    Properties = [],
                });
            // Not started by anyone: running as soon as the model is, so the health checks below start probing it.
            builder.Eventing.Subscribe<InitializeResourceEvent>(external.Resource, (e, _) =>
                e.Notifications.PublishUpdateAsync(e.Resource, s => s with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                }));
            return external.WithProbe(kind, (ct) => probe(connectionString, ct), $"your {kind} (ConnectionStrings__{name})");
        }

        var resource = local();
        return builder.CreateResourceBuilder<IResourceWithConnectionString>(resource.Resource)
            .WithProbe(kind, async ct => await probe(await resource.Resource.ConnectionStringExpression.GetValueAsync(ct) ?? "", ct), $"the local {kind}");
    }

    /// <summary>
    /// A health check that runs <paramref name="probe"/>. Besides the dashboard, the AppHost's console hears of a server
    /// that has not answered for 10 s (and every 30 s while that lasts), so a wait for a server that never comes is
    /// never silent; a server that is only starting says nothing.
    /// </summary>
    public static IResourceBuilder<T> WithProbe<T>(this IResourceBuilder<T> builder, string kind, Func<CancellationToken, Task> probe, string what)
        where T : IResource
    {
        var key = $"{builder.Resource.Name}_reachable";
        var name = builder.Resource.Name;
        var failingSince = (DateTime?)null;
        var lastSaid = DateTime.MinValue;
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, sp => new ProbeHealthCheck(async ct =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.AppHost.Servers");
            try
            {
                await probe(ct);
                if (failingSince is not null && lastSaid > failingSince) logger.LogInformation("{Resource}: {What} answers now", name, what);
                failingSince = null;
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var problem = $"{kind} '{name}' ({what}) does not answer: {(e is InvalidOperationException ? e : e.GetBaseException()).Message}";
                var now = DateTime.UtcNow;
                failingSince ??= now;
                if (now - failingSince > TimeSpan.FromSeconds(10) && now - lastSaid > TimeSpan.FromSeconds(30))
                {
                    logger.LogWarning("{Problem} (for {Seconds:0} s now)", problem, (now - failingSince.Value).TotalSeconds);
                    lastSaid = now;
                }
                return HealthCheckResult.Unhealthy(problem);
            }
        }), HealthStatus.Unhealthy, tags: null, timeout: TimeSpan.FromSeconds(10)));
        return builder.WithHealthCheck(key);
    }

    private sealed class ProbeHealthCheck(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            check(cancellationToken);
    }

    /// <summary>Endpoint of a server that binds its own port on 127.0.0.1 (no proxy in front of it).</summary>
    internal static IResourceBuilder<T> WithLoopbackPort<T>(this IResourceBuilder<T> builder, int port) where T : IResourceWithEndpoints =>
        builder.WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithEndpoint("tcp", e => e.TargetHost = "127.0.0.1");

    /// <summary>
    /// Refuses to start a server on a port something else already holds, naming the way out. A port that is only being
    /// let go of (the same server stopped a moment ago, from the dashboard or a test) is waited for, up to 15 s.
    /// </summary>
    internal static void EnsurePortFree(string resource, int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!CanBind(port))
        {
            if (DateTime.UtcNow > deadline)
                throw new DistributedApplicationException(
                    $"{resource}: port 127.0.0.1:{port} is already in use (another `./platform up`, or a server of your own). " +
                    $"Stop it, or use that server by setting ConnectionStrings__{resource}.");
            Thread.Sleep(250);
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // as servers do: TIME_WAIT is no obstacle
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Runs a set-up tool (initdb, chown) to completion, writing its output to the resource's log.</summary>
    internal static async Task<int> RunAsync(ILogger log, string[] command, CancellationToken ct)
    {
        var (file, args) = (command[0], command[1..]);
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) log.LogInformation("{Line}", e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) log.LogWarning("{Line}", e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }

    internal static bool IsRoot => Environment.UserName == "root";

    /// <summary>The <c>Endpoint=</c> of a connection string such as the mail server's or the SMS provider's.</summary>
    internal static Uri EndpointOf(string connectionString, string example) =>
        connectionString.Split(';').Select(p => p.Split('=', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("Endpoint", StringComparison.OrdinalIgnoreCase)) is { } endpoint
        && Uri.TryCreate(endpoint[1].Trim(), UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"the connection string has no Endpoint={example}");

    /// <summary>The repository's root: the nearest folder above <paramref name="start"/> (else above this assembly) with the tool manifest.</summary>
    internal static string RepositoryRoot(string start)
    {
        foreach (var from in new[] { start, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json"))) return dir.FullName;
        throw new DistributedApplicationException($"No .config/dotnet-tools.json above {start}: is this the repository?");
    }
}
