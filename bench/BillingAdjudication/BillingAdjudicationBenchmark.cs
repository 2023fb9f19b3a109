using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Billing.Decisions;
using Platform.Billing.Invoices;
using Platform.Bench.Kit;
using Platform.Messaging;
using Platform.Tests;

namespace Platform.Bench.BillingAdjudication;

/// <summary>
/// Adjudicates N invoices of 20 lines (default 10,000) through Billing's own <see cref="Adjudications.AdjudicateAsync"/>
/// (the case's cover locked, everything the rules need gathered in one batched round trip, the pure Adjudicator, the
/// revision, payment order and outbox events written in batches), against <see cref="NaiveAdjudicator"/>, the same
/// rules with one query per line for each thing a line needs and one INSERT per line decision, in the same run, on the
/// same data, at each number of concurrent workers (default 1, 4 and 8). Both take an invoice as the API's
/// "adjudicate again" does: one transaction, the invoice's row locked, the invoice read with InvoiceStore.GetAsync,
/// adjudicated, committed. Between runs the decisions, payment orders and outbox rows are removed and every invoice is
/// pending again. After each pair of runs both must have approved the same amounts (in total and per case; at one
/// worker the same decision on every line), or the program stops with exit code 1.
/// Usage: dotnet run -c Release --project bench/BillingAdjudication [--invoices 10000] [--workers 1,4,8] [--keep]
/// PostgreSQL: a throw-away server started through Aspire for this process (TestEnvironment, fsync off).
/// </summary>
public static class BillingAdjudicationBenchmark
{
    private const string By = "bench";

    private sealed record Run(string Implementation, int Workers, int Invoices, TimeSpan Elapsed, Latencies Latency, Adjudication[] Results,
        (decimal Approved, long Adjudications, long PaymentOrders, long Outbox) Stored)
    {
        public double InvoicesPerSecond => Invoices / Elapsed.TotalSeconds;
    }

    public static async Task<int> Main(string[] args)
    {
        var invoices = Option(args, "--invoices", 10_000);
        var workerCounts = (OptionText(args, "--workers") ?? "1,4,8").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        var seed = Seed.Generate(invoices, seed: 2026);
        var lines = seed.Invoices.Sum(i => i.Lines.Count);

        var connectionString = await TestEnvironment.CreateDatabaseAsync("billingbench");
        // As the service's data source (ServiceDefaults' AddPostgres): statements prepared automatically, no reset on close.
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
            { MaxAutoPrepare = 64, NoResetOnClose = true, MaxPoolSize = workerCounts.Max() + 2 }.ConnectionString);
        try
        {
            // The service's migrations as it applies them at start: Billing's, then the outbox's (AddMessaging).
            await new SchemaMigrator(dataSource,
                [new MigrationSource(typeof(Adjudications).Assembly.GetName().Name!, typeof(Adjudications).Assembly), new MigrationSource("messaging", typeof(Outbox).Assembly)],
                NullLogger<SchemaMigrator>.Instance).StartAsync(CancellationToken.None);
            await ExecuteAsync(dataSource, NaiveAdjudicator.Schema);

            var watch = Stopwatch.StartNew();
            await seed.WriteAsync(dataSource);
            await ExecuteAsync(dataSource, "VACUUM ANALYZE");
            var priceRows = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM clinic_prices");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Data: {seed.Cases.Count:N0} case covers (50,000 USD medical, 20,000 USD repatriation, 100 USD deductible), {seed.Letters:N0} guarantee letters " +
                $"(10,000 USD, 50 USD co-payment, 2 services excluded), {Seed.Clinics} clinics x {Seed.CodesPerClinic} codes ({priceRows:N0} price rows), " +
                $"{invoices:N0} invoices x {Seed.LinesPerInvoice} lines = {lines:N0} lines, all pending; written with COPY in {watch.Elapsed.TotalSeconds:F1} s"));
            var version = await ScalarAsync<string>(dataSource, "SHOW server_version");
            var fsync = await ScalarAsync<string>(dataSource, "SHOW fsync");
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
                $"PostgreSQL {version} on the same machine (fsync {fsync}, as TestEnvironment starts it)");

            var adjudications = new Adjudications(TimeProvider.System);
            var naive = new NaiveAdjudicator(TimeProvider.System);
            Func<NpgsqlTransaction, StoredInvoice, Task<Adjudication>> ours = async (tx, stored) =>
                (await adjudications.AdjudicateAsync(tx, stored, By, CancellationToken.None)).Adjudication
                ?? throw new InvalidOperationException($"Invoice {stored.Invoice.Number} stayed pending.");
            Func<NpgsqlTransaction, StoredInvoice, Task<Adjudication>> baseline = (tx, stored) => naive.AdjudicateAsync(tx, stored, By, CancellationToken.None);

            // Warm-up of both (JIT, prepared statements, caches) on the first invoices, not measured.
            var warmUp = seed.Invoices.Take(Math.Min(200, invoices)).ToList();
            await RunAsync(dataSource, "warm-up", 2, warmUp, ours);
            await ResetAsync(dataSource);
            await RunAsync(dataSource, "warm-up", 2, warmUp, baseline);

            var runs = new List<(Run Ours, Run Naive)>();
            foreach (var workers in workerCounts)
            {
                await ResetAsync(dataSource);
                var o = await RunAsync(dataSource, "ours (Adjudications)", workers, seed.Invoices, ours);
                Print(o);
                await ResetAsync(dataSource);
                var n = await RunAsync(dataSource, "naive (per line)", workers, seed.Invoices, baseline);
                Print(n);
                if (!Verify(seed, o, n)) return 1;
                runs.Add((o, n));
                if (workers == workerCounts[0]) PrintDecisionMix(o);
            }

            Console.WriteLine();
            Console.WriteLine($"{"implementation",-22} {"workers",7} {"invoices/s",11} {"lines/s",9} {"p50 ms",8} {"p99 ms",8} {"total s",8}");
            foreach (var (o, n) in runs)
                foreach (var r in new[] { o, n })
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Implementation,-22} {r.Workers,7} {r.InvoicesPerSecond,11:F1} {r.InvoicesPerSecond * Seed.LinesPerInvoice,9:F0} {r.Latency[0.5],8:F2} {r.Latency[0.99],8:F2} {r.Elapsed.TotalSeconds,8:F1}"));
            Console.WriteLine();
            Console.WriteLine($"{"ours / naive",-22} {"workers",7} {"throughput",11} {"p50",9} {"p99",8}");
            foreach (var (o, n) in runs)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{"",-22} {o.Workers,7} {o.InvoicesPerSecond / n.InvoicesPerSecond,10:F1}x {n.Latency[0.5] / o.Latency[0.5],8:F1}x {n.Latency[0.99] / o.Latency[0.99],7:F1}x"));
            Console.WriteLine("(throughput: ours' invoices/s over naive's; p50 and p99: naive's latency over ours', i.e. how many times faster ours is)");
            return 0;
        }
        finally
        {
            await dataSource.DisposeAsync();
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

    /// <summary>
    /// Closed loop: each worker takes the next invoice (in the order received) and adjudicates it as the API does, in a
    /// transaction of its own on a pooled connection: the invoice's row locked, the invoice read, decided, committed.
    /// </summary>
    private static async Task<Run> RunAsync(NpgsqlDataSource dataSource, string name, int workers, IReadOnlyList<InvoiceSeed> invoices,
        Func<NpgsqlTransaction, StoredInvoice, Task<Adjudication>> adjudicate)
    {
        var results = new Adjudication[invoices.Count];
        var latency = new Latencies();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < invoices.Count)
            {
                var started = Stopwatch.GetTimestamp();
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM invoices WHERE id = @id AND tenant_id = @tenant FOR UPDATE", connection, transaction))
                {
                    lockRow.Parameters.AddWithValue("id", invoices[i].Id);
                    lockRow.Parameters.AddWithValue("tenant", Seed.Tenant);
                    await lockRow.ExecuteScalarAsync();
                }
                var stored = await InvoiceStore.GetAsync(connection, transaction, Seed.Tenant, invoices[i].Id, CancellationToken.None)
                    ?? throw new InvalidOperationException($"Invoice {invoices[i].Number} not found.");
                if (stored.Status != InvoiceStatuses.Pending) throw new InvalidOperationException($"Invoice {invoices[i].Number} is {stored.Status}.");
                results[i] = await adjudicate(transaction, stored);
                await transaction.CommitAsync();
                latency.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var elapsed = clock.Elapsed;
        var stored = await StoredAsync(dataSource);
        return new Run(name, workers, invoices.Count, elapsed, latency, results, stored);
    }

    private static async Task<(decimal, long, long, long)> StoredAsync(NpgsqlDataSource dataSource)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT (SELECT coalesce(sum(approved), 0) FROM adjudications), (SELECT count(*) FROM adjudications),
                   (SELECT count(*) FROM payment_orders), (SELECT count(*) FROM outbox_messages)
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetDecimal(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
    }

    /// <summary>Every invoice pending again, nothing decided, ordered or reported; the tables vacuumed and analysed.</summary>
    private static async Task ResetAsync(NpgsqlDataSource dataSource)
    {
        await ExecuteAsync(dataSource, """
            TRUNCATE adjudications, payment_orders, outbox_messages, naive_line_decisions;
            UPDATE invoices SET status = 'pending', pending_reason = NULL, return_reason = NULL WHERE status <> 'pending';
            """);
        await ExecuteAsync(dataSource, "VACUUM ANALYZE");
        await ExecuteAsync(dataSource, "CHECKPOINT");
    }

    /// <summary>
    /// Both approved the same: in total, per case, and in what was written (adjudications, payment orders, outbox rows).
    /// Within a case the order in which concurrent workers take its invoices decides which invoice takes the deductible
    /// (and reaches the limit), so per invoice and per line the decisions must agree only with one worker.
    /// </summary>
    private static bool Verify(Seed seed, Run ours, Run naive)
    {
        var failures = new List<string>();
        void Same(string what, decimal a, decimal b)
        {
            if (a != b) failures.Add($"{what}: ours {a:N2}, naive {b:N2}");
        }
        Same("billed", ours.Results.Sum(a => a.Billed), naive.Results.Sum(a => a.Billed));
        Same("approved", ours.Results.Sum(a => a.Approved), naive.Results.Sum(a => a.Approved));
        Same("patient responsibility", ours.Results.Sum(a => a.PatientResponsibility), naive.Results.Sum(a => a.PatientResponsibility));
        Same("rejected", ours.Results.Sum(a => a.Rejected), naive.Results.Sum(a => a.Rejected));
        Same("approved, as stored", ours.Stored.Approved, naive.Stored.Approved);
        Same("approved, stored against returned", ours.Stored.Approved, ours.Results.Sum(a => a.Approved));
        Same("adjudications stored", ours.Stored.Adjudications, naive.Stored.Adjudications);
        Same("payment orders", ours.Stored.PaymentOrders, naive.Stored.PaymentOrders);
        Same("outbox rows", ours.Stored.Outbox, naive.Stored.Outbox);
        var byCase = seed.Invoices.Select((invoice, i) => (invoice.Case.Number, Ours: ours.Results[i].Approved, Naive: naive.Results[i].Approved))
            .GroupBy(x => x.Number).Select(g => (Case: g.Key, Ours: g.Sum(x => x.Ours), Naive: g.Sum(x => x.Naive))).Where(c => c.Ours != c.Naive).ToList();
        failures.AddRange(byCase.Take(5).Select(c => $"case {c.Case}: ours approved {c.Ours:N2}, naive {c.Naive:N2}"));
        if (byCase.Count > 5) failures.Add($"... {byCase.Count} cases differ");
        if (ours.Workers == 1)
        {
            var differing = Enumerable.Range(0, seed.Invoices.Count).Where(i => !SameLines(ours.Results[i].Lines, naive.Results[i].Lines)).ToList();
            failures.AddRange(differing.Take(3).Select(i => $"invoice {seed.Invoices[i].Number}: lines differ:\n  ours  {JsonSerializer.Serialize(ours.Results[i].Lines, PlatformJson.Options)}\n  naive {JsonSerializer.Serialize(naive.Results[i].Lines, PlatformJson.Options)}"));
            if (differing.Count > 3) failures.Add($"... {differing.Count} invoices decided differently");
        }
        if (failures.Count > 0)
        {
            Console.Error.WriteLine($"CHECK FAILED at {ours.Workers} workers: the naive baseline did not decide as the real code did:");
            foreach (var f in failures) Console.Error.WriteLine("  " + f);
            return false;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  check at {ours.Workers} workers: both approved {ours.Stored.Approved:N2} USD of {ours.Results.Sum(a => a.Billed):N2} billed " +
            $"(patient {ours.Results.Sum(a => a.PatientResponsibility):N2}, not paid {ours.Results.Sum(a => a.Rejected):N2}), the same per case " +
            $"({seed.Cases.Count:N0}){(ours.Workers == 1 ? " and on every line" : "")}" +
            $"; {ours.Stored.Adjudications:N0} adjudications, {ours.Stored.PaymentOrders:N0} payment orders, {ours.Stored.Outbox:N0} outbox rows each: OK"));
        return true;
    }

    /// <summary>The same decision on every line: outcome, amounts (by value: 0.00 is 0) and adjustments in order.</summary>
    private static bool SameLines(IReadOnlyList<LineDecision> a, IReadOnlyList<LineDecision> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Line == p.Second.Line && p.First.Outcome == p.Second.Outcome
            && p.First.Billed == p.Second.Billed && p.First.Allowed == p.Second.Allowed && p.First.Paid == p.Second.Paid
            && p.First.PatientPays == p.Second.PatientPays && p.First.Override == p.Second.Override
            && p.First.Adjustments.SequenceEqual(p.Second.Adjustments));

    private static void PrintDecisionMix(Run run)
    {
        var lines = run.Results.SelectMany(a => a.Lines).ToList();
        var reasons = lines.SelectMany(l => l.Adjustments).GroupBy(a => $"{a.Group}-{a.Reason}").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count():N0}");
        Console.WriteLine($"  lines: {lines.Count(l => l.Outcome == LineOutcomes.Approved):N0} approved, {lines.Count(l => l.Outcome == LineOutcomes.Reduced):N0} reduced, " +
            $"{lines.Count(l => l.Outcome == LineOutcomes.Rejected):N0} rejected; adjustments: {string.Join(", ", reasons)}");
        Console.WriteLine("  (CO-45 above tariff, CO-18 duplicate, CO-96 not covered or excluded by the letter, CO-27 after the policy ended, " +
            "CO-119 over the limit, PR-1 deductible, PR-3 co-payment)");
    }

    private static void Print(Run r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Implementation}, {r.Workers} workers: {r.Invoices:N0} invoices in {r.Elapsed.TotalSeconds:F1} s, {r.InvoicesPerSecond:F1} invoices/s, " +
            $"p50 {r.Latency[0.5]:F2} ms, p99 {r.Latency[0.99]:F2} ms"));

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static string? OptionText(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text && int.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
