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

    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>The processes of the platform (and the bench itself) now running, with the part each belongs to.</summary>
    public static IEnumerable<(int Pid, string Part)> Processes()
    {
        var self = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string? part;
            try
            {
                part = pid == self ? "bench" : PartOf(File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '));
            }
            catch (IOException)
            {
                continue; // the process ended while being read
            }
            if (part is not null) yield return (pid, part);
        }
    }

    public static Dictionary<string, double> Snapshot()
    {
        var seconds = Parts.ToDictionary(p => p, _ => 0.0);
        foreach (var (pid, part) in Processes())
        {
            var dir = $"/proc/{pid}";
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command name (which may hold spaces, inside parentheses): utime, stime, then cutime and
                // cstime, the time of children that have ended (PostgreSQL's backends that closed during the step
                // move their CPU into the postmaster's; without them the part would seem to shrink).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                seconds[part] += fields[11..15].Sum(f => double.Parse(f, CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }
        return seconds;
    }

    /// <summary>How the running services sample their traces (from the gateway's environment): the platform's cost per
    /// request depends on it (every statement, message and request of a sampled trace is a span exported).</summary>
    public static string TraceSampling()
    {
        foreach (var (pid, part) in Processes())
        {
            if (part != "gateway") continue;
            try
            {
                var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
                string? Value(string name) => environment.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
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

    private static readonly string[] OtherServices = ["Billing", "Repatriation", "ClinicNetwork", "OmsRepresentatives", "Console"];

    private static string? PartOf(string commandLine) => commandLine switch
    {
        _ when commandLine.Contains("/Gateway ", StringComparison.Ordinal) || commandLine.Contains("Gateway.dll", StringComparison.Ordinal) => "gateway",
        _ when commandLine.Contains("/Cases ", StringComparison.Ordinal) || commandLine.Contains("Cases.dll", StringComparison.Ordinal) => "cases",
        _ when commandLine.Contains("/Intake ", StringComparison.Ordinal) || commandLine.Contains("Intake.dll", StringComparison.Ordinal) => "intake",
        _ when commandLine.StartsWith("postgres", StringComparison.Ordinal) || commandLine.Contains("/postgres ", StringComparison.Ordinal) => "postgres",
        _ when commandLine.StartsWith("redis-server", StringComparison.Ordinal) => "redis",
        _ when commandLine.Contains("beam.smp", StringComparison.Ordinal) => "rabbitmq",
        _ when OtherServices.Any(s => commandLine.Contains($"/{s} ", StringComparison.Ordinal) || commandLine.Contains($"{s}.dll", StringComparison.Ordinal)) => "services",
        _ when commandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal) || commandLine.Contains("/dcp ", StringComparison.Ordinal) => "dashboard",
        _ => null,
    };
}
