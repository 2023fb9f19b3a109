using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Platform.Bench.Kit;

namespace Platform.Bench.Appeals;

/// <summary>
/// The soak: appeals at a steady rate for many minutes, one-minute steps back to back, and per minute the latencies,
/// each process's resident memory and the sizes of what must not grow without bound (outbox and inbox rows, Redis
/// keys); at the end the slope of each per hour, by least squares.
/// </summary>
internal static class Soak
{
    private sealed record Minute(double Answered99, double Readable99, Dictionary<string, double> RssMib, Dictionary<string, double> Rows);

    public static async Task<int> RunAsync(AuthenticationHeaderValue apiKey, string run, int minutes, int rate,
        Func<string, int, int, Task<(double Answered99, double Readable99, int Errors)>> step, RunningPlatform platform)
    {
        Console.WriteLine($"Soak: {rate} appeals/s for {minutes} min, one-minute steps.");
        Console.WriteLine();
        Console.WriteLine($"| min | 201 p99 ms | readable p99 ms (from the 201) | {string.Join(" | ", ProcessMemory.Parts.Select(p => $"RSS {p} MiB"))} | outbox rows (intake / cases) | inbox rows (intake / cases) | Redis keys |");
        Console.WriteLine($"|---:|---:|---:|{string.Concat(ProcessMemory.Parts.Select(_ => "---:|"))}---:|---:|---:|");
        var samples = new List<Minute>();
        var errors = 0;
        for (var m = 1; m <= minutes; m++)
        {
            var (answered99, readable99, stepErrors) = await step($"{run}-soak{m}", rate, 60);
            errors += stepErrors;
            var minute = new Minute(answered99, readable99, ProcessMemory.ResidentMib(), await RowsAsync(platform));
            samples.Add(minute);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {m} | {answered99:0} | {readable99:0} | {string.Join(" | ", ProcessMemory.Parts.Select(p => minute.RssMib[p].ToString("0", CultureInfo.InvariantCulture)))} | " +
                $"{minute.Rows["outbox intake"]:0} / {minute.Rows["outbox cases"]:0} | {minute.Rows["inbox intake"]:0} / {minute.Rows["inbox cases"]:0} | {minute.Rows["redis keys"]:0} |"));
        }

        // The first minutes warm caches and pools; the slope is taken over the second half, where it should be flat.
        var tail = samples.Skip(samples.Count / 2).ToList();
        Console.WriteLine();
        Console.WriteLine($"Slopes over minutes {samples.Count - tail.Count + 1}-{samples.Count}, per hour:");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  201 p99 {Slope(tail, s => s.Answered99):+0.0;-0.0} ms, readable p99 {Slope(tail, s => s.Readable99):+0.0;-0.0} ms"));
        foreach (var part in ProcessMemory.Parts)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  RSS {part} {Slope(tail, s => s.RssMib[part]):+0.0;-0.0} MiB"));
        foreach (var table in samples[0].Rows.Keys)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {table} {Slope(tail, s => s.Rows[table]):+0;-0}"));
        Console.WriteLine("Outbox rows are deleted once published (they stay near zero); inbox rows grow with the traffic until their " +
            "retention (Outbox:Retention, 7 days) prunes them, idempotency keys until their 24 h expiry: bounded by rate x retention.");
        return errors == 0 ? 0 : 1;
    }

    /// <summary>Least-squares slope of the samples (one a minute), per hour.</summary>
    private static double Slope(IReadOnlyList<Minute> samples, Func<Minute, double> value)
    {
        var n = samples.Count;
        if (n < 2) return double.NaN;
        var xs = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var ys = samples.Select(value).ToArray();
        double mx = xs.Average(), my = ys.Average();
        var slope = xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / xs.Sum(x => (x - mx) * (x - mx));
        return slope * 60;
    }

    private static async Task<Dictionary<string, double>> RowsAsync(RunningPlatform platform)
    {
        var rows = new Dictionary<string, double>();
        foreach (var db in new[] { "intake", "cases" })
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(platform.Postgres) { Database = db }.ConnectionString);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT (SELECT count(*) FROM outbox_messages), (SELECT count(*) FROM inbox_messages)", connection);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            rows[$"outbox {db}"] = r.GetInt64(0);
            rows[$"inbox {db}"] = r.GetInt64(1);
        }
        rows["redis keys"] = await RedisKeysAsync(platform.Redis);
        return rows;
    }

    /// <summary>DBSIZE over a plain socket (RESP): one integer, not worth a client library in the bench.</summary>
    private static async Task<double> RedisKeysAsync((string Host, int Port) redis)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(redis.Host, redis.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("DBSIZE\r\n"u8.ToArray());
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer);
        var reply = Encoding.ASCII.GetString(buffer, 0, read); // ":1234\r\n"
        return double.Parse(reply.TrimStart(':').Trim(), CultureInfo.InvariantCulture);
    }
}

/// <summary>Resident memory of the platform's processes (VmRSS from /proc), by part.</summary>
internal static class ProcessMemory
{
    public static readonly string[] Parts = ["gateway", "intake", "cases", "postgres", "rabbitmq", "redis"];

    public static Dictionary<string, double> ResidentMib()
    {
        var mib = Parts.ToDictionary(p => p, _ => 0.0);
        foreach (var (pid, part, _) in ProcessCpu.Processes())
        {
            if (!mib.ContainsKey(part)) continue;
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                if (line is null) continue;
                mib[part] += double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }
        return mib;
    }
}
