using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

// Processes, signals and permissions are Linux's here (as on the machines that run the platform locally and in CI).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Platform.AppHost;

/// <summary>
/// A child started through <c>setsid</c>, so it leads a session and process group of its own: a signal to the group
/// reaches its grandchildren too (dotnet's, PostgreSQL's backends, the Erlang VM), and Ctrl+C in the terminal reaches
/// only AppHost, which then stops the children in dependency order. Each child's group is recorded in a pid file, so
/// the next start can end what a killed AppHost left behind.
/// </summary>
internal sealed class ChildProcess
{
    public const int SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGTERM = 15;

    private readonly Process process;
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string pidFile;

    private ChildProcess(Process process, string pidFile)
    {
        this.process = process;
        this.pidFile = pidFile;
    }

    public int Pid { get; private set; }
    public Task<int> Exited => exited.Task;
    public bool HasExited => exited.Task.IsCompleted;

    /// <param name="stopSignal">What ends it cleanly; recorded so the next start can end it the same way if need be.</param>
    public static ChildProcess Start(string file, IEnumerable<string> args, IDictionary<string, string?> environment,
        string workingDirectory, LogSink log, string pidFile, int stopSignal = SIGTERM)
    {
        var psi = NewStartInfo(file, args, environment, workingDirectory);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process, pidFile);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.Exited += (_, _) => child.exited.TrySetResult(process.ExitCode);
        process.Start();
        child.Pid = process.Id;
        Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
        File.WriteAllText(pidFile, $"{child.Pid} {StartTime(child.Pid)} {stopSignal}\n");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a short command to its end (initdb, rabbitmqctl), its output to <paramref name="log"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args,
        IDictionary<string, string?>? environment, string workingDirectory, LogSink? log, CancellationToken ct)
    {
        var psi = NewStartInfo(file, args, environment ?? new Dictionary<string, string?>(), workingDirectory);
        using var process = new Process { StartInfo = psi };
        var output = new StringBuilder();
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            log?.Write(line);
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            Kill(-process.Id, SIGKILL);
            throw;
        }
        lock (output) return (process.ExitCode, output.ToString());
    }

    private static ProcessStartInfo NewStartInfo(string file, IEnumerable<string> args,
        IDictionary<string, string?> environment, string workingDirectory)
    {
        var psi = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(file);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
        {
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        }
        return psi;
    }

    /// <summary>Sends a signal to the child itself (PostgreSQL and RabbitMQ shut down in order on their own).</summary>
    public void Signal(int signal)
    {
        if (!HasExited) Kill(Pid, signal);
    }

    /// <summary>Sends a signal to every process of the child's group.</summary>
    public void SignalGroup(int signal) => Kill(-Pid, signal);

    /// <summary>
    /// Signals the child (or its group), waits up to <paramref name="grace"/>, then kills the whole group so nothing
    /// survives, and forgets the pid file.
    /// </summary>
    public async Task StopAsync(int signal, TimeSpan grace, bool wholeGroup, LogSink log)
    {
        if (!HasExited)
        {
            if (wholeGroup) SignalGroup(signal); else Signal(signal);
            if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
                log.Write($"[apphost] did not stop within {grace.TotalSeconds:0} s: killing it");
        }
        SignalGroup(SIGKILL);
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5)));
        File.Delete(pidFile);
    }

    public void KillNow() => SignalGroup(SIGKILL);

    /// <summary>
    /// Ends the process groups recorded in <paramref name="pidDirectory"/> by an AppHost that did not get to stop them
    /// (kill -9, a crash). A group counts only if its processes started no earlier than the recorded leader, so a
    /// reused pid is never touched.
    /// </summary>
    public static async Task<int> EndStrayGroupsAsync(string pidDirectory)
    {
        if (!Directory.Exists(pidDirectory)) return 0;
        var stray = new List<(string File, List<int> Pids)>();
        foreach (var file in Directory.GetFiles(pidDirectory, "*.pid"))
        {
            var parts = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length >= 2 && int.TryParse(parts[0], out var pgid) && long.TryParse(parts[1], out var since))
            {
                var members = GroupMembers(pgid, since);
                if (members.Count > 0)
                {
                    LogSink.AppHost.Write($"ending {Path.GetFileNameWithoutExtension(file)} left over from an earlier run (process group {pgid}: {string.Join(", ", members)})");
                    stray.Add((file, members));
                    // The leader the way it stops cleanly (PostgreSQL: SIGINT); without a leader, each member.
                    if (members.Contains(pgid)) Kill(pgid, parts.Length > 2 && int.TryParse(parts[2], out var signal) ? signal : SIGTERM);
                    else foreach (var pid in members) Kill(pid, SIGTERM);
                    continue;
                }
            }
            File.Delete(file);
        }

        for (var i = 0; i < 150 && stray.Any(s => s.Pids.Any(Alive)); i++) await Task.Delay(100);
        foreach (var (file, pids) in stray)
        {
            foreach (var pid in pids.Where(Alive)) Kill(pid, SIGKILL);
            File.Delete(file);
        }
        if (stray.Count > 0) await Task.Delay(300);
        return stray.Count;
    }

    private static List<int> GroupMembers(int pgid, long notBefore)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            var stat = ReadStat(pid);
            if (stat is { } s && s.Pgrp == pgid && s.StartTime >= notBefore) members.Add(pid);
        }
        return members;
    }

    private static bool Alive(int pid) => ReadStat(pid) is { State: not 'Z' };

    /// <summary>Start time in clock ticks since boot (field 22 of /proc/pid/stat): with the pid, it names a process.</summary>
    public static long StartTime(int pid) => ReadStat(pid)?.StartTime ?? 0;

    private static (char State, int Pgrp, long StartTime)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces and parentheses: the fields we want follow the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[2]), long.Parse(fields[19]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The command line of a process, or null when it has gone.</summary>
    public static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Kill(int pid, int signal)
    {
        if (pid is 0 or -1) return;
        _ = kill(pid, signal);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc")]
    private static extern uint geteuid();

    public static bool IsRoot => geteuid() == 0;
}
