using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.AppHost.Infrastructure;

/// <summary>
/// Runs the dashboard at a lower CPU priority than the platform (a nice value, Linux only), so that on a machine where
/// both share the cores the services and their servers are served first and the dashboard takes what is left. The
/// dashboard writes every span, log and metric point it receives to SQLite: under load that is a sixth of two cores,
/// taken at the moments the platform needs them. It lags behind under load instead; in production there is no
/// dashboard (the services export to the operators' collector, elsewhere).
/// <para>
/// Linux gives each thread its own nice value and a new thread its creator's, so every thread of the dashboard is
/// re-niced, and again every few seconds for the threads it starts later (a thread it starts from one already re-niced
/// starts re-niced). <c>Platform:DashboardNice</c> sets the value: 10 by default, 0 leaves the dashboard as it is.
/// </para>
/// </summary>
public static partial class DashboardPriority
{
    public const int DefaultNice = 10;

    /// <summary>The name Aspire gives the dashboard's (hidden) resource.</summary>
    private const string DashboardResource = "aspire-dashboard";

    public static IDistributedApplicationBuilder WithDashboardYielding(this IDistributedApplicationBuilder builder)
    {
        var nice = builder.Configuration.GetValue("Platform:DashboardNice", DefaultNice);
        if (nice is < 0 or > 19)
            throw new DistributedApplicationException($"Platform:DashboardNice must be from 0 to 19 (a nice value), not {nice}.");
        if (nice > 0 && OperatingSystem.IsLinux())
            builder.Services.AddHostedService(services => new Watcher(
                services.GetRequiredService<ResourceNotificationService>(), services.GetRequiredService<ILogger<Watcher>>(), nice));
        return builder;
    }

    /// <summary>Sets every thread of <paramref name="processId"/> to <paramref name="nice"/>; the number of threads changed.</summary>
    public static int Renice(int processId, int nice)
    {
        var changed = 0;
        string[] threads;
        try { threads = Directory.GetDirectories($"/proc/{processId}/task"); }
        catch (DirectoryNotFoundException) { return 0; } // the process has exited
        foreach (var thread in threads)
        {
            if (!int.TryParse(Path.GetFileName(thread), out var threadId) || NiceOf(thread) is not { } current || current == nice) continue;
            if (SetPriority(PrioProcess, threadId, nice) == 0) changed++;
        }
        return changed;
    }

    /// <summary>A thread's nice value: the 19th field of its stat line, counted after the command name in parentheses.</summary>
    public static int? NiceOf(string threadDirectory)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(threadDirectory, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[16]); // fields from the 3rd (state) on: nice is the 19th
        }
        catch (IOException) { return null; } // the thread has exited
    }

    private const int PrioProcess = 0;

    // setpriority(2) with PRIO_PROCESS and a thread id sets that thread's nice value on Linux. .NET's
    // Process.PriorityClass changes only the main thread's, and ProcessThread.PriorityLevel is not supported on Linux.
    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int prio);

    /// <summary>Every few seconds, the dashboard's process (a new one if it was restarted) re-niced.</summary>
    private sealed partial class Watcher(ResourceNotificationService notifications, ILogger<Watcher> logger, int nice) : BackgroundService
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var reniced = 0;
            using var timer = new PeriodicTimer(Interval);
            try
            {
                do
                {
                    if (!notifications.TryGetCurrentState(DashboardResource, out var e)) continue;
                    var pid = e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
                    if (!int.TryParse(pid?.ToString(), out var processId) || processId <= 0) continue;
                    Renice(processId, nice);
                    if (processId != reniced) LogYielding(reniced = processId, nice);
                } while (await timer.WaitForNextTickAsync(stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }

        [LoggerMessage(LogLevel.Information,
            "The dashboard (process {ProcessId}) runs at nice {Nice}: the platform comes first on the CPU, the dashboard may lag under load (Platform:DashboardNice)")]
        private partial void LogYielding(int processId, int nice);
    }
}
