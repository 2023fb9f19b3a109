using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Platform.Bench.Kit;

// Appeals per second the platform `./platform up` runs sustains, from outside: appeals POSTed through the gateway on a
// schedule (open loop), rates stepped until the time from the 201 to the case being readable through the API breaks
// 1 s at p99; per step the CPU each process spent and the database transactions each service ran, per appeal. In the
// same run, the baselines: pgbench with an appeal-like write, and MassTransit publish + consume on the same broker.
// Usage: RateLimiting__Tenants__bench=100000000 ./platform up, then, beside it:
//        dotnet run -c Release --project bench/Appeals [seconds-per-step=15] [rates=50,100,200,300,400,500,600,800]
//        dotnet run -c Release --project bench/Appeals soak [minutes=30] [rate=25]   (memory, latency and tables over time)
namespace Platform.Bench.Appeals;

public static class AppealsBenchmark
{
    private static readonly RunningPlatform Platform = new();
    // One pool for the bench's own reads of the server: a connection per reading would start a PostgreSQL backend
    // each time, inside the measured steps.
    private static readonly NpgsqlDataSource Server = NpgsqlDataSource.Create(Platform.Postgres);
    private static readonly NpgsqlDataSource CasesDatabase =
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Platform.Postgres) { Database = "cases" }.ConnectionString);
    private static readonly string[] StatementDatabases = ["intake", "cases", "billing", "clinics", "repatriation", "oms"];
    private static readonly string[] Databases = ["gateway", .. StatementDatabases];

    /// <summary>The services' databases, for their inbox counters (a table's statistics are read in its own database).</summary>
    private static readonly Dictionary<string, NpgsqlDataSource> ServiceDatabases = StatementDatabases.ToDictionary(d => d, d =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Platform.Postgres) { Database = d }.ConnectionString));

    /// <summary>The key of the JIT's share (<see cref="ProcessCpu.SampleJit"/>) among the CPU figures; a share of the .NET parts, not a part.</summary>
    private const string Jit = "jit";

    /// <summary>The statements one readability poll (GET /api/cases/cases?appealId=) runs in Cases' database.</summary>
    private const int StatementsPerPoll = 2;

    /// <summary>How many appeals a second have their readability followed (polled through the gateway); the rest are only sent.</summary>
    private const int SampledPerSecond = 5;

    /// <summary>A step whose p99 to the 201, or from it to a readable case, passes this (ms) did not keep up.</summary>
    private const double BrokenAfterMs = 1000;

    /// <summary>The width of the windows in which a step's slowest readable figures are shown.</summary>
    private const int WindowSeconds = 5;

    public static async Task<int> Main(string[] args)
    {
        if (args.FirstOrDefault() == "soak")
        {
            var soakRun = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
            var soakKey = await Platform.IssueApiKeyAsync($"bench-soak-{soakRun}");
            await PromiseCallbacksInAWeekAsync(soakKey);
            await StepAsync(soakKey, $"{soakRun}-w", 20, 5, sampled: false);
            return await Soak.RunAsync(soakKey, soakRun,
                args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30,
                args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25,
                async (prefix, rate, seconds) =>
                {
                    var r = await StepAsync(soakKey, prefix, rate, seconds, sampled: true);
                    return (r.Answered[0.99], r.Readable[0.99], r.Errors + r.Unreadable);
                }, Platform);
        }

        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        var rates = (args.Length > 1 ? args[1] : "50,100,200,300,400,500,600,800").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        var run = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
        var apiKey = await Platform.IssueApiKeyAsync($"bench-appeals-{run}");
        await PromiseCallbacksInAWeekAsync(apiKey);

        Console.WriteLine($"Traces sampled by the services: {ProcessCpu.TraceSampling()}");
        Console.WriteLine($"Baselines on the same servers ({Environment.ProcessorCount} cores, everything on this machine):");
        var pg = await Baselines.PgbenchAsync(Platform, 10);
        Console.WriteLine(pg is { } p
            ? string.Create(CultureInfo.InvariantCulture, $"  PostgreSQL (pgbench, appeal + outbox row per transaction, 4 clients): {p.Tps:0} transactions/s, {p.LatencyMs:0.00} ms average, PostgreSQL's CPU {p.CpuMsPerTransaction:0.000} ms per transaction")
            : "  PostgreSQL: pgbench is not installed (Debian's postgresql package has it); skipped");
        var (mtRate, mtLatency, mtCpu) = await Baselines.MassTransitAsync(Platform, 20_000);
        // What the servers alone spend, by this run's baselines: each step prices its transactions and deliveries with it.
        var serverCost = new ServerCost(pg?.CpuMsPerTransaction ?? double.NaN, mtCpu);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  RabbitMQ (MassTransit publish with confirms + consume, 16 publishers): {mtRate:0} messages/s, p50 {mtLatency[0.5]:0.0} ms, p99 {mtLatency[0.99]:0.0} ms, CPU {mtCpu:0.000} ms per message (the broker, the publisher and the consumer)"));

        // Warm-up, not measured: pools, plan caches and the JIT of every process on the path. .NET compiles hot methods
        // again, optimised, for minutes after a start: after a fixed 30 s at 100/s the JIT still took about a quarter of
        // the services' CPU in the first measured step. So the warm-up goes on, 20 s at a time, until the JIT has settled
        // (at most 3 minutes).
        var warmRate = Math.Min(rates[0], 100);
        await ProcessCpu.WarmUpAsync(async round =>
        {
            await StepAsync(apiKey, $"{run}-w{round}", warmRate, 20, sampled: false);
            return $"20 s at {warmRate}/s";
        }, maxRounds: 9);
        var statementsKept = await Statements.StartAsync(Server);
        var (idle, idleStatements) = await IdlePerSecondAsync(statementsKept);
        Console.WriteLine($"  Idle transactions/s (pollers; subtracted below): {string.Join(", ", idle.Select(i => $"{i.Key} {i.Value:0.0}"))}");
        if (!statementsKept) Console.WriteLine("  pg_stat_statements is not loaded on this server: no statement counts.");
        Console.WriteLine();

        // Every step's policies are loaded first, so that the statement statistics hold only what the appeals caused.
        // A step's policies and idempotency keys are its own, so a rate may be given twice (to watch a rate settle).
        for (var step = 0; step < rates.Length; step++) await LoadPoliciesAsync(apiKey, $"{run}-{step}", rates[step] * seconds);
        var results = new List<StepResult>();
        if (statementsKept) await Statements.ResetAsync(Server);
        for (var step = 0; step < rates.Length; step++)
        {
            var result = await StepAsync(apiKey, $"{run}-{step}", rates[step], seconds, sampled: true, idle, idleStatements, policiesLoaded: true);
            results.Add(result);
            Print(results, serverCost);
            if (result.Broken) break;
        }

        var sustained = results.Where(r => !r.Broken && r.Readable[0.99] <= 250).MaxBy(r => r.Rate);
        Console.WriteLine();
        Console.WriteLine(sustained is null
            ? "No step held p99 <= 250 ms from 201 to a readable case."
            : string.Create(CultureInfo.InvariantCulture,
                $"Sustained with p99 <= 250 ms from the 201 to a readable case: {sustained.Rate}/s (p99 {sustained.Readable[0.99]:0} ms; the 201's p99 {sustained.Answered[0.99]:0} ms), {ProcessCpu.Platform.Sum(p => sustained.Cpu[p]):0.0} ms CPU per appeal in the platform's processes, " +
                $"{sustained.Transactions.Values.Sum():0.0} transactions and {sustained.Deliveries:0.0} messages consumed per appeal."));
        if (results.FirstOrDefault(r => r.Rate == 200) is { } at200)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"At 200/s: p99 {at200.Readable[0.99]:0} ms from the 201 to a readable case."));
        if (statementsKept)
            await Statements.PrintTopAsync(Server, StatementDatabases, results.Sum(r => r.Appeals), 12);
        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    /// <param name="Readable">From the 201 to the case being readable through the API: the issue's figure.</param>
    /// <param name="ReadableSinceSent">From the appeal's scheduled sending to the case being readable: the 201's own time included.</param>
    private sealed record StepResult(int Rate, int Appeals, double Achieved, Latencies Answered, Latencies Readable, Latencies ReadableSinceSent, int Errors, int Unreadable,
        double DrainSeconds, Dictionary<string, double> Cpu, Dictionary<string, double> Transactions, Dictionary<string, double>? Statements, double PollsPerAppeal, double WalKb,
        double Deliveries, (double Active, string Most, string OpenAtMost)? Waits, double[] SlowestByWindow)
    {
        /// <summary>
        /// The platform did not keep up: errors, a p99 over a second to the 201 or from it to a readable case, or a
        /// backlog it took long to drain.
        /// </summary>
        public bool Broken => Errors > 0 || Unreadable > 0 || Answered[0.99] > BrokenAfterMs || Readable[0.99] > BrokenAfterMs || DrainSeconds > 10;
    }

    /// <summary>PostgreSQL's CPU per pgbench transaction and the broker's and both ends' CPU per MassTransit message (ms).</summary>
    private sealed record ServerCost(double PerTransaction, double PerMessage);

    private static void Print(List<StepResult> results, ServerCost serverCost)
    {
        Console.WriteLine();
        Console.WriteLine("| appeals/s offered | answered/s | 201 p50 / p99 ms | readable after the 201 p50 / p99 / max ms | readable after sending p50 / p99 / max ms | drained after | errors |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Rate} | {r.Achieved:0} | {r.Answered[0.5]:0} / {r.Answered[0.99]:0} | {r.Readable[0.5]:0} / {r.Readable[0.99]:0} / {r.Readable.Max:0} | " +
                $"{r.ReadableSinceSent[0.5]:0} / {r.ReadableSinceSent[0.99]:0} / {r.ReadableSinceSent.Max:0} | {r.DrainSeconds:0.0} s | {r.Errors + r.Unreadable} |"));
        Console.WriteLine("(Readable: polled through the gateway every 25 ms from the 201 on (every 250 ms past a second), for 5 appeals a second; \"after sending\" adds the time the 201 took.)");
        Console.WriteLine();
        Console.WriteLine($"| the slowest readable after the 201 (ms), by the {WindowSeconds} s of the step its appeal was sent in | {string.Join(" | ", Enumerable.Range(0, results.Max(r => r.SlowestByWindow.Length)).Select(w => $"{w * WindowSeconds}-{(w + 1) * WindowSeconds} s"))} |");
        Console.WriteLine($"|---:|{string.Concat(Enumerable.Repeat("---:|", results.Max(r => r.SlowestByWindow.Length)))}");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Rate}/s | {string.Join(" | ", r.SlowestByWindow.Select(ms => ms > 0 ? ms.ToString("0", CultureInfo.InvariantCulture) : "-"))} |"));
        Console.WriteLine("(Whether a step's p99 is one stall of the machine, in one window, or the platform falling behind, in the later windows; \"-\": no followed appeal of the window became readable.)");
        Console.WriteLine();
        Console.WriteLine($"| per appeal at | {string.Join(" | ", ProcessCpu.Parts.Select(p => $"CPU {p}"))} | CPU platform | of which JIT | {string.Join(" | ", Databases.Select(d => $"xact {d}"))} | {string.Join(" | ", StatementDatabases.Select(d => $"stmts {d}"))} | WAL KB |");
        Console.WriteLine($"|---:|{string.Concat(Enumerable.Repeat("---:|", ProcessCpu.Parts.Length + 3 + Databases.Length + StatementDatabases.Length))}");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Rate}/s | {string.Join(" | ", ProcessCpu.Parts.Select(p => r.Cpu[p].ToString("0.00", CultureInfo.InvariantCulture)))} | {ProcessCpu.Platform.Sum(p => r.Cpu[p]):0.00} | {r.Cpu[Jit]:0.00} | " +
                $"{string.Join(" | ", Databases.Select(d => r.Transactions[d].ToString("0.0", CultureInfo.InvariantCulture)))} | " +
                $"{string.Join(" | ", StatementDatabases.Select(d => r.Statements?[d].ToString("0.0", CultureInfo.InvariantCulture) ?? "-"))} | {r.WalKb:0.0} |"));
        Console.WriteLine();
        Console.WriteLine($"| \"services\" per appeal at | {string.Join(" | ", ProcessCpu.Services)} |");
        Console.WriteLine($"|---:|{string.Concat(Enumerable.Repeat("---:|", ProcessCpu.Services.Length))}");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Rate}/s | {string.Join(" | ", ProcessCpu.Services.Select(p => r.Cpu[p].ToString("0.00", CultureInfo.InvariantCulture)))} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(CPU in ms; \"platform\" is every process production runs too (the dashboard and the bench left out), including serving the bench's readability polls, {results[^1].PollsPerAppeal:0.00} per appeal, whose transactions and statements are subtracted; " +
            $"\"of which JIT\" is the .NET services' tiered compilation, still recompiling hot code after their start; " +
            $"statements exclude BEGIN and COMMIT, and need pg_stat_statements, which ./platform up loads.)"));
        Console.WriteLine();
        Console.WriteLine("| sessions at | active in the services' databases, on average | what they were doing most (share of the active sessions) | open at once, at most |");
        Console.WriteLine("|---:|---:|---|---|");
        foreach (var r in results.Where(r => r.Waits is not null))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Rate}/s | {r.Waits!.Value.Active:0.0} | {r.Waits.Value.Most} | {r.Waits.Value.OpenAtMost} |"));
        Console.WriteLine("(pg_stat_activity every 100 ms while the step's appeals were sent: the statement, and what its session waited for; a " +
            "commit waiting on \"LWLock: WALWrite\" waits for another session's flush of the WAL, which is group commit; \"open at once\" is " +
            "the most sessions a database had, active or idle in a pool, in any one sample, the bench's own included.)");
        Console.WriteLine();
        Console.WriteLine("| per appeal at | transactions, all databases | messages consumed (inbox rows) | the servers at the baselines' cost | CPU platform | at most, on these cores, at the baselines' cost |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var floor = r.Transactions.Values.Sum() * serverCost.PerTransaction + r.Deliveries * serverCost.PerMessage;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Rate}/s | {r.Transactions.Values.Sum():0.0} | {r.Deliveries:0.0} | {floor:0.00} ms | {ProcessCpu.Platform.Sum(p => r.Cpu[p]):0.00} ms | {Environment.ProcessorCount * 1000 / floor:0} appeals/s |"));
        }
        Console.WriteLine("(Each transaction priced at PostgreSQL's CPU for one of pgbench's, each message consumed at the broker's and both ends' CPU " +
            "for one of the MassTransit baseline's: what an appeal's commits and deliveries cost the servers and the messaging alone, before " +
            "the services' HTTP, JSON, SQL and rules. The platform's messages are durable and its transactions do more than the baselines', so this is below what they cost.)");
    }

    private static async Task<StepResult> StepAsync(AuthenticationHeaderValue apiKey, string prefix, int rate, int seconds, bool sampled,
        Dictionary<string, double>? idle = null, Dictionary<string, double>? idleStatements = null, bool policiesLoaded = false)
    {
        var count = rate * seconds;
        if (!policiesLoaded) await LoadPoliciesAsync(apiKey, prefix, count);
        var filedBefore = await FiledAsync();

        var answered = new Latencies();
        var readable = new Latencies();
        var readableSinceSent = new Latencies();
        var byWindow = new double[(seconds + WindowSeconds - 1) / WindowSeconds]; // the slowest readable figure sent in each window
        int errors = 0, unreadable = 0, polls = 0;
        long lastAnswer = 0;
        var every = Math.Max(1, rate / SampledPerSecond);
        await CheckpointAsync();
        var cpuBefore = ProcessCpu.Snapshot();
        var jit = ProcessCpu.SampleJit();
        var xactBefore = await TransactionsAsync();
        var statementsBefore = idleStatements is null ? null : await Statements.CountAsync(Server, StatementDatabases);
        var walBefore = await WalBytesAsync();
        var inboxBefore = await InboxRowsAsync();
        var waits = sampled ? Waits.Start(Server, Databases) : null;
        // The step's start, to find it in the dashboard's traces and the servers' logs.
        if (sampled) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {rate}/s for {seconds} s from {DateTime.UtcNow:HH:mm:ss.f} UTC"));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            using var request = Platform.Via(HttpMethod.Post, "/api/intake/appeals", apiKey, JsonContent.Create(Appeal(prefix, i)));
            request.Headers.Add("Idempotency-Key", $"{prefix}-{i}");
            Guid id;
            TimeSpan answeredAt;
            try
            {
                using var response = await Platform.Http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                answeredAt = clock.Elapsed;
                answered.Add((answeredAt - due).TotalMilliseconds);
                Interlocked.Exchange(ref lastAnswer, Math.Max(Interlocked.Read(ref lastAnswer), clock.ElapsedTicks));
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    if (Interlocked.Increment(ref errors) <= 3) Console.WriteLine($"  {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
                    return;
                }
                id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
            }
            catch (HttpRequestException e)
            {
                if (Interlocked.Increment(ref errors) <= 3) Console.WriteLine($"  {e.Message}");
                return;
            }
            if (!sampled || i % every != 0) return;
            while ((clock.Elapsed - answeredAt).TotalSeconds < 60)
            {
                Interlocked.Increment(ref polls);
                using var read = Platform.Via(HttpMethod.Get, $"/api/cases/cases?appealId={id}&pageSize=1", apiKey);
                using var answer = await Platform.Http.SendAsync(read);
                if (!answer.IsSuccessStatusCode)
                {
                    if (Interlocked.Increment(ref errors) <= 3) Console.WriteLine($"  reading the case: {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
                    return;
                }
                if ((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength() > 0)
                {
                    var ms = (clock.Elapsed - answeredAt).TotalMilliseconds;
                    readable.Add(ms);
                    lock (byWindow) { ref var slowest = ref byWindow[(int)due.TotalSeconds / WindowSeconds]; slowest = Math.Max(slowest, ms); }
                    readableSinceSent.Add((clock.Elapsed - due).TotalMilliseconds);
                    return;
                }
                // The resolution of the readable figure; more often, and the polls become the load. Past the time that
                // breaks a step, polling as often would put a poll storm on a platform with a backlog (at 400/s, 15 s
                // behind: 1.9 polls per appeal, against 0.05 on time).
                await Task.Delay((clock.Elapsed - answeredAt).TotalMilliseconds < BrokenAfterMs ? 25 : 250);
            }
            Interlocked.Increment(ref unreadable);
        }));
        var sent = clock.Elapsed;
        var waited = waits is null ? default((double, string, string)?) : await waits.StopAsync();
        var answeredIn = TimeSpan.FromSeconds((double)Interlocked.Read(ref lastAnswer) / Stopwatch.Frequency);

        // Every appeal filed into a case (not only the sampled ones) before the step's CPU and transactions are read.
        var answeredOk = count - errors;
        var bookkeeping = 0;
        while (await FiledAsync() - filedBefore < answeredOk && clock.Elapsed - sent < TimeSpan.FromSeconds(60))
        {
            bookkeeping++;
            await Task.Delay(100);
        }
        var drained = (clock.Elapsed - sent).TotalSeconds;
        await Task.Delay(1500); // PostgreSQL publishes its statistics counters about once a second
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuAfter = ProcessCpu.Snapshot();
        var jitSeconds = await jit.StopAsync();
        var xactAfter = await TransactionsAsync();
        var statementsAfter = statementsBefore is null ? null : await Statements.CountAsync(Server, StatementDatabases);
        var walAfter = await WalBytesAsync();
        var inboxAfter = await InboxRowsAsync();

        var cpu = ProcessCpu.Measured.ToDictionary(p => p, p => (cpuAfter[p] - cpuBefore[p]) * 1000 / Math.Max(1, answeredOk));
        cpu[Jit] = jitSeconds * 1000 / Math.Max(1, answeredOk);
        var transactions = Databases.ToDictionary(d => d, d =>
        {
            var own = d switch { "cases" => polls + bookkeeping + 2, "intake" => 0, _ => 0 }; // the bench's reads
            var background = idle is null ? 0 : idle[d] * elapsed;
            return Math.Max(0, xactAfter[d] - xactBefore[d] - own - background) / Math.Max(1, answeredOk);
        });
        var statements = statementsBefore is null ? null : StatementDatabases.ToDictionary(d => d, d =>
        {
            // The bench's counts of filed appeals, and its readability polls: each is a page of the case list and its
            // total (two statements, CaseStore.ListAsync).
            var own = d == "cases" ? bookkeeping + 2 + StatementsPerPoll * polls : 0;
            return Math.Max(0, statementsAfter![d] - statementsBefore[d] - own - idleStatements![d] * elapsed) / Math.Max(1, answeredOk);
        });
        return new StepResult(rate, answeredOk, (count - errors) / answeredIn.TotalSeconds, answered, readable, readableSinceSent, errors, unreadable, drained, cpu, transactions, statements,
            (double)polls / Math.Max(1, answeredOk), (walAfter - walBefore) / 1024.0 / Math.Max(1, answeredOk),
            (double)(inboxAfter - inboxBefore) / Math.Max(1, answeredOk), waited, byWindow);
    }

    private static object Appeal(string prefix, int i) => new
    {
        channel = (i % 3) switch { 0 => "phone", 1 => "chat", _ => "email" },
        caller = new { name = "Мария Иванова", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
        insured = new { policyNumber = $"BENCH-{prefix}-{i:D6}", fullName = $"Пётр Бенчев {prefix}-{i}", dateOfBirth = "1956-04-12" },
        location = new { country = "TR", city = "Antalya" },
        description = i % 10 == 0 ? "Боль в груди с утра, отдаёт в левую руку." : "Высокая температура третий день, просит врача в отель.",
    };

    /// <summary>
    /// Nobody calls the bench's callers back, so their callbacks would fall due during the run (or the next one) and the
    /// SLA clock would escalate thousands of them beside the measured load. The bench tenant promises a week instead.
    /// </summary>
    private static async Task PromiseCallbacksInAWeekAsync(AuthenticationHeaderValue apiKey)
    {
        var week = 7 * 24 * 60;
        using var request = Platform.Via(HttpMethod.Put, "/api/intake/settings", apiKey, JsonContent.Create(new
        {
            redFlags = new[] { "боль в груди", "chest pain", "без сознания", "unconscious" },
            callbackMinutes = new Dictionary<string, int> { ["emergency"] = week, ["urgent"] = week, ["telemedicine"] = week, ["planned"] = week },
        }));
        using var response = await Platform.Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Setting the bench tenant's callback times answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}{Hint(response)}");
    }

    /// <summary>One policy per appeal of the step, so that every appeal checks a real policy and opens a case of its own.</summary>
    private static async Task LoadPoliciesAsync(AuthenticationHeaderValue apiKey, string prefix, int count)
    {
        var csv = new StringBuilder("policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,insured_document,limits,deductible,covered_risks,excluded_risks,assistance_partner\n");
        for (var i = 0; i < count; i++)
            csv.Append(CultureInfo.InvariantCulture,
                $"BENCH-{prefix}-{i:D6},Comfort,2026-06-01,2027-05-31,WORLD,Пётр Бенчев {prefix}-{i},1956-04-12,,medical-expenses:50000:EUR;repatriation:10000:EUR,100:EUR,illness;accident,pre-existing-conditions,Global Assist\n");
        using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
        using var request = Platform.Via(HttpMethod.Post, "/api/intake/policies/batch", apiKey, content);
        using var response = await Platform.Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Loading the step's policies answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}{Hint(response)}");
    }

    /// <summary>What to do about a 429: the bench sends far more than a tenant's default limit allows.</summary>
    private static string Hint(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.TooManyRequests
        ? $" Raise the bench tenant's limit for the run: {RunningPlatform.RaisedLimit}"
        : "";

    private static async Task<long> FiledAsync()
    {
        await using var cmd = CasesDatabase.CreateCommand("SELECT count(*) FROM case_appeals WHERE tenant_id = 'bench'");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// A step starts with a checkpoint (before its CPU is counted): the first change of each page after one writes the
    /// whole page to the WAL, so without it a step's WAL would depend on when the last checkpoint happened to run.
    /// </summary>
    private static async Task CheckpointAsync()
    {
        await using var cmd = Server.CreateCommand("CHECKPOINT");
        cmd.CommandTimeout = 120;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The WAL PostgreSQL has written so far (every database; the pollers' share is small): what each appeal costs the
    /// disk, since commits wait for it.
    /// </summary>
    private static async Task<long> WalBytesAsync()
    {
        await using var cmd = Server.CreateCommand("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
        return (long)(decimal)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The messages the services have consumed so far: every consumer records each message it applies in its
    /// service's inbox (exactly once), so the inbox's inserted rows count the deliveries an appeal causes.
    /// </summary>
    private static async Task<long> InboxRowsAsync()
    {
        long rows = 0;
        foreach (var database in ServiceDatabases.Values)
        {
            await using var cmd = database.CreateCommand("SELECT coalesce(sum(n_tup_ins), 0)::bigint FROM pg_stat_user_tables WHERE relname = 'inbox_messages'");
            rows += (long)(await cmd.ExecuteScalarAsync())!;
        }
        return rows;
    }

    /// <summary>Transactions (committed and rolled back) each service's database has run so far.</summary>
    private static async Task<Dictionary<string, double>> TransactionsAsync()
    {
        await using var cmd = Server.CreateCommand("SELECT datname, xact_commit + xact_rollback FROM pg_stat_database WHERE datname = ANY(@names)");
        cmd.Parameters.AddWithValue("names", Databases);
        var result = Databases.ToDictionary(d => d, _ => 0.0);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result[r.GetString(0)] = r.GetInt64(1);
        return result;
    }

    /// <summary>The transactions (and statements) the services' pollers run with no load (outbox relays, SLA clock, webhooks), per second.</summary>
    private static async Task<(Dictionary<string, double> Transactions, Dictionary<string, double>? Statements)> IdlePerSecondAsync(bool statementsKept)
    {
        await Task.Delay(5000); // the warm-up's last events settle
        var before = await TransactionsAsync();
        var statementsBefore = statementsKept ? await Statements.CountAsync(Server, StatementDatabases) : null;
        await Task.Delay(10_000);
        var after = await TransactionsAsync();
        var statementsAfter = statementsKept ? await Statements.CountAsync(Server, StatementDatabases) : null;
        return (Databases.ToDictionary(d => d, d => (after[d] - before[d]) / 10.0),
            statementsBefore is null ? null : StatementDatabases.ToDictionary(d => d, d => (statementsAfter![d] - statementsBefore[d]) / 10.0));
    }
}
