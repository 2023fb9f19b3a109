using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Bench.Kit;
using Platform.ClinicNetwork.Register;
using Platform.ClinicNetwork.Search;
using Platform.Tests;

namespace Platform.Bench.ClinicSearch;

/// <summary>
/// Nearest-clinic search over N clinics (default 100,000), open loop at a fixed rate (default 200 searches/s): the
/// service's own search (ClinicSearch.SearchAsync: the KNN candidate query, quality scores, ranking) on its own
/// connection pool, against the same query with index scans disabled (a sequential scan) in the same run.
/// Latency is from the instant a search was due to its answer, so a variant that cannot keep up shows its queue.
/// Usage: dotnet run -c Release --project bench/ClinicSearch [N] [--rate 200] [--seconds 20] [--keep]
/// PostgreSQL: a throw-away server started through Aspire for this process (TestEnvironment, fsync off).
/// </summary>
public static class ClinicSearchBenchmark
{
    private const string Tenant = "bench";
    private static readonly DateTimeOffset Now = new(2026, 6, 10, 14, 0, 0, TimeSpan.Zero);

    public static async Task<int> Main(string[] args)
    {
        var count = args.Where((a, i) => int.TryParse(a, out _) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal)))
            .Select(a => int.Parse(a, CultureInfo.InvariantCulture)).DefaultIfEmpty(100_000).First();
        var rate = Option(args, "--rate", 200);
        var seconds = Option(args, "--seconds", 20);
        var connectionString = await TestEnvironment.CreateDatabaseAsync("clinicsearch");
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 16, MaxAutoPrepare = 16 }.ConnectionString);
        // The baseline: the same statements with the index unusable, so the planner scans the table.
        var sequential = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
            { MaxPoolSize = 16, MaxAutoPrepare = 16, Options = "-c enable_indexscan=off -c enable_bitmapscan=off" }.ConnectionString);
        try
        {
            await new SchemaMigrator(dataSource, [new MigrationSource("ClinicNetwork", typeof(ClinicLoader).Assembly)],
                NullLogger<SchemaMigrator>.Instance).StartAsync(CancellationToken.None);
            var loader = new ClinicLoader(dataSource, Options.Create(new JsonOptions()), TimeProvider.System);
            var csv = Generate(count, seed: 2026);
            var watch = Stopwatch.StartNew();
            var outcome = await loader.LoadCsvAsync(Tenant, new MemoryStream(csv), default);
            if (outcome.Errors is { } errors) throw new InvalidOperationException(string.Join("; ", errors.Take(5).Select(e => $"{e.Key}: {e.Value[0]}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Network: {count:N0} clinics over the continental US ({csv.Length / 1024.0 / 1024.0:F1} MiB CSV), loaded through the register loader in {watch.Elapsed.TotalSeconds:F1} s"));
            await using (var analyze = dataSource.CreateCommand("ANALYZE clinics")) await analyze.ExecuteNonQueryAsync();

            var queries = Queries(rate * seconds, seed: 7);
            Console.WriteLine($"Searches: {queries.Count:N0} at {rate}/s for {seconds} s each (a mix: 50% planned within 50 km, 25% urgent open-now " +
                $"within 50 km, 25% cardiology within 200 km; 10 results from the nearest 50 qualifying), 16 connections, {Environment.ProcessorCount} cores");

            // Warm-up of both paths (JIT, plans, cache), not measured.
            await RunAsync(dataSource, queries.Take(200).ToList(), rate, TimeSpan.FromSeconds(10));
            await RunAsync(sequential, queries.Take(10).ToList(), rate, TimeSpan.FromSeconds(30));

            var knn = await RunAsync(dataSource, queries, rate, TimeSpan.FromSeconds(15));
            var scan = await RunAsync(sequential, queries, rate, TimeSpan.FromSeconds(15));

            Console.WriteLine();
            Console.WriteLine($"{"",-34} {"KNN on GiST",14} {"sequential scan",16} {"ratio",8}");
            Row("p50 latency (ms)", knn.Latency[0.5], scan.Latency[0.5]);
            Row("p99 latency (ms)", knn.Latency[0.99], scan.Latency[0.99]);
            Row("max latency (ms)", knn.Latency.Max, scan.Latency.Max);
            Console.WriteLine($"{"answered / sent",-34} {$"{knn.Latency.Count}/{queries.Count}",14} {$"{scan.Latency.Count}/{queries.Count}",16}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"answered per second",-34} {knn.Latency.Count / knn.Elapsed.TotalSeconds,14:F0} {scan.Latency.Count / scan.Elapsed.TotalSeconds,16:F0}"));
            Console.WriteLine($"{"results per search (mean)",-34} {knn.Results / Math.Max(1.0, knn.Latency.Count),14:F1} {scan.Results / Math.Max(1.0, scan.Latency.Count),16:F1}");
            if (scan.Latency.Count < queries.Count)
                Console.WriteLine($"The sequential scan did not keep up: {queries.Count - scan.Latency.Count} searches unanswered 15 s after the last was due (its p99 counts only those answered).");
            return 0;
        }
        finally
        {
            await dataSource.DisposeAsync();
            await sequential.DisposeAsync();
            if (!args.Contains("--keep"))
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(TestEnvironment.Postgres);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    private static void Row(string label, double knn, double scan) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-34} {knn,14:F2} {scan,16:F2} {scan / knn,7:F0}x"));

    private sealed record Run(Latencies Latency, long Results, TimeSpan Elapsed);

    /// <summary>Open loop: search i is due at i/rate; waits for answers until <paramref name="grace"/> after the last is due.</summary>
    private static async Task<Run> RunAsync(NpgsqlDataSource dataSource, IReadOnlyList<SearchQuery> queries, int rate, TimeSpan grace)
    {
        var latencies = new Latencies();
        long results = 0;
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>(queries.Count);
        for (var i = 0; i < queries.Count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var query = queries[i];
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await using var connection = await dataSource.OpenConnectionAsync(stop.Token);
                    var found = await Platform.ClinicNetwork.Search.ClinicSearch.SearchAsync(connection, Tenant, query, Now, stop.Token);
                    Interlocked.Add(ref results, found.Count);
                    latencies.Add((clock.Elapsed - due).TotalMilliseconds);
                }
                catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or NpgsqlException) { }
            }));
        }
        var last = clock.Elapsed;
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(grace));
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        try { await Task.WhenAll(tasks); } catch (Exception) { }
        return new Run(latencies, results, latencies.Count == queries.Count ? elapsed : last);
    }

    private static List<SearchQuery> Queries(int count, int seed)
    {
        var random = new Random(seed);
        var queries = new List<SearchQuery>(count);
        for (var i = 0; i < count; i++)
        {
            var (latitude, longitude) = Point(random);
            queries.Add((i % 4) switch
            {
                0 or 1 => new SearchQuery(latitude, longitude, 50, 10, null, Urgencies.Planned, null, null, false),
                2 => new SearchQuery(latitude, longitude, 50, 10, null, Urgencies.Urgent, null, null, false),
                _ => new SearchQuery(latitude, longitude, 200, 10, "cardiology", null, null, null, false),
            });
        }
        return queries;
    }

    private static (double, double) Point(Random random) => (25 + random.NextDouble() * 24, -124 + random.NextDouble() * 57);

    private static readonly string[] Specialties = ["general-medicine", "emergency", "cardiology", "orthopaedics", "paediatrics", "dentistry", "surgery"];
    private static readonly string[] Languages = ["en", "es", "ru", "de", "fr", "zh"];

    /// <summary>Clinics scattered over the continental US, a fifth of them in ten metropolitan clusters.</summary>
    private static byte[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        (double, double)[] metros = [(40.71, -74.0), (34.05, -118.24), (41.88, -87.63), (29.76, -95.37), (33.45, -112.07),
            (25.76, -80.19), (28.54, -81.38), (47.61, -122.33), (39.74, -104.99), (42.36, -71.06)];
        var csv = new StringBuilder("code,name,country,city,address,latitude,longitude,specialties,languages,admits_24_7,direct_billing,opening_hours\n");
        for (var i = 0; i < count; i++)
        {
            var (latitude, longitude) = i % 5 == 0
                ? (metros[i % 10].Item1 + (random.NextDouble() - 0.5) * 0.6, metros[i % 10].Item2 + (random.NextDouble() - 0.5) * 0.6)
                : Point(random);
            var specialties = string.Join(';', Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Specialties[random.Next(Specialties.Length)]).Distinct());
            var languages = string.Join(';', new[] { "en", Languages[random.Next(Languages.Length)] }.Distinct());
            var hours = random.Next(3) switch { 0 => "1-5 08:00-20:00", 1 => "1-7 07:00-23:00", _ => "1-6 09:00-18:00;7 10:00-14:00" };
            csv.Append(CultureInfo.InvariantCulture, $"B-{i:D6},Clinic {i},US,City {i % 500},{i} Main Street,{latitude:F5},{longitude:F5},{specialties},{languages},");
            csv.Append(random.Next(5) == 0 ? "true" : "false").Append(',').Append(random.Next(2) == 0 ? "true" : "false").Append(',').Append(hours).Append('\n');
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
    }
}
