using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Intake.Policies;
using Platform.Tests;

namespace Platform.Bench.PolicyLoad;

/// <summary>
/// Loads a generated register of N policies (default 100,000) into a fresh database with the loader the API uses
/// (binary COPY into staging, set-based upsert), and measures a naive row-by-row INSERT on a sample for comparison.
/// Usage: dotnet run -c Release --project bench/PolicyLoad [N] [--baseline 5000] [--no-http] [--keep]
/// PostgreSQL, RabbitMQ and Redis: throw-away servers started through Aspire for this process (TestEnvironment, fsync off).
/// </summary>
public static class PolicyLoadBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        var count = args.FirstOrDefault(a => int.TryParse(a, out _)) is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 100_000;
        var sample = Math.Min(count, Option(args, "--baseline", 5_000));
        var keep = args.Contains("--keep");

        var policies = Register.Generate(count, seed: 2026);
        var insured = policies.Sum(p => p.Insured.Count);
        var csv = Register.ToCsv(policies);
        var json = JsonSerializer.SerializeToUtf8Bytes(policies, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Console.WriteLine($"Register: {count:N0} policies, {insured:N0} insured persons; CSV {Mib(csv.Length)}, JSON {Mib(json.Length)}");

        var connectionString = await TestEnvironment.CreateDatabaseAsync("policyload");
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        Console.WriteLine($"Database: {database} on {new NpgsqlConnectionStringBuilder(connectionString).Host}:{new NpgsqlConnectionStringBuilder(connectionString).Port}");
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var created = new List<string> { connectionString };
        try
        {
            await new SchemaMigrator(dataSource, [new MigrationSource("Intake", typeof(PolicyLoader).Assembly)],
                NullLogger<SchemaMigrator>.Instance).StartAsync(CancellationToken.None);
            var loader = new PolicyLoader(dataSource, Options.Create(new JsonOptions()));

            // Warm-up (JIT, connection pool, plan caches) on another tenant, so the first figure is not a cold start.
            await Measure(() => loader.LoadCsvAsync("bench-warmup", new MemoryStream(Register.ToCsv(Register.Generate(2_000, seed: 1))), default));

            Console.WriteLine();
            Console.WriteLine("COPY loader (the API's PolicyLoader, CSV parsing and validation included):");
            var first = await Measure(() => loader.LoadCsvAsync("bench", new MemoryStream(csv), default));
            Report("  CSV, first load (all inserts)", count, first);
            var second = await Measure(() => loader.LoadCsvAsync("bench", new MemoryStream(csv), default));
            Report("  CSV, second load (all updates)", count, second);
            var third = await Measure(() => loader.LoadJsonAsync("bench", new MemoryStream(json), default));
            Report("  JSON, third load (all updates)", count, third);

            Console.WriteLine();
            Console.WriteLine($"Baseline: naive row-by-row INSERT (one statement per policy and per insured person, one transaction,");
            Console.WriteLine($"objects already parsed), measured on {sample:N0} policies and extrapolated to {count:N0}:");
            var naive = await NaiveAsync(dataSource, "bench-naive", policies.Take(sample).ToList());
            var naiveRate = sample / naive.TotalSeconds;
            Console.WriteLine($"  measured: {naive.TotalSeconds,8:F2} s  {naiveRate,10:N0} policies/s");
            Console.WriteLine($"  extrapolated to {count:N0}: {count / naiveRate,8:F2} s");
            Console.WriteLine($"  COPY loader vs baseline: {count / first.TotalSeconds / naiveRate:F1}x faster (first load)");

            if (!args.Contains("--no-http")) created.AddRange(await ThroughHttpAsync(csv, count));
            return 0;
        }
        finally
        {
            await dataSource.DisposeAsync();
            if (!keep) await DropAsync(created);
        }
    }

    private static async Task<TimeSpan> Measure(Func<Task<PolicyLoadOutcome>> load)
    {
        var watch = Stopwatch.StartNew();
        var outcome = await load();
        watch.Stop();
        if (outcome.Errors is { } errors)
            throw new InvalidOperationException("The generated register was refused: " + string.Join("; ", errors.Take(5).Select(e => $"{e.Key}: {e.Value[0]}")));
        return watch.Elapsed;
    }

    private static void Report(string label, int count, TimeSpan elapsed) =>
        Console.WriteLine($"{label,-36} {elapsed.TotalSeconds,8:F2} s  {count / elapsed.TotalSeconds,10:N0} policies/s");

    /// <summary>What a first implementation would do: one INSERT per policy and per insured person.</summary>
    private static async Task<TimeSpan> NaiveAsync(NpgsqlDataSource dataSource, string tenant, IReadOnlyList<Policy> policies)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var policy in policies)
        {
            long id;
            await using (var upsert = new NpgsqlCommand("""
                INSERT INTO policies (tenant_id, policy_number, plan, starts_on, ends_on, territory, limits, deductible_amount,
                    deductible_currency, covered_risks, excluded_risks, assistance_partner)
                VALUES (@tenant, @number, @plan, @start, @end, @territory, @limits::jsonb, @deductible, @currency, @covered, @excluded, @partner)
                ON CONFLICT (tenant_id, policy_number) DO UPDATE SET plan = excluded.plan, starts_on = excluded.starts_on,
                    ends_on = excluded.ends_on, territory = excluded.territory, limits = excluded.limits,
                    deductible_amount = excluded.deductible_amount, deductible_currency = excluded.deductible_currency,
                    covered_risks = excluded.covered_risks, excluded_risks = excluded.excluded_risks,
                    assistance_partner = excluded.assistance_partner, updated_at = now()
                RETURNING id
                """, connection, transaction))
            {
                var p = upsert.Parameters;
                p.AddWithValue("tenant", tenant);
                p.AddWithValue("number", policy.PolicyNumber);
                p.AddWithValue("plan", policy.Plan);
                p.AddWithValue("start", policy.Period.Start);
                p.AddWithValue("end", policy.Period.End);
                p.AddWithValue("territory", policy.Territory.ToArray());
                p.AddWithValue("limits", JsonSerializer.Serialize(policy.Limits, JsonSerializerOptions.Web));
                p.AddWithValue("deductible", (object?)policy.Deductible?.Amount ?? DBNull.Value);
                p.AddWithValue("currency", (object?)policy.Deductible?.Currency ?? DBNull.Value);
                p.AddWithValue("covered", policy.CoveredRisks.ToArray());
                p.AddWithValue("excluded", policy.ExcludedRisks.ToArray());
                p.AddWithValue("partner", (object?)policy.AssistancePartner ?? DBNull.Value);
                id = (long)(await upsert.ExecuteScalarAsync())!;
            }
            await using (var delete = new NpgsqlCommand("DELETE FROM policy_insured WHERE tenant_id = @tenant AND policy_id = @id", connection, transaction))
            {
                delete.Parameters.AddWithValue("tenant", tenant);
                delete.Parameters.AddWithValue("id", id);
                await delete.ExecuteNonQueryAsync();
            }
            for (var i = 0; i < policy.Insured.Count; i++)
            {
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO policy_insured (policy_id, tenant_id, position, full_name, date_of_birth, document_number)
                    VALUES (@id, @tenant, @position, @name, @born, @document)
                    """, connection, transaction);
                insert.Parameters.AddWithValue("id", id);
                insert.Parameters.AddWithValue("tenant", tenant);
                insert.Parameters.AddWithValue("position", i);
                insert.Parameters.AddWithValue("name", policy.Insured[i].FullName);
                insert.Parameters.AddWithValue("born", policy.Insured[i].DateOfBirth);
                insert.Parameters.AddWithValue("document", (object?)policy.Insured[i].Document ?? DBNull.Value);
                await insert.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync();
        return watch.Elapsed;
    }

    /// <summary>Once through the API: Intake in process (no network, no gateway), POST /policies/batch as CSV.</summary>
    private static async Task<IEnumerable<string>> ThroughHttpAsync(byte[] csv, int count)
    {
        Console.WriteLine();
        Console.WriteLine("Through HTTP (Intake in process via WebApplicationFactory, POST /policies/batch, text/csv):");
        // WebApplicationFactory looks for the manifest naming Intake's content root in the working directory.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "None");
        var factory = new ServiceFactory<global::Program>("intakedb");
        try
        {
            await factory.InitializeAsync();
            var client = factory.ClientFor("bench-http");
            client.Timeout = TimeSpan.FromMinutes(10);
            var watch = Stopwatch.StartNew();
            var content = new ByteArrayContent(csv);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            var response = await client.PostAsync("/policies/batch", content);
            watch.Stop();
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) Console.WriteLine($"  {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
            else
            {
                Report("  CSV, first load", count, watch.Elapsed);
                Console.WriteLine($"  answer: {body}");
            }
        }
        catch (Exception e)
        {
            Console.WriteLine($"  skipped: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            await factory.DisposeAsync();
        }
        return factory.ConnectionString.Length > 0 ? [factory.ConnectionString] : [];
    }

    private static async Task DropAsync(IEnumerable<string> connectionStrings)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.Postgres);
        await admin.OpenAsync();
        foreach (var database in connectionStrings.Select(c => new NpgsqlConnectionStringBuilder(c).Database))
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
    }

    private static string Mib(long bytes) => $"{bytes / 1024.0 / 1024.0:F1} MiB ({bytes:N0} bytes)";
}

/// <summary>A plausible register: varied plans, territories, limits and one to four insured persons per policy.</summary>
public static class Register
{
    private static readonly string[] Plans = ["Basic", "Comfort", "Premium", "Family", "Schengen Visa"];
    private static readonly string[][] TerritoryChoices = [["WORLD"], ["SCHENGEN"], ["EUROPE", "TR"], ["WORLD-EXCL-US-CA"], ["TH", "VN", "ID"]];
    private static readonly string[] FirstNames = ["Ivan", "Pyotr", "Anna", "Maria", "Oleg", "Olga", "Sergei", "Elena", "Dmitry", "Natalia", "Alexei", "Irina"];
    private static readonly string[] LastNames = ["Ivanov", "Petrov", "Smirnov", "Kuznetsov", "Popov", "Vasiliev", "Sokolov", "Mikhailov", "Novikov", "Fedorov"];
    private static readonly string[] Partners = ["Global Assist", "Euro Care Assistance", "Asia Help 24"];

    public static List<Policy> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var policies = new List<Policy>(count);
        for (var i = 0; i < count; i++)
        {
            var start = new DateOnly(2026, 1, 1).AddDays(random.Next(365));
            var people = random.Next(10) switch { < 6 => 1, < 9 => 2, _ => 4 };
            var insured = new List<InsuredPerson>(people);
            for (var k = 0; k < people; k++)
                insured.Add(new InsuredPerson($"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}",
                    new DateOnly(1940, 1, 1).AddDays(random.Next(30_000)), random.Next(3) == 0 ? null : $"{random.Next(1000, 9999)} {random.Next(100000, 999999)}"));
            var currency = random.Next(2) == 0 ? "EUR" : "USD";
            var limits = new List<BenefitLimit>
            {
                new("medical-expenses", 30_000 * (1 + random.Next(4)), currency),
                new("repatriation", 10_000, currency),
            };
            if (random.Next(2) == 0) limits.Add(new BenefitLimit("rehabilitation", 5_000, currency));
            if (random.Next(3) == 0) limits.Add(new BenefitLimit("dental", 300, currency));
            policies.Add(new Policy(
                $"TRV-{2026}-{i:D7}",
                Plans[random.Next(Plans.Length)],
                new PolicyPeriod(start, start.AddDays(7 + random.Next(358))),
                TerritoryChoices[random.Next(TerritoryChoices.Length)],
                insured,
                limits,
                random.Next(3) == 0 ? null : new Money(random.Next(4) * 50, currency),
                ["illness", "accident"],
                random.Next(2) == 0 ? ["pre-existing-conditions", "alcohol"] : ["pre-existing-conditions", "alcohol", "extreme-sports"],
                Partners[random.Next(Partners.Length)]));
        }
        return policies;
    }

    /// <summary>The CSV format the API reads: one row per insured person.</summary>
    public static byte[] ToCsv(IEnumerable<Policy> policies)
    {
        var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            writer.Write("policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,insured_document,");
            writer.Write("limits,deductible,covered_risks,excluded_risks,assistance_partner\n");
            foreach (var p in policies)
            {
                var shared = string.Join(',',
                    Field(p.Plan), p.Period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    p.Period.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), string.Join(';', p.Territory));
                var rest = string.Join(',',
                    string.Join(';', p.Limits.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Benefit}:{l.Amount}:{l.Currency}"))),
                    p.Deductible is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d.Amount}:{d.Currency}") : "",
                    string.Join(';', p.CoveredRisks), string.Join(';', p.ExcludedRisks), Field(p.AssistancePartner ?? ""));
                foreach (var person in p.Insured)
                    writer.Write(string.Create(CultureInfo.InvariantCulture,
                        $"{Field(p.PolicyNumber)},{shared},{Field(person.FullName)},{person.DateOfBirth:yyyy-MM-dd},{Field(person.Document ?? "")},{rest}\n"));
            }
        }
        return stream.ToArray();
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
