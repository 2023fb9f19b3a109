using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Platform.AppHost;

/// <summary>
/// A .NET project of the repository, run from its build output (<c>dotnet bin/{Configuration}/net10.0/{Name}.dll</c>,
/// in its project directory like <c>dotnet run</c>) with the environment Aspire would give it.
/// </summary>
public sealed class ProjectResource : Resource
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string projectDirectory;
    private readonly Dictionary<string, Func<string?>> environment = [];
    private ChildProcess? process;
    private int? port;

    internal ProjectResource(string name, string projectDirectory) : base(name) => this.projectDirectory = projectDirectory;

    public string HttpUrl => port is { } p ? $"http://127.0.0.1:{p}" : throw new InvalidOperationException($"{Name} has no HTTP endpoint");

    internal override string Endpoint => port is null ? "" : HttpUrl;
    internal override string Pid => process?.Pid.ToString() ?? "";
    internal override IEnumerable<ChildProcess> Processes => process is null ? [] : [process];

    public ProjectResource WithHttpEndpoint(int port)
    {
        this.port = port;
        return this;
    }

    public ProjectResource WithEnvironment(string name, string? value)
    {
        environment[name] = () => value;
        return this;
    }

    /// <summary><c>ConnectionStrings__{name}</c>, as Aspire injects it.</summary>
    public ProjectResource WithReference(IResourceWithConnectionString resource)
    {
        environment[$"ConnectionStrings__{resource.Name}"] = () => resource.ConnectionString;
        return this;
    }

    /// <summary><c>services__{name}__http__0</c>, read by Microsoft.Extensions.ServiceDiscovery (<c>http://{name}</c>).</summary>
    public ProjectResource WithReference(ProjectResource service)
    {
        environment[$"services__{service.Name}__http__0"] = () => service.HttpUrl;
        return this;
    }

    internal override async Task StartAsync(DistributedApplicationExecutionContext context, CancellationToken ct)
    {
        var directory = Path.Combine(context.RepoRoot, projectDirectory);
        var assembly = FindAssembly(directory, context.Configuration);
        if (port is { } p) EnsurePortFree(p);

        var env = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = port is null ? null : HttpUrl,
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_HTTPS_PORTS"] = null,
            ["OTEL_SERVICE_NAME"] = Name,
        };
        // Telemetry export only where AppHost was told to send it (as Aspire passes its dashboard's endpoint).
        foreach (var key in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_BSP_SCHEDULE_DELAY" })
            env[key] = Builder.Configuration[key] is { Length: > 0 } value ? value : null;
        foreach (var (key, value) in environment) env[key] = value();

        process = ChildProcess.Start(DotnetHost, [assembly], env, directory, Log, Path.Combine(context.PidDirectory, Name + ".pid"));
        if (port is null) return;

        await WaitHealthyAsync(async token =>
        {
            using var response = await Http.GetAsync($"{HttpUrl}/health/ready", token);
            if (response.IsSuccessStatusCode) return true;
            // Readiness names the dependency that is down: keep it for the error message.
            LastProbeError = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}";
            return false;
        }, TimeSpan.FromSeconds(120), process, "ready (GET /health/ready)", ct);
    }

    internal override async Task StopAsync()
    {
        if (process is not null) await process.StopAsync(ChildProcess.SIGTERM, TimeSpan.FromSeconds(15), wholeGroup: true, Log);
    }

    private string FindAssembly(string directory, string configuration)
    {
        var project = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.csproj").FirstOrDefault() : null;
        if (project is null) throw new ResourceFailedException(this, $"no project in {projectDirectory}");
        var assemblyName = Regex.Match(File.ReadAllText(project), "<AssemblyName>([^<]+)</AssemblyName>") is { Success: true } m
            ? m.Groups[1].Value
            : Path.GetFileNameWithoutExtension(project);
        var output = Path.Combine(directory, "bin", configuration);
        var dll = Directory.Exists(output)
            ? Directory.GetDirectories(output).Select(d => Path.Combine(d, assemblyName + ".dll")).FirstOrDefault(File.Exists)
            : null;
        return dll ?? throw new ResourceFailedException(this,
            $"{projectDirectory} is not built ({Path.Combine(projectDirectory, "bin", configuration)}/*/{assemblyName}.dll is missing): " +
            $"run `dotnet build Platform.sln -c {configuration}` (./platform does it for you).");
    }

    /// <summary>The dotnet host running AppHost, so the services run on the same SDK/runtime.</summary>
    internal static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}

/// <summary>Test mode: <c>dotnet test</c> over the solution once everything is healthy, with the TEST_* environment.</summary>
public sealed class TestRun(string target)
{
    private readonly Dictionary<string, string?> environment = [];

    public TestRun WithEnvironment(string name, string? value)
    {
        environment[name] = value;
        return this;
    }

    internal async Task<int> RunAsync(DistributedApplicationExecutionContext context, IReadOnlyList<Resource> resources, CancellationToken ct)
    {
        // A project or folder as the first argument narrows the run to it: `./platform test tests/Gateway.Tests`.
        var extra = context.TestArguments;
        var what = target;
        if (extra is [var first, ..] && !first.StartsWith('-') && Path.Exists(Path.Combine(context.RepoRoot, first)))
        {
            what = first;
            extra = extra.Skip(1).ToList();
        }
        // One test project at a time (-m:1): a messaging test stops and restarts the broker under everyone's feet.
        string[] args = ["test", what, "--no-build", "-c", context.Configuration, "-m:1", .. extra];
        LogSink.AppHost.Write($"dotnet {string.Join(' ', args)}");
        foreach (var (key, value) in environment) LogSink.AppHost.Write($"  {key}={value}");
        LogSink.Plain("");

        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = context.RepoRoot };
        psi.ArgumentList.Add(ProjectResource.DotnetHost);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
        {
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        // Recorded like the resources' groups, so a start after a killed AppHost ends a test run it left behind.
        var pidFile = Path.Combine(context.PidDirectory, "dotnet-test.pid");
        await File.WriteAllTextAsync(pidFile, $"{process.Id} {ChildProcess.StartTime(process.Id)} {ChildProcess.SIGINT}\n", CancellationToken.None);
        // Its own process group (setsid), so Ctrl+C goes through AppHost: pass it on, and kill what is left.
        await using (ct.Register(() => _ = StopAsync(process)))
        {
            await process.WaitForExitAsync(CancellationToken.None);
        }
        var code = process.ExitCode;
        Kill(-process.Id, ChildProcess.SIGKILL); // whatever it left in its group (MSBuild nodes, test hosts)
        File.Delete(pidFile);

        LogSink.Plain("");
        LogSink.AppHost.Write((ct.IsCancellationRequested ? LogSink.Red("tests interrupted")
                                  : code == 0 ? LogSink.Green("tests passed")
                                  : LogSink.Red($"tests failed (dotnet test exit code {code})")) +
                              $" in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var r in resources.Where(r => r.Log.FilePath is not null && r.Processes.Any()))
            LogSink.AppHost.Write($"  {r.Name} log: {Path.GetRelativePath(context.RepoRoot, r.Log.FilePath!)}");
        var exited = resources.Where(r => r.State == ResourceState.Exited).Select(r => r.Name).ToList();
        if (exited.Count > 0) LogSink.AppHost.Write(LogSink.Red($"  exited during the tests: {string.Join(", ", exited)}"));
        return ct.IsCancellationRequested && code == 0 ? 130 : code;
    }

    private static async Task StopAsync(Process process)
    {
        Kill(-process.Id, ChildProcess.SIGINT);
        await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(10)));
        if (!process.HasExited) Kill(-process.Id, ChildProcess.SIGKILL);
    }

    private static void Kill(int pid, int signal) => _ = kill(pid, signal);

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int kill(int pid, int sig);
}

public static class ProjectBuilderExtensions
{
    /// <summary>A project by its directory relative to the repository root, e.g. <c>src/Intake</c>.</summary>
    public static ProjectResource AddProject(this DistributedApplicationBuilder builder, string name, string projectDirectory) =>
        builder.AddResource(new ProjectResource(name, projectDirectory));

    /// <summary>What <c>AppHost test</c> runs once every resource is healthy.</summary>
    public static TestRun AddTestRun(this DistributedApplicationBuilder builder, string target) => builder.TestRun = new TestRun(target);
}
