using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace Platform.AppHost;

/// <summary>Where and how this AppHost runs: run mode (<c>up</c>) or test mode (<c>test [dotnet test args]</c>).</summary>
public sealed class DistributedApplicationExecutionContext
{
    internal DistributedApplicationExecutionContext(string repoRoot, bool isTestMode, IReadOnlyList<string> testArguments, string configuration)
    {
        RepoRoot = repoRoot;
        IsTestMode = isTestMode;
        TestArguments = testArguments;
        Configuration = configuration;
        // Test mode keeps its own state, wiped at each start, so a test run never sees the data of `./platform up`.
        StateDirectory = isTestMode ? Path.Combine(repoRoot, ".state", "test") : Path.Combine(repoRoot, ".state");
    }

    public string RepoRoot { get; }
    public bool IsTestMode { get; }
    public IReadOnlyList<string> TestArguments { get; }

    /// <summary>Build configuration the services are run from (the one AppHost itself was built with, by default).</summary>
    public string Configuration { get; }

    public string StateDirectory { get; }
    internal string PidDirectory => Path.Combine(StateDirectory, "pids");
    internal string LogDirectory => Path.Combine(StateDirectory, "logs");
    internal string BinDirectory => Path.Combine(StateDirectory, "bin");

    internal LogSink CreateLog(string name) => new(name, IsTestMode ? Path.Combine(LogDirectory, name + ".log") : null);
}

public sealed class DistributedApplicationBuilder
{
    private readonly List<Action> onReady = [];

    internal DistributedApplicationBuilder(string[] args)
    {
        var repoRoot = FindRepoRoot();
        var isTest = args is ["test", ..];
        var binConfiguration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent?.Name;
        Configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(repoRoot, "AppHost", "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var configuration = Configuration["PLATFORM_CONFIGURATION"] is { Length: > 0 } c ? c
            : binConfiguration is "Debug" or "Release" ? binConfiguration : "Release";
        ExecutionContext = new DistributedApplicationExecutionContext(repoRoot, isTest, isTest ? args[1..] : [], configuration);
    }

    /// <summary>AppHost/appsettings.json, then the environment (e.g. <c>ConnectionStrings__postgres</c>).</summary>
    public IConfiguration Configuration { get; }

    public DistributedApplicationExecutionContext ExecutionContext { get; }

    internal List<Resource> Resources { get; } = [];
    internal TestRun? TestRun { get; set; }

    public T AddResource<T>(T resource) where T : Resource
    {
        if (Resources.Any(r => r.Name == resource.Name))
            throw new InvalidOperationException($"A resource named '{resource.Name}' was already added.");
        resource.Builder = this;
        Resources.Add(resource);
        return resource;
    }

    /// <summary>A server the user passed (<c>ConnectionStrings__{name}</c>): then AppHost starts none of its own.</summary>
    internal string? ConnectionStringOf(string name) =>
        Configuration.GetConnectionString(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>Runs once every resource is healthy, after the status table (run mode only).</summary>
    public void OnReady(Action action) => onReady.Add(action);

    public DistributedApplication Build() => new(this, onReady);

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Platform.sln not found above AppHost or the current directory.");
    }
}

/// <summary>
/// Starts every resource once the ones it waits for are healthy, shows where everything runs, streams the logs, and on
/// Ctrl+C / SIGTERM stops services first, then the servers, leaving no process behind.
/// </summary>
public sealed class DistributedApplication
{
    private readonly DistributedApplicationBuilder builder;
    private readonly List<Action> onReady;
    private readonly DistributedApplicationExecutionContext context;
    private readonly CancellationTokenSource stopping = new();
    private int signals;

    internal DistributedApplication(DistributedApplicationBuilder builder, List<Action> onReady)
    {
        this.builder = builder;
        this.onReady = onReady;
        context = builder.ExecutionContext;
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    private IReadOnlyList<Resource> Resources => builder.Resources;

    public int Run() => RunAsync().GetAwaiter().GetResult();

    public async Task<int> RunAsync()
    {
        LogSink.NameWidth = Resources.Select(r => r.Name.Length).Append("apphost".Length).Max();
        using var instance = InstanceLock.TryAcquire(Path.Combine(context.RepoRoot, ".state"), context.IsTestMode ? "./platform test" : "./platform up");
        if (instance is null) return 2;

        // A killed AppHost leaves its children running: end them (both modes share ports), then clear test state.
        await ChildProcess.EndStrayGroupsAsync(Path.Combine(context.RepoRoot, ".state", "pids"));
        await ChildProcess.EndStrayGroupsAsync(Path.Combine(context.RepoRoot, ".state", "test", "pids"));
        if (context.IsTestMode && Directory.Exists(context.StateDirectory)) Directory.Delete(context.StateDirectory, recursive: true);
        Directory.CreateDirectory(context.StateDirectory);

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

        foreach (var resource in Resources) resource.Log = context.CreateLog(resource.Name);
        var clock = Stopwatch.StartNew();
        LogSink.AppHost.Write($"starting {Resources.Count} resources ({(context.IsTestMode ? "test mode, " : "")}{context.Configuration} build, state in {Relative(context.StateDirectory)})");
        if (context.IsTestMode) LogSink.AppHost.Write($"resource logs go to {Relative(context.LogDirectory)}/<name>.log");

        var exitCode = 0;
        try
        {
            if (!await StartAllAsync())
            {
                exitCode = signals > 0 ? 130 : 1;
                return exitCode;
            }
            LogSink.AppHost.Write(LogSink.Green($"all {Resources.Count} resources healthy in {clock.Elapsed.TotalSeconds:0.0} s"));
            PrintStatus();
            foreach (var resource in Resources) WatchForExit(resource);

            if (context.IsTestMode && builder.TestRun is { } tests)
            {
                exitCode = await tests.RunAsync(context, Resources, stopping.Token);
            }
            else
            {
                foreach (var action in onReady) action();
                LogSink.Plain("Press Ctrl+C to stop.");
                await Task.Delay(Timeout.Infinite, stopping.Token).ContinueWith(_ => { });
            }
            return exitCode;
        }
        finally
        {
            await StopAllAsync();
            foreach (var resource in Resources) resource.Log.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext signal)
    {
        signal.Cancel = true;
        if (Interlocked.Increment(ref signals) == 1)
        {
            LogSink.AppHost.Write($"{signal.Signal}: stopping (send it again to kill everything at once)");
            stopping.Cancel();
            return;
        }
        LogSink.AppHost.Write($"{signal.Signal} again: killing every child now");
        foreach (var resource in Resources)
        foreach (var child in resource.Processes)
            child.KillNow();
    }

    private async Task<bool> StartAllAsync()
    {
        var tasks = new Dictionary<Resource, Task>();
        foreach (var resource in Resources.OrderBy(r => r.Depth)) tasks[resource] = StartOneAsync(resource, tasks);

        var pending = tasks.Values.ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            if (done.IsCompletedSuccessfully) continue;
            if (stopping.IsCancellationRequested && done.IsCanceled) continue;

            var failure = done.Exception?.InnerException;
            stopping.Cancel();
            if (failure is ResourceFailedException rf)
            {
                rf.Resource.State = ResourceState.Failed;
                var where = rf.Resource.Log.FilePath is { } file ? $" (full log: {Relative(file)})" : "";
                LogSink.AppHost.Write(LogSink.Red($"{rf.Resource.Name} failed: {rf.Message}"));
                if (rf.Resource.Log.HasOutput) LogSink.Plain($"Last lines of {rf.Resource.Name}'s log{where}:\n{rf.Resource.Log.Tail()}");
            }
            else
            {
                LogSink.AppHost.Write(LogSink.Red($"start failed: {failure}"));
            }
            await Task.WhenAll(pending.Select(t => t.ContinueWith(_ => { })));
            return false;
        }
        return !stopping.IsCancellationRequested;
    }

    private async Task StartOneAsync(Resource resource, Dictionary<Resource, Task> started)
    {
        await Task.WhenAll(resource.WaitsFor.Select(d => started[d]));
        stopping.Token.ThrowIfCancellationRequested();
        resource.State = ResourceState.Starting;
        try
        {
            await resource.StartAsync(context, stopping.Token);
        }
        catch (Exception e) when (e is not ResourceFailedException and not OperationCanceledException)
        {
            throw new ResourceFailedException(resource, e.Message);
        }
        resource.State = ResourceState.Running;
    }

    private void WatchForExit(Resource resource)
    {
        foreach (var child in resource.Processes)
        {
            _ = child.Exited.ContinueWith(t =>
            {
                if (stopping.IsCancellationRequested) return;
                resource.State = ResourceState.Exited;
                LogSink.AppHost.Write(LogSink.Red($"{resource.Name} exited unexpectedly with code {t.Result}; the others keep running. Last lines:"));
                LogSink.Plain(resource.Log.Tail());
            }, TaskScheduler.Default);
        }
    }

    private async Task StopAllAsync()
    {
        stopping.Cancel();
        var clock = Stopwatch.StartNew();
        var toStop = Resources.Where(r => r.State is not ResourceState.Pending).ToList();
        if (toStop.Count == 0) return;
        LogSink.AppHost.Write("stopping services, then servers");
        // Services all at once (nothing depends on a service while everything stops), then the servers, deepest first.
        foreach (var level in toStop.GroupBy(r => r is ProjectResource ? int.MaxValue : r.Depth).OrderByDescending(g => g.Key))
        {
            await Task.WhenAll(level.Select(async r =>
            {
                r.State = ResourceState.Stopping;
                var took = Stopwatch.StartNew();
                try
                {
                    await r.StopAsync();
                    if (took.Elapsed > TimeSpan.FromSeconds(3)) LogSink.AppHost.Write($"{r.Name} took {took.Elapsed.TotalSeconds:0.0} s to stop");
                }
                catch (Exception e)
                {
                    LogSink.AppHost.Write($"{r.Name}: stop failed: {e.Message}");
                }
                r.State = ResourceState.Stopped;
            }));
        }
        LogSink.AppHost.Write($"stopped everything in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private void PrintStatus()
    {
        var rows = Resources.Select(r => (r.Name, r.Local ? r.State.ToString() : "external", r.Endpoint, r.Pid)).ToList();
        var w1 = Math.Max(8, rows.Max(r => r.Name.Length));
        var w2 = Math.Max(5, rows.Max(r => r.Item2.Length));
        var w3 = Math.Max(8, rows.Max(r => r.Endpoint.Length));
        LogSink.Plain("");
        LogSink.Plain(LogSink.Bold($"  {"RESOURCE".PadRight(w1)}  {"STATE".PadRight(w2)}  {"ENDPOINT".PadRight(w3)}  PID"));
        foreach (var (name, state, endpoint, pid) in rows)
            LogSink.Plain($"  {name.PadRight(w1)}  {state.PadRight(w2)}  {endpoint.PadRight(w3)}  {pid}");
        LogSink.Plain("");
        LogSink.Plain($"  State directory: {context.StateDirectory}" + (context.IsTestMode ? $"  (logs in {Relative(context.LogDirectory)})" : ""));
    }

    internal string Relative(string path) => Path.GetRelativePath(context.RepoRoot, path);
}

/// <summary>One AppHost per repository at a time: run and test mode share ports. The lock dies with its process.</summary>
internal sealed class InstanceLock(FileStream stream) : IDisposable
{
    public static InstanceLock? TryAcquire(string directory, string mode)
    {
        Directory.CreateDirectory(directory);
        var owner = Path.Combine(directory, "apphost.owner");
        try
        {
            // FileShare.None takes an exclusive flock on Linux.
            var stream = new FileStream(Path.Combine(directory, "apphost.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(owner, $"{Environment.ProcessId} {mode}\n");
            return new InstanceLock(stream);
        }
        catch (IOException)
        {
            var who = File.Exists(owner) ? File.ReadAllText(owner).Trim().Split(' ', 2) : ["?", "AppHost"];
            LogSink.AppHost.Write(LogSink.Red($"another AppHost is already running from this repository ({who.ElementAtOrDefault(1)}, pid {who[0]}). " +
                                              "`./platform up` and `./platform test` use the same ports and cannot run at the same time: stop it first."));
            return null;
        }
    }

    public void Dispose() => stream.Dispose();
}
