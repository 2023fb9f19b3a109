using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Platform.Bench.Kit;

// What the gateway costs, measured against the platform `./platform up` runs: the same authenticated read of one case
// sent to Cases directly (stamped as the gateway stamps it) and through the gateway (insurer API key, staff token),
// and /health/live of Cases and of the gateway itself (no proxying: what the cheapest answer costs either process).
// First a closed loop (N clients, as fast as they go) for the throughput ratio, then an open loop at 40 % of the
// gateway's rate for the latency it adds, direct and through the gateway in six alternating rounds, then six rounds with the
// two interleaved in one window. Baseline and gateway in the same run.
// Usage: RateLimiting__Tenants__bench=100000000 ./platform up, then, beside it:
//        dotnet run -c Release --project bench/Gateway [seconds-per-step=10] [clients=8]
namespace Platform.Bench.Gateway;

public static class GatewayBenchmark
{
    private static readonly RunningPlatform Platform = new();

    public static async Task<int> Main(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        var http = Platform.Http;
        // One tenant, so that its rate limit can be raised for the run: RateLimiting__Tenants__bench=100000000 ./platform up
        const string tenant = RunningPlatform.Tenant;
        var staff = new AuthenticationHeaderValue("Bearer", Platform.StaffToken("bench-coordinator", Roles.Coordinator, tenant));
        var apiKey = await Platform.IssueApiKeyAsync("bench-gateway");
        var number = await OpenCaseAsync(http, apiKey);
        var path = $"/cases/{number}";
        Console.WriteLine($"Case {number} of tenant {tenant}; {clients} clients, {seconds} s per step.");

        var scenarios = new (string Name, Func<HttpRequestMessage> Request)[]
        {
            ("case, direct (stamped)", () => Platform.Direct(Platform.Cases, HttpMethod.Get, path, Identity)),
            ("case, gateway, API key", () => Platform.Via(HttpMethod.Get, $"/api/cases{path}", apiKey)),
            ("case, gateway, staff token", () => Platform.Via(HttpMethod.Get, $"/api/cases{path}", staff)),
            ("/health/live, direct", () => new HttpRequestMessage(HttpMethod.Get, new Uri(Platform.Cases, "/health/live"))),
            ("/health/live of the gateway itself", () => new HttpRequestMessage(HttpMethod.Get, new Uri(Platform.Gateway, "/health/live"))),
        };

        foreach (var (_, request) in scenarios) await ClosedLoopAsync(http, request, 1, TimeSpan.FromSeconds(2)); // warm up
        // The JIT settles, reading through the gateway 10 s at a time (at most twelve rounds).
        await ProcessCpu.WarmUpAsync(async _ =>
        {
            var warm = await ClosedLoopAsync(http, scenarios[1].Request, clients, TimeSpan.FromSeconds(10));
            return string.Create(CultureInfo.InvariantCulture, $"10 s through the gateway ({warm.Rate:0} req/s)");
        }, maxRounds: 12);
        var closed = new Dictionary<string, Result>();
        var cpu = new Dictionary<string, Dictionary<string, double>>();
        foreach (var (name, request) in scenarios)
        {
            var before = ProcessCpu.Snapshot();
            closed[name] = await ClosedLoopAsync(http, request, clients, TimeSpan.FromSeconds(seconds));
            var after = ProcessCpu.Snapshot();
            var requests = closed[name].Rate * seconds;
            cpu[name] = ProcessCpu.Parts.ToDictionary(p => p, p => (after[p] - before[p]) * 1000 / requests);
        }

        Console.WriteLine();
        Console.WriteLine("| closed loop | req/s | p50 ms | p99 ms | gateway / direct | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, r) in closed)
        {
            var baseline = name.StartsWith("/health", StringComparison.Ordinal) ? closed["/health/live, direct"] : closed["case, direct (stamped)"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {r.Rate:0} | {r.P50:0.00} | {r.P99:0.00} | {(name.Contains("direct") ? "baseline" : $"{r.Rate / baseline.Rate:0.00}x")} | {r.Errors} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"| CPU ms per request | {string.Join(" | ", ProcessCpu.Parts)} | platform |");
        Console.WriteLine($"|---|{string.Concat(ProcessCpu.Parts.Select(_ => "---:|"))}---:|");
        foreach (var (name, split) in cpu)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {string.Join(" | ", ProcessCpu.Parts.Select(p => split[p].ToString("0.00", CultureInfo.InvariantCulture)))} | {ProcessCpu.Platform.Sum(p => split[p]):0.00} |"));

        // The open loop at 40 % of the gateway's rate, direct and through the gateway in alternating windows (the order
        // swapped every round), so that a stall of this shared machine falls on both alike; each round's p99 is compared
        // within the round, and the rounds' median difference is the figure. "late" is how far behind its schedule the
        // bench itself sent (its own stalls, which count in the latency from the due time, as they would for a caller).
        var rate = 0.4 * closed["case, gateway, API key"].Rate;
        var window = TimeSpan.FromSeconds(Math.Max(2, seconds / 2.0));
        const int rounds = 6;
        // An unmeasured window of each first: the bench's own first open loop ran late by up to 130 ms (its timers and
        // thread pool growing to the schedule).
        await OpenLoopAsync(http, [scenarios[0].Request], rate, TimeSpan.FromSeconds(2));
        await OpenLoopAsync(http, [scenarios[1].Request], rate, TimeSpan.FromSeconds(2));
        var open = new List<(OpenResult Direct, OpenResult Gateway)>();
        for (var round = 0; round < rounds; round++)
        {
            OpenResult direct, gateway;
            if (round % 2 == 0)
            {
                direct = (await OpenLoopAsync(http, [scenarios[0].Request], rate, window))[0];
                gateway = (await OpenLoopAsync(http, [scenarios[1].Request], rate, window))[0];
            }
            else
            {
                gateway = (await OpenLoopAsync(http, [scenarios[1].Request], rate, window))[0];
                direct = (await OpenLoopAsync(http, [scenarios[0].Request], rate, window))[0];
            }
            open.Add((direct, gateway));
        }
        PrintRounds(string.Create(CultureInfo.InvariantCulture, $"open loop at {rate:0} req/s (40 % of the gateway's rate), {window.TotalSeconds:0} s windows"),
            open, "Gateway adds");

        // The same two reads interleaved in one window (direct, then through the gateway half a period later, each at
        // the rate above): every stall of the machine falls on both alike, at the price of Cases serving both at once.
        var interleaved = new List<(OpenResult Direct, OpenResult Gateway)>();
        for (var round = 0; round < rounds; round++)
        {
            var both = await OpenLoopAsync(http, [scenarios[0].Request, scenarios[1].Request], rate, window);
            interleaved.Add((both[0], both[1]));
        }
        PrintRounds(string.Create(CultureInfo.InvariantCulture, $"interleaved, each at {rate:0} req/s, {window.TotalSeconds:0} s windows"),
            interleaved, "Interleaved, the gateway adds");
        var openErrors = open.Concat(interleaved).Sum(o => o.Direct.Errors + o.Gateway.Errors);
        if (closed.Values.Sum(r => r.Errors) + openErrors == 0) return 0;
        Console.WriteLine("Some answers were errors, so the figures above do not measure the same work: with 429s, raise the " +
            $"tenant's limit for the run ({RunningPlatform.RaisedLimit}).");
        return 1;
    }

    private sealed record Result(double Rate, double P50, double P99, int Errors);

    private static readonly RequestIdentity Identity = new(RunningPlatform.Tenant, "bench-key", "api-key", [Roles.Insurer]);

    private static async Task<Result> ClosedLoopAsync(HttpClient http, Func<HttpRequestMessage> create, int clients, TimeSpan duration)
    {
        var latencies = new List<double>[clients];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = [];
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(create());
                await response.Content.LoadIntoBufferAsync();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
        }));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(all.Length / clock.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), errors);
    }

    /// <summary>What an open loop measured: the latency of each request from when it was due, and how late the bench sent it.</summary>
    private sealed record OpenResult(double[] Latencies, double[] Lateness, int Errors)
    {
        public double P50 => Percentile(Latencies, 0.50);
        public double P99 => Percentile(Latencies, 0.99);
        public double LateP99 => Percentile(Lateness, 0.99);

        public static OpenResult Pool(IEnumerable<OpenResult> results)
        {
            var all = results.ToList();
            return new OpenResult([.. all.SelectMany(r => r.Latencies).Order()], [.. all.SelectMany(r => r.Lateness).Order()], all.Sum(r => r.Errors));
        }
    }

    /// <summary>
    /// Requests sent on a schedule, whatever the answers' pace (no coordinated omission), each of <paramref name="streams"/>
    /// at <paramref name="rate"/>, interleaved: the k-th of n streams k/n of a period after the first. One result per stream.
    /// </summary>
    private static async Task<OpenResult[]> OpenLoopAsync(HttpClient http, Func<HttpRequestMessage>[] streams, double rate, TimeSpan duration)
    {
        var (n, count) = (streams.Length, (int)(rate * duration.TotalSeconds));
        var errors = new int[n];
        var lateness = streams.Select(_ => new double[count]).ToArray();
        var clock = Stopwatch.StartNew();
        var latencies = await Task.WhenAll(Enumerable.Range(0, n * count).Select(async j =>
        {
            var (stream, i) = (j % n, j / n);
            var due = TimeSpan.FromSeconds((i + (double)stream / n) / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            lateness[stream][i] = (clock.Elapsed - due).TotalMilliseconds;
            using var response = await http.SendAsync(streams[stream]());
            await response.Content.LoadIntoBufferAsync();
            if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors[stream]);
            return (Stream: stream, Ms: (clock.Elapsed - due).TotalMilliseconds); // from when it was due: waiting to be sent counts
        }));
        return [.. Enumerable.Range(0, n).Select(k =>
            new OpenResult([.. latencies.Where(l => l.Stream == k).Select(l => l.Ms).Order()], [.. lateness[k].Order()], errors[k]))];
    }

    /// <summary>The rounds' p50 and p99, direct and through the gateway, pooled, and the median of the rounds' differences at p99.</summary>
    private static void PrintRounds(string heading, List<(OpenResult Direct, OpenResult Gateway)> rounds, string summary)
    {
        Console.WriteLine();
        Console.WriteLine($"| {heading} | direct p50 / p99 ms | gateway, API key p50 / p99 ms | gateway adds at p99 | bench late p99, direct / gateway | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        (OpenResult Direct, OpenResult Gateway) pooled = (OpenResult.Pool(rounds.Select(o => o.Direct)), OpenResult.Pool(rounds.Select(o => o.Gateway)));
        foreach (var (name, (d, g)) in rounds.Select((r, i) => ($"round {i + 1}", r)).Append(("all rounds", pooled)))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {d.P50:0.00} / {d.P99:0.00} | {g.P50:0.00} / {g.P99:0.00} | {g.P99 - d.P99:+0.00;-0.00} ms | {d.LateP99:0.00} / {g.LateP99:0.00} | {d.Errors + g.Errors} |"));
        var added = rounds.Select(o => o.Gateway.P99 - o.Direct.P99).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary} {Median(added):0.00} ms at p99 (median of the {rounds.Count} rounds; {added[0]:0.00} to {added[^1]:0.00}), {pooled.Gateway.P50 - pooled.Direct.P50:0.00} ms at p50."));
    }

    private static double Median(double[] sorted) => sorted.Length % 2 == 1
        ? sorted[sorted.Length / 2]
        : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];

    private static async Task<string> OpenCaseAsync(HttpClient http, AuthenticationHeaderValue apiKey)
    {
        using var request = Platform.Via(HttpMethod.Post, "/api/intake/appeals", apiKey, JsonContent.Create(new
        {
            channel = "phone",
            caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
            insured = new { policyNumber = "BENCH-1", fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
            location = new { country = "US", city = "Orlando" },
            description = "Benchmark case.",
        }));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var appeal = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        for (var i = 0; i < 100; i++)
        {
            using var read = Platform.Via(HttpMethod.Get, $"/api/intake/appeals/{appeal}", apiKey);
            using var answer = await http.SendAsync(read);
            if ((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("caseNumber").GetString() is { } number) return number;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("The case did not open within 10 s: is the platform running (./platform up)?");
    }

}
