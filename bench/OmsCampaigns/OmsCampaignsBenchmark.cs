using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.OmsRepresentatives.Campaigns;
using Platform.OmsRepresentatives.Register;

namespace Platform.Bench.OmsCampaigns;

/// <summary>
/// The OMS register and reminder campaigns at an SMO's scale. On a scratch database of the PostgreSQL given (the
/// service's migrations applied), it generates a register of N insured persons (default 1,000,000: ages 0-95, ~10%
/// with a disability, ~60% consenting to reminders split between SMS and calls, 500 clinics) and a dispensary list of
/// ~8% of them, and times: the service's own register load (CSV through <see cref="RegisterLoader"/>: parse, check,
/// binary COPY, set-based upsert), the dispensary list load, the real <see cref="CampaignPlanner"/> over the whole
/// register (all four kinds), and a naive planner (one person read at a time, due kinds decided in C#, an EXISTS per
/// kind, the day found by counting each day's SMS/calls and the clinic's invitations with SELECTs, one INSERT per
/// invitation) on a sample, extrapolated. Both plans are checked: every day within the caps, and the same persons and
/// kinds invited on the sample. The scratch database is dropped at the end (unless --keep).
/// Usage: dotnet run -c Release --project bench/OmsCampaigns [--insured 1000000] [--sample 20000] [--seconds 60]
///        [--connection "Host=127.0.0.1;Port=55432;Username=postgres;Password=postgres"] [--keep]
/// </summary>
public static class OmsCampaignsBenchmark
{
    private const string Tenant = "bench-smo";
    private const int Clinics = 500;
    private static readonly CampaignCaps Caps = new(SmsPerDay: 40_000, CallsPerDay: 10_000, ClinicPerDay: 400);

    public static async Task<int> Main(string[] args)
    {
        var insured = Option(args, "--insured", args is [var first, ..] && int.TryParse(first, out var n) ? n : 1_000_000);
        var sample = Math.Min(insured, Option(args, "--sample", 20_000));
        var seconds = Option(args, "--seconds", 60);
        var server = OptionText(args, "--connection") ?? "Host=127.0.0.1;Port=55432;Username=postgres;Password=postgres";
        var database = $"omsbench_{Guid.NewGuid():N}"[..20];

        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, MaxAutoPrepare = 64, NoResetOnClose = true, CommandTimeout = 600 }.ConnectionString;
        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await new SchemaMigrator(dataSource, [new MigrationSource("OmsRepresentatives", typeof(RegisterLoader).Assembly)],
                NullLogger<SchemaMigrator>.Instance).StartAsync(CancellationToken.None);
            var version = await ScalarAsync<string>(dataSource, "SHOW server_version");
            var fsync = await ScalarAsync<string>(dataSource, "SHOW fsync");
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; PostgreSQL {version} (fsync {fsync}), database {database}");

            var clock = TimeProvider.System;
            var today = Platform.OmsRepresentatives.Profile.SmoProfile.Default.DateAt(clock.GetUtcNow());
            var year = today.Year;
            var watch = Stopwatch.StartNew();
            var (register, dispensary, dispensaryRows) = Generate(insured, today, seed: 2026);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Generated: {insured:N0} insured (CSV {register.Length / 1048576.0:F0} MiB), dispensary list of {dispensaryRows:N0} rows, {Clinics} clinics, in {watch.Elapsed.TotalSeconds:F1} s"));

            var loader = new RegisterLoader(dataSource, clock, NullLogger<RegisterLoader>.Instance);
            // Warm-up (JIT, pool) on another tenant.
            var (warm, _, _) = Generate(2_000, today, seed: 1);
            await loader.LoadRegisterAsync("bench-warmup", new MemoryStream(warm), default);

            watch.Restart();
            var load = await loader.LoadRegisterAsync(Tenant, new MemoryStream(register), default);
            var loadTime = watch.Elapsed;
            if (load.Result is null) return Fail("register load", load.Errors!);
            watch.Restart();
            var reload = await loader.LoadRegisterAsync(Tenant, new MemoryStream(register), default);
            var reloadTime = watch.Elapsed;
            if (reload.Result is null) return Fail("register reload", reload.Errors!);
            watch.Restart();
            var list = await loader.LoadDispensaryAsync(Tenant, new MemoryStream(dispensary), default);
            var listTime = watch.Elapsed;
            if (list.Result is null) return Fail("dispensary load", list.Errors!);
            await ExecuteAsync(dataSource, "VACUUM ANALYZE");
            Console.WriteLine($"Register load: {load.Result.Created:N0} created; reload: {reload.Result.Updated:N0} updated; dispensary: {list.Result.Rows:N0} rows of {list.Result.Clinics} clinics");

            // The real planner, as POST /campaigns runs it.
            var kinds = PreventiveKinds.All.ToArray();
            watch.Restart();
            long campaign;
            PlanResult plan;
            await using (var connection = await dataSource.OpenConnectionAsync())
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await CampaignPlanner.LockTenantAsync(connection, transaction, Tenant, default);
                campaign = await NewCampaignAsync(connection, transaction, "planner", year, today);
                plan = await CampaignPlanner.PlanAsync(connection, transaction, Tenant, campaign, year, kinds, today, Caps, default);
                await transaction.CommitAsync();
            }
            var planTime = watch.Elapsed;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Planner: {plan.Invited:N0} invitations over {plan.Days} days, selected in {plan.SelectMs / 1000.0:F1} s, scheduled and written in {(plan.ElapsedMs - plan.SelectMs) / 1000.0:F1} s ({string.Join(", ", plan.PerKindAndChannel.OrderBy(k => k.Key).Select(k => $"{k.Key.Kind}/{k.Key.Channel} {k.Value:N0}"))})"));
            if (await CheckCapsAsync(dataSource, campaign) is { } capFailure) return Fail("planner caps", capFailure);

            // The naive planner on a sample of persons, against a fresh campaign (the planner's is cancelled, so it does not count as an invitation already made).
            await ExecuteAsync(dataSource, $"UPDATE campaigns SET status = 'cancelled' WHERE id = {campaign}");
            await ExecuteAsync(dataSource, "CHECKPOINT");
            var naive = new NaivePlanner(dataSource, Tenant, year, kinds, today, Caps);
            var naiveRun = await naive.RunAsync(sample, TimeSpan.FromSeconds(seconds));
            if (await CheckCapsAsync(dataSource, naiveRun.Campaign) is { } naiveCaps) return Fail("naive caps", naiveCaps);
            var same = await ScalarAsync<long>(dataSource, $"""
                SELECT count(*) FROM (
                    (SELECT enp, kind FROM invitations WHERE campaign_id = {campaign} AND enp = ANY(@enps)
                     EXCEPT ALL SELECT enp, kind FROM invitations WHERE campaign_id = {naiveRun.Campaign})
                    UNION ALL
                    (SELECT enp, kind FROM invitations WHERE campaign_id = {naiveRun.Campaign}
                     EXCEPT ALL SELECT enp, kind FROM invitations WHERE campaign_id = {campaign} AND enp = ANY(@enps))) d
                """, ("enps", naiveRun.Persons));
            if (same != 0) return Fail("naive vs planner", $"{same} invitations differ on the {naiveRun.Persons.Length:N0} persons of the sample");
            Console.WriteLine($"Check: both plans keep every day within {Caps.SmsPerDay:N0} SMS, {Caps.CallsPerDay:N0} calls, {Caps.ClinicPerDay} per clinic; " +
                $"on the sample of {naiveRun.Persons.Length:N0} persons both invite the same {naiveRun.Invitations:N0} (person, kind): OK");

            Console.WriteLine();
            Console.WriteLine($"{"phase",-44} {"rows",11} {"seconds",9} {"rows/s",11} {"s per 1M",10}");
            void Row(string phase, long rows, TimeSpan t) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{phase,-44} {rows,11:N0} {t.TotalSeconds,9:F2} {rows / t.TotalSeconds,11:N0} {1_000_000 / (rows / t.TotalSeconds),10:F1}"));
            Row("register load (CSV, all new)", insured, loadTime);
            Row("register reload (CSV, all updated)", insured, reloadTime);
            Row("dispensary list load (CSV)", list.Result.Rows, listTime);
            Row("planner over the register (insured)", insured, planTime);
            Row($"naive planner, sample (insured)", naiveRun.Persons.Length, naiveRun.Elapsed);
            var naiveFor = TimeSpan.FromSeconds(insured / (naiveRun.Persons.Length / naiveRun.Elapsed.TotalSeconds));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Planning {insured:N0} insured: planner {planTime.TotalSeconds:F1} s; naive extrapolated {naiveFor.TotalSeconds:F0} s ({naiveFor.TotalHours:F1} h); " +
                $"planner is {naiveFor / planTime:F0}x faster"));
            Console.WriteLine("(the naive figure is a lower bound: its per-day counting gets slower as days fill, and the sample takes the first persons)");
            return 0;
        }
        finally
        {
            await dataSource.DisposeAsync();
            if (!args.Contains("--keep"))
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(server);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    internal static async Task<long> NewCampaignAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, int year, DateOnly startsOn)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO campaigns (tenant_id, name, kinds, year, starts_on, sms_per_day, calls_per_day, clinic_per_day, created_by, created_at)
            VALUES (@tenant, @name, @kinds, @year, @starts, @sms, @calls, @clinic, 'bench', now()) RETURNING id
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", Tenant);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("kinds", PreventiveKinds.All.ToArray());
        cmd.Parameters.AddWithValue("year", year);
        cmd.Parameters.AddWithValue("starts", startsOn);
        cmd.Parameters.AddWithValue("sms", Caps.SmsPerDay);
        cmd.Parameters.AddWithValue("calls", Caps.CallsPerDay);
        cmd.Parameters.AddWithValue("clinic", Caps.ClinicPerDay);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Null when no day of the campaign exceeds a cap; else what does.</summary>
    private static async Task<string?> CheckCapsAsync(NpgsqlDataSource dataSource, long campaign)
    {
        var worst = await ScalarAsync<string>(dataSource, $"""
            SELECT concat_ws(' ',
                (SELECT max(c) FROM (SELECT count(*) c FROM invitations WHERE campaign_id = {campaign} AND channel = 'sms' GROUP BY scheduled_on) x),
                (SELECT max(c) FROM (SELECT count(*) c FROM invitations WHERE campaign_id = {campaign} AND channel = 'call' GROUP BY scheduled_on) x),
                (SELECT max(c) FROM (SELECT count(*) c FROM invitations WHERE campaign_id = {campaign} GROUP BY scheduled_on, clinic_code) x))
            """);
        var parts = worst.Split(' ').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return parts[0] <= Caps.SmsPerDay && parts[1] <= Caps.CallsPerDay && parts[2] <= Caps.ClinicPerDay
            ? null : $"busiest day: {parts[0]} SMS, {parts[1]} calls, {parts[2]} for one clinic";
    }

    /// <summary>
    /// A register as an SMO's system would send it: ages 0-95, ~10% with a disability group, ~4% entitled to the
    /// in-depth dispanserization, ~15% who attended this year's measure already, ~60% consenting (half SMS, half
    /// calls), 500 clinics; and a dispensary list of ~8% of the persons (one or two diagnoses, the next visit this year).
    /// </summary>
    public static (byte[] Register, byte[] Dispensary, int DispensaryRows) Generate(int count, DateOnly today, int seed)
    {
        var random = new Random(seed);
        var register = new StringBuilder(count * 140);
        var dispensary = new StringBuilder(count / 8 * 50);
        register.Append("enp;full_name;birth_date;sex;region;clinic_code;disability_group;in_depth;last_checkup_on;last_dispanserization_on;phone;reminder_channel\n");
        dispensary.Append("enp;diagnosis;clinic_code;next_visit_on\n");
        string[] male = ["Иванов Иван Иванович", "Петров Пётр Сергеевич", "Смирнов Алексей Николаевич", "Кузнецов Дмитрий Олегович"];
        string[] female = ["Иванова Мария Петровна", "Петрова Анна Сергеевна", "Смирнова Ольга Николаевна", "Кузнецова Елена Викторовна"];
        string[] diagnoses = ["I10", "I11.9", "E11.9", "J44.9", "M86.6", "I25.1", "N18.3", "K21.0"];
        var rows = 0;
        for (var i = 0; i < count; i++)
        {
            var enp = (7700000000000000L + i * 7L).ToString(CultureInfo.InvariantCulture);
            var female1 = random.Next(2) == 0;
            var born = today.AddDays(-random.Next(0, 96 * 365));
            var clinic = $"MO{random.Next(Clinics):D3}";
            var disability = random.Next(10) == 0 ? (random.Next(3) + 1).ToString(CultureInfo.InvariantCulture) : "";
            var inDepth = random.Next(25) == 0 ? "true" : "false";
            var attended = random.Next(100) < 15 ? today.AddDays(-random.Next(0, Math.Max(1, today.DayOfYear - 1))).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
            var earlier = random.Next(3) == 0 ? today.AddYears(-random.Next(1, 4)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
            var consent = random.Next(100);
            var channel = consent < 30 ? "sms" : consent < 60 ? "call" : "";
            var phone = channel.Length > 0 || random.Next(2) == 0 ? $"+79{random.Next(100_000_000, 999_999_999)}" : "";
            if (string.CompareOrdinal(attended, born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) < 0) attended = "";
            if (string.CompareOrdinal(earlier, born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) < 0) earlier = "";
            var checkup = random.Next(2) == 0 ? attended : earlier;
            var dispanserization = checkup == attended ? earlier : attended;
            register.Append(enp).Append(';').Append(female1 ? female[i % 4] : male[i % 4]).Append(';').Append(born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                .Append(';').Append(female1 ? 'f' : 'm').Append(";77;").Append(clinic).Append(';').Append(disability).Append(';').Append(inDepth)
                .Append(';').Append(checkup).Append(';').Append(dispanserization).Append(';').Append(phone).Append(';').Append(channel).Append('\n');
            if (random.Next(100) < 8)
            {
                var first = random.Next(diagnoses.Length);
                foreach (var d in random.Next(3) == 0 ? new[] { diagnoses[first], diagnoses[(first + 1) % diagnoses.Length] } : [diagnoses[first]])
                {
                    var visit = new DateOnly(today.Year, 1, 1).AddDays(random.Next(0, 365));
                    dispensary.Append(enp).Append(';').Append(d).Append(';').Append(clinic).Append(';').Append(visit.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
                    rows++;
                }
            }
        }
        return (Encoding.UTF8.GetBytes(register.ToString()), Encoding.UTF8.GetBytes(dispensary.ToString()), rows);
    }

    private static int Fail(string what, LoadErrors errors) =>
        Fail(what, string.Join("; ", errors.Errors.ToDictionary().Take(5).Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));

    private static int Fail(string what, string detail)
    {
        Console.Error.WriteLine($"CHECK FAILED ({what}): {detail}");
        return 1;
    }

    internal static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync();
    }

    internal static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
