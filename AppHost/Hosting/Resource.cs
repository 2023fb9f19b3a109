using System.Net.Sockets;

namespace Platform.AppHost;

public enum ResourceState { Pending, Starting, Running, Failed, Exited, Stopping, Stopped }

/// <summary>Something AppHost starts (or, for a server the user passed, only waits for) and stops.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;
    public ResourceState State { get; internal set; } = ResourceState.Pending;

    /// <summary>Resources that must be healthy before this one starts.</summary>
    internal List<Resource> WaitsFor { get; } = [];

    internal LogSink Log { get; set; } = LogSink.AppHost;

    /// <summary>The builder it was added to, so child resources (a database of a server) can be added.</summary>
    internal DistributedApplicationBuilder Builder { get; set; } = null!;

    /// <summary>Starts the resource and returns once it is healthy; throws <see cref="ResourceFailedException"/> if it is not.</summary>
    internal abstract Task StartAsync(DistributedApplicationExecutionContext context, CancellationToken ct);

    internal virtual Task StopAsync() => Task.CompletedTask;

    /// <summary>How far down the dependency chain it sits: started from 0 up, servers stopped from the top down.</summary>
    internal int Depth => WaitsFor.Count == 0 ? 0 : WaitsFor.Max(r => r.Depth) + 1;

    /// <summary>For the status table.</summary>
    internal abstract string Endpoint { get; }
    internal virtual string Pid => "";

    internal virtual IEnumerable<ChildProcess> Processes => [];

    /// <summary>Started by this AppHost (false for a server the user passed a connection string for).</summary>
    internal virtual bool Local => true;

    /// <summary>Checks a local port is free before a server is started on it, naming what holds it if not.</summary>
    protected void EnsurePortFree(int port)
    {
        if (!PortOpen("127.0.0.1", port)) return;
        throw new ResourceFailedException(this,
            $"port {port} is already in use{Holder(port)}. Another `./platform up` or `./platform test` may be running " +
            "(they use the same ports and cannot run at the same time), or another server listens there" +
            (this is IResourceWithConnectionString ? $": to use that server, pass its connection string as ConnectionStrings__{Name}." : "."));
    }

    internal static bool PortOpen(string host, int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(host, port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    private static string Holder(int port)
    {
        // `ss -p` names the listening process (best effort: iproute2 may be missing, or the owner another user).
        try
        {
            using var ss = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ss", ["-Hltnp", $"sport = :{port}"])
            { RedirectStandardOutput = true, RedirectStandardError = true });
            var text = ss!.StandardOutput.ReadToEnd();
            ss.WaitForExit();
            var match = System.Text.RegularExpressions.Regex.Match(text, "pid=(\\d+)");
            if (match.Success && ChildProcess.CommandLine(int.Parse(match.Groups[1].Value)) is { } cmd)
                return $" by pid {match.Groups[1].Value} ({(cmd.Length > 120 ? cmd[..120] + "..." : cmd)})";
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        return "";
    }

    /// <summary>Polls <paramref name="probe"/> until it succeeds, the child exits, or the timeout passes.</summary>
    private protected async Task WaitHealthyAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, ChildProcess? child,
        string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (child is { HasExited: true })
                throw new ResourceFailedException(this, $"exited with code {child.Exited.Result} before it was {what}");
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    if (await probe(attempt.Token)) return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LastProbeError = e.Message;
                }
            }
            if (DateTime.UtcNow > deadline)
                throw new ResourceFailedException(this, $"was not {what} within {timeout.TotalSeconds:0} s" +
                                                        (LastProbeError is null ? "" : $" (last check: {LastProbeError})"));
            await Task.Delay(250, ct);
        }
    }

    protected string? LastProbeError { get; set; }
}

/// <summary>A resource that other resources get a connection string for (<c>ConnectionStrings__{Name}</c>).</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }
    string ConnectionString { get; }
}

public sealed class ResourceFailedException(Resource resource, string message) : Exception(message)
{
    public Resource Resource { get; } = resource;
}

public static class ResourceExtensions
{
    /// <summary>Starts <paramref name="resource"/> only once <paramref name="dependency"/> is healthy.</summary>
    public static T WaitFor<T>(this T resource, Resource dependency) where T : Resource
    {
        resource.WaitsFor.Add(dependency);
        return resource;
    }
}
