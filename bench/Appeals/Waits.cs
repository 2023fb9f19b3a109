using System.Globalization;
using Npgsql;

namespace Platform.Bench.Appeals;

/// <summary>
/// What the services' database sessions were doing during a step, from <c>pg_stat_activity</c> every 100 ms: on the CPU,
/// or waiting, and for what (a lock, the WAL flush, the client). This is how the server-wide lock that every
/// notifying commit took was found. It also keeps the most sessions each database had open at once (the services'
/// pools bound them). Each sample is a statement of its own, so the sampler holds back no cleanup
/// (a transaction held open for the whole step would keep every deleted outbox row alive and slow the relays' claims).
/// </summary>
internal sealed class Waits
{
    private readonly Dictionary<string, int> _seen = [];
    private readonly Dictionary<string, int> _openAtMost = [];
    private int _samples;
    private int _active;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    private Waits(NpgsqlDataSource server, string[] databases) => _sampling = SampleAsync(server, databases);

    public static Waits Start(NpgsqlDataSource server, string[] databases) => new(server, databases);

    private async Task SampleAsync(NpgsqlDataSource server, string[] databases)
    {
        await using var connection = await server.OpenConnectionAsync();
        await using var sample = new NpgsqlCommand("""
            SELECT datname, coalesce(state = 'active', false), coalesce(wait_event_type || ': ' || wait_event, 'on the CPU'), split_part(ltrim(query), ' ', 1)
            FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND datname = ANY($1) AND pid <> pg_backend_pid()
            """, connection);
        sample.Parameters.Add(new NpgsqlParameter { Value = databases });
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                _samples++;
                var open = new Dictionary<string, int>();
                await using var reader = await sample.ExecuteReaderAsync(_stop.Token);
                while (await reader.ReadAsync(_stop.Token))
                {
                    var database = reader.GetString(0);
                    open[database] = open.GetValueOrDefault(database) + 1;
                    if (!reader.GetBoolean(1)) continue;
                    _active++;
                    var key = $"{database} {reader.GetString(3).ToUpperInvariant()}, {reader.GetString(2)}";
                    _seen[key] = _seen.GetValueOrDefault(key) + 1;
                }
                foreach (var (database, sessions) in open) _openAtMost[database] = Math.Max(_openAtMost.GetValueOrDefault(database), sessions);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops sampling; the average number of sessions active, what was seen most (with its share of them), and
    /// the most sessions open at once per database.</summary>
    public async Task<(double Active, string Most, string OpenAtMost)> StopAsync(int top = 5)
    {
        await _stop.CancelAsync();
        await _sampling;
        var most = string.Join("; ", _seen.OrderByDescending(s => s.Value).Take(top)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {100.0 * s.Value / Math.Max(1, _active):0} %")));
        var openAtMost = string.Join(", ", _openAtMost.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"));
        return ((double)_active / Math.Max(1, _samples), most, openAtMost);
    }
}
