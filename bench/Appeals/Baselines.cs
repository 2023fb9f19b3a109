using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Bench.Kit;

namespace Platform.Bench.Appeals;

/// <summary>What the servers themselves can do, measured on the same servers in the same run as the appeals.</summary>
public static partial class Baselines
{
    /// <summary>
    /// pgbench with an appeal-like write (an appeal row and an outbox row in one transaction, as Intake writes one), 4 clients,
    /// prepared statements, in a scratch database of the platform's PostgreSQL: the database's ceiling for the write
    /// an appeal needs, and PostgreSQL's CPU per such transaction. Null when pgbench is not installed (it comes with
    /// Debian's postgresql package).
    /// </summary>
    public static async Task<(double Tps, double LatencyMs, double CpuMsPerTransaction)?> PgbenchAsync(RunningPlatform platform, int seconds)
    {
        var pgbench = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pgbench")).FirstOrDefault(File.Exists)
            : null;
        if (pgbench is null) return null;

        var server = new NpgsqlConnectionStringBuilder(platform.Postgres);
        await using (var admin = new NpgsqlConnection(platform.Postgres))
        {
            await admin.OpenAsync();
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = 'bench_baseline'", admin);
            if (await exists.ExecuteScalarAsync() is null)
                await new NpgsqlCommand("CREATE DATABASE bench_baseline", admin).ExecuteNonQueryAsync();
        }
        await using (var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(platform.Postgres) { Database = "bench_baseline" }.ConnectionString))
        {
            await db.OpenAsync();
            await new NpgsqlCommand("""
                DROP TABLE IF EXISTS appeals, outbox;
                CREATE TABLE appeals (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id text NOT NULL, body jsonb NOT NULL,
                                      registered_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX ON appeals (tenant_id, registered_at);
                CREATE TABLE outbox (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body jsonb NOT NULL, sent_at timestamptz);
                CREATE INDEX ON outbox (id) WHERE sent_at IS NULL;
                """, db).ExecuteNonQueryAsync();
        }

        var script = Path.Combine(Path.GetTempPath(), "bench-appeal.sql");
        var body = """{"caller":{"name":"Maria Ivanova","relation":"daughter","phone":"+7 916 555-01-02"},"insured":{"policyNumber":"TRV-2026-0000001","fullName":"Pyotr Ivanov"},"description":"Chest pain since the morning, in a hotel in Antalya."}""";
        await File.WriteAllTextAsync(script, $"""
            BEGIN;
            INSERT INTO appeals (tenant_id, body) VALUES ('bench', '{body}');
            INSERT INTO outbox (body) VALUES ('{body}');
            COMMIT;

            """);
        var start = new ProcessStartInfo(pgbench, ["-n", "-M", "prepared", "-c", "4", "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture),
            "-h", server.Host!, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.Username!, "-f", script, "bench_baseline"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = server.Password;
        var cpuBefore = ProcessCpu.Snapshot();
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        // pgbench's backends end after it has: until the postmaster has reaped one, its CPU is in neither its own
        // process (an exiting backend's command line is gone) nor the postmaster's children's time.
        await BackendsGoneAsync(platform, "pgbench");
        var postgresSeconds = ProcessCpu.Snapshot()["postgres"] - cpuBefore["postgres"];
        var tps = TpsLine().Match(output);
        var latency = LatencyLine().Match(output);
        if (!tps.Success)
            throw new InvalidOperationException($"pgbench said: {output}{await process.StandardError.ReadToEndAsync()}");
        var rate = double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
        return (rate, latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN,
            postgresSeconds * 1000 / (rate * seconds));
    }

    /// <summary>Waits (up to 5 s) until no session of <paramref name="application"/> is left, and a moment for the postmaster to reap them.</summary>
    private static async Task BackendsGoneAsync(RunningPlatform platform, string application)
    {
        await using var admin = new NpgsqlConnection(platform.Postgres);
        await admin.OpenAsync();
        await using var left = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", admin) { Parameters = { new() { Value = application } } };
        for (var i = 0; i < 50 && (long)(await left.ExecuteScalarAsync())! > 0; i++) await Task.Delay(100);
        await Task.Delay(200);
    }

    [GeneratedRegex(@"tps = ([\d.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"latency average = ([\d.]+) ms")]
    private static partial Regex LatencyLine();

    public sealed record Ping(long SentAt);

    public sealed class PingConsumer(Latencies latencies, CountdownEvent remaining) : IConsumer<Ping>
    {
        public Task Consume(ConsumeContext<Ping> context)
        {
            latencies.Add(Stopwatch.GetElapsedTime(context.Message.SentAt).TotalMilliseconds);
            remaining.Signal();
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// MassTransit on the platform's broker with nothing else: <paramref name="count"/> messages published with
    /// confirms by 16 concurrent publishers and consumed from a queue of their own, with MassTransit's defaults.
    /// Messages per second from the first publish to the last consume, publish-to-consume latency, and the CPU per
    /// message of the broker and of the two ends (this process publishes and consumes; in the platform a relay and a
    /// consumer do). The queue is not durable, so a message here costs the broker less than the platform's do.
    /// </summary>
    public static async Task<(double Rate, Latencies Latency, double CpuMsPerMessage)> MassTransitAsync(RunningPlatform platform, int count)
    {
        var latencies = new Latencies();
        using var remaining = new CountdownEvent(count);
        var services = new ServiceCollection();
        services.AddSingleton(latencies);
        services.AddSingleton(remaining);
        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<PingConsumer>();
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(platform.RabbitMQ);
                cfg.ReceiveEndpoint("bench-baseline-ping", e =>
                {
                    e.AutoDelete = true;
                    e.Durable = false;
                    e.ConfigureConsumer<PingConsumer>(context);
                });
            });
        });
        await using var provider = services.BuildServiceProvider();
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try
        {
            for (var i = 0; i < 200; i++) await control.Publish(new Ping(Stopwatch.GetTimestamp())); // warm up
            while (latencies.Count < 200) await Task.Delay(10);
            latencies.Clear();

            var cpuBefore = ProcessCpu.Snapshot();
            var clock = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) < count) await control.Publish(new Ping(Stopwatch.GetTimestamp()));
            }));
            if (!remaining.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("The baseline's messages were not all consumed within a minute.");
            var elapsed = clock.Elapsed.TotalSeconds;
            var cpuAfter = ProcessCpu.Snapshot();
            var cpuSeconds = cpuAfter["rabbitmq"] - cpuBefore["rabbitmq"] + cpuAfter["bench"] - cpuBefore["bench"];
            return (count / elapsed, latencies, cpuSeconds * 1000 / count);
        }
        finally
        {
            await control.StopAsync();
        }
    }
}
