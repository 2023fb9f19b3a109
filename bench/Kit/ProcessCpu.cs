using System.Globalization;

namespace Platform.Bench.Kit;

/// <summary>
/// CPU time the platform's processes have used so far, by part (from /proc: user + system time of every process whose
/// command line names it, and of its children that have ended), so a step's CPU per request can be split between gateway, services and servers.
/// "services" is every other service of the platform (billing, repatriation, clinic network, OMS, the console): they
/// consume the events an appeal causes. "dashboard" is Aspire's dashboard and orchestrator, which collect every trace,
/// log and metric in development; production has neither, so it is shown but left out of the platform's total.
/// </summary>
public static class ProcessCpu
{
    public static readonly string[] Parts = ["gateway", "cases", "intake", "services", "postgres", "redis", "rabbitmq", "dashboard", "bench"];

    /// <summary>The parts production runs too: what the platform costs per request.</summary>
    public static readonly string[] Platform = [.. Parts.Where(p => p is not ("dashboard" or "bench"))];

    /// <summary>The projects of the services inside the "services" part (as their command lines name them).</summary>
    private static readonly string[] ServiceProjects = ["Billing", "Repatriation", "ClinicNetwork", "OmsRepresentatives", "Console"];

    /// <summary>The services inside the "services" part, each also counted on its own in <see cref="Snapshot"/> (to size them).</summary>
    public static readonly string[] Services = [.. ServiceProjects.Select(s => s.ToLowerInvariant())];

    /// <summary>Every key of <see cref="Snapshot"/>: the parts, then the services one by one.</summary>
    public static readonly string[] Measured = [.. Parts, .. Services];

    /// <summary>The parts that are .NET processes (whose JIT <see cref="SampleJit"/> reads).</summary>
    public static readonly string[] DotNetParts = ["gateway", "cases", "intake", "services"];

    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>The processes of the platform (and the bench itself) now running, with the part each belongs to (and, in
    /// the "services" part, which of <see cref="Services"/> it is).</summary>
    public static IEnumerable<(int Pid, string Part, string? Service)> Processes()
    {
        var self = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string? part, service = null;
            try
            {
                if (pid == self) part = "bench";
                else
                {
                    var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                    service = ServiceOf(commandLine);
                    part = service is null ? PartOf(commandLine) : "services";
                }
            }
            catch (IOException)
            {
                continue; // the process ended while being read
            }
            if (part is not null) yield return (pid, part, service);
        }
    }

    /// <summary>CPU seconds so far by part, and by each of <see cref="Services"/> (also counted in "services").</summary>
    public static Dictionary<string, double> Snapshot()
    {
        var seconds = Measured.ToDictionary(p => p, _ => 0.0);
        foreach (var (pid, part, service) in Processes())
        {
            var dir = $"/proc/{pid}";
            try
            {
                // Fields after the command name: utime, stime, then cutime and cstime, the time of children that have
                // ended (PostgreSQL's backends that closed during the step move their CPU into the postmaster's; without
                // them the part would seem to shrink).
                var used = Seconds(Path.Combine(dir, "stat"), 4);
                seconds[part] += used;
                if (service is not null) seconds[service] += used;
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }
        return seconds;
    }

    /// <summary>The first <paramref name="count"/> CPU times of a stat file, in seconds.</summary>
    private static double Seconds(string statFile, int count)
    {
        var stat = File.ReadAllText(statFile);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // the command name may hold spaces, inside parentheses
        return fields[11..(11 + count)].Sum(f => double.Parse(f, CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>How the running services sample their traces (from the gateway's environment): the platform's cost per
    /// request, and the dashboard's, depend on it (every statement, message and request of a sampled trace is a span
    /// exported).</summary>
    public static string TraceSampling()
    {
        foreach (var (pid, part, _) in Processes())
        {
            if (part != "gateway") continue;
            try
            {
                var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
                string? Value(string name) => environment.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
                if (Value("Telemetry__TracesPerSecond") is { Length: > 0 } perSecond && perSecond != "0")
                    return $"at most {perSecond} new traces a second per service, each whole (parent-based)";
                var sampler = Value("OTEL_TRACES_SAMPLER");
                return sampler is null ? "parentbased_always_on (the OpenTelemetry SDK's default)"
                    : Value("OTEL_TRACES_SAMPLER_ARG") is { Length: > 0 } arg ? $"{sampler} {arg}" : sampler;
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }
        return "unknown (no gateway process found)";
    }

    private static string? ServiceOf(string commandLine) => ServiceProjects
        .FirstOrDefault(s => commandLine.Contains($"/{s} ", StringComparison.Ordinal) || commandLine.Contains($"{s}.dll", StringComparison.Ordinal))
        ?.ToLowerInvariant();

    private static string? PartOf(string commandLine) => commandLine switch
    {
        _ when commandLine.Contains("/Gateway ", StringComparison.Ordinal) || commandLine.Contains("Gateway.dll", StringComparison.Ordinal) => "gateway",
        _ when commandLine.Contains("/Cases ", StringComparison.Ordinal) || commandLine.Contains("Cases.dll", StringComparison.Ordinal) => "cases",
        _ when commandLine.Contains("/Intake ", StringComparison.Ordinal) || commandLine.Contains("Intake.dll", StringComparison.Ordinal) => "intake",
        _ when commandLine.StartsWith("postgres", StringComparison.Ordinal) || commandLine.Contains("/postgres ", StringComparison.Ordinal) => "postgres",
        _ when commandLine.StartsWith("redis-server", StringComparison.Ordinal) => "redis",
        _ when commandLine.Contains("beam.smp", StringComparison.Ordinal) => "rabbitmq",
        _ when commandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal) || commandLine.Contains("/dcp ", StringComparison.Ordinal) => "dashboard",
        _ => null,
    };

    /// <summary>
    /// The CPU of the .NET parts' JIT tiered-compilation threads from now until <see cref="JitSampler.StopAsync"/>:
    /// .NET recompiles hot code, optimised, for minutes after a start, and a step it still weighs on measures the start
    /// rather than the steady state. Those threads end when idle and new ones start, so they are read twice a second;
    /// the last half second of a thread that ended is missed, so the figure is a floor.
    /// </summary>
    public static JitSampler SampleJit() => new();

    /// <summary>
    /// Runs <paramref name="round"/> (the load; it returns what it did, for the log line) until the JIT takes less than
    /// 5 % of the .NET services' CPU, or <paramref name="maxRounds"/> times: .NET recompiles hot code, optimised, for
    /// minutes after a start, and a benchmark's steps should measure the steady state.
    /// </summary>
    public static async Task WarmUpAsync(Func<int, Task<string>> round, int maxRounds)
    {
        for (var i = 0; i < maxRounds; i++)
        {
            var before = Snapshot();
            var jit = SampleJit();
            var did = await round(i);
            var jitSeconds = await jit.StopAsync();
            var after = Snapshot();
            var services = DotNetParts.Sum(p => after[p] - before[p]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  Warm-up {i + 1}, {did}: the JIT took {100 * jitSeconds / Math.Max(0.001, services):0} % of the services' CPU"));
            if (jitSeconds < 0.05 * services) return;
        }
    }

    public sealed class JitSampler
    {
        private readonly Dictionary<string, (double First, double Last)> _threads = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private readonly int[] _pids = [.. Processes().Where(p => DotNetParts.Contains(p.Part)).Select(p => p.Pid)];

        internal JitSampler()
        {
            Read(first: true);
            _loop = LoopAsync();
        }

        private async Task LoopAsync()
        {
            try
            {
                while (true)
                {
                    await Task.Delay(500, _stop.Token);
                    Read(first: false);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void Read(bool first)
        {
            foreach (var pid in _pids)
            {
                try
                {
                    foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                    {
                        if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered", StringComparison.Ordinal)) continue;
                        var seconds = Seconds(Path.Combine(task, "stat"), 2);
                        var key = $"{pid}/{Path.GetFileName(task)}";
                        // A thread that started after the first reading counts from zero.
                        _threads[key] = _threads.TryGetValue(key, out var seen) ? (seen.First, seconds) : (first ? seconds : 0, seconds);
                    }
                }
                catch (IOException)
                {
                    // The process or thread ended while being read.
                }
            }
        }

        /// <summary>The JIT's CPU seconds since the sampler started.</summary>
        public async Task<double> StopAsync()
        {
            _stop.Cancel();
            await _loop;
            Read(first: false);
            return _threads.Values.Sum(t => t.Last - t.First);
        }
    }
}
