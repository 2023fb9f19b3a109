using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Tests;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// A server of the platform fails while insurers keep registering appeals through the gateway, as a careful client
/// does: each appeal has its Idempotency-Key and is repeated on a 503 after its Retry-After. Whatever the fault, no
/// client gets a 500 or waits without an answer, every appeal gets exactly one case, and the backlog is worked off
/// within seconds of the server's return. These classes stop servers, so they run alone (the clock collection).
/// </summary>
[Collection(PlatformClockCollection.Name)]
public sealed class With_RabbitMQ_stopped_for_a_while(PlatformFixture platform, ITestOutputHelper output) : IClassFixture<PlatformFixture>
{
    [Fact]
    public Task Appeals_are_answered_and_each_opens_one_case_once_it_is_back() =>
        new FaultRun(platform, output).RunAsync("rabbitmq");
}

[Collection(PlatformClockCollection.Name)]
public sealed class With_PostgreSQL_stopped_for_a_while(PlatformFixture platform, ITestOutputHelper output) : IClassFixture<PlatformFixture>
{
    [Fact]
    public Task Clients_get_503_with_Retry_After_never_500_and_each_appeal_opens_one_case() =>
        new FaultRun(platform, output).RunAsync("postgres");
}

internal sealed class FaultRun(PlatformFixture platform, ITestOutputHelper output)
{
    // Scaled down from the review's 300 appeals over 60 s with a 20 s fault: the same shape in a third of the time.
    private const int Appeals = 100;
    private static readonly TimeSpan Spread = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FaultAt = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FaultFor = TimeSpan.FromSeconds(7);
    // The goal is 5 s; measured here 3.0 s (RabbitMQ) and 4.3-4.6 s (PostgreSQL, 55 appeals worked off after it is
    // back). The bound leaves room for a slower CI machine; the figures are printed.
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(8);

    private readonly ConcurrentBag<(HttpStatusCode Status, string? RetryAfter, TimeSpan Took)> _answers = [];

    public async Task RunAsync(string server)
    {
        var (_, insurer) = await platform.NewInsurerAsync($"e2e-fault-{server}");
        insurer.Timeout = TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();

        var fault = Task.Run(async () =>
        {
            await Task.Delay(FaultAt);
            await platform.StopAsync(server);
            var stoppedAt = clock.Elapsed;
            await Task.Delay(FaultFor);
            await platform.StartAsync(server);
            return (stoppedAt, backAt: clock.Elapsed);
        });
        var appeals = await Task.WhenAll(Enumerable.Range(0, Appeals).Select(async i =>
        {
            await Task.Delay(Spread * i / Appeals);
            return await RegisterAsync(insurer, i, clock);
        }));
        var (stoppedAt, backAt) = await fault;

        // Every appeal gets its case: Intake -> RabbitMQ -> Cases -> RabbitMQ -> Intake, all the way round. The backlog
        // is what was accepted before the server was back; appeals repeated after it (a 503's Retry-After) are not.
        var backlog = appeals.Where(a => a.AcceptedAt < backAt).Select(a => a.Id).ToHashSet();
        var cases = new ConcurrentDictionary<Guid, string>();
        TimeSpan? drained = null;
        await Eventually.True(async () =>
        {
            // Read from Intake's database: polling 100 appeals through the gateway would meet the tenant's rate limit.
            // Unpooled: a pooled connection would be one the restart killed.
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(platform.IntakeDatabase) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT id, case_number FROM appeals WHERE id = ANY(@ids) AND case_number IS NOT NULL", connection);
            cmd.Parameters.AddWithValue("ids", appeals.Select(a => a.Id).ToArray());
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) cases[reader.GetGuid(0)] = reader.GetString(1);
            if (drained is null && backlog.All(cases.ContainsKey)) drained = clock.Elapsed - backAt;
            return cases.Count == Appeals;
        }, TimeSpan.FromSeconds(60), () => $"every appeal has its case ({cases.Count} of {Appeals})");

        // After a database restart each process's first use of its (dead) pooled connections answers 503 once; leave
        // the platform answering again for the classes that run after this one.
        foreach (var path in new[] { "/admin/tenants/e2e-fault/api-keys", $"/api/intake/appeals/{appeals[0].Id}", "/api/cases/cases" })
        {
            var client = path.StartsWith("/admin", StringComparison.Ordinal) ? platform.Admin : insurer;
            await Eventually.True(async () => (int)(await client.GetAsync(path)).StatusCode < 500, TimeSpan.FromSeconds(10), $"{path} answers again");
        }

        var byStatus = _answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{(int)g.Key}: {g.Count()}");
        output.WriteLine($"{server} stopped at {stoppedAt.TotalSeconds:0.0} s, back (healthy) at {backAt.TotalSeconds:0.0} s; " +
            $"answers {string.Join(", ", byStatus)}; slowest answer {_answers.Max(a => a.Took).TotalSeconds:0.0} s; " +
            $"the {backlog.Count} appeals accepted until then all had their cases {drained!.Value.TotalSeconds:0.0} s after it was back");

        Assert.DoesNotContain(_answers, a => (int)a.Status >= 500 && a.Status != HttpStatusCode.ServiceUnavailable);
        Assert.All(_answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), a => Assert.NotNull(a.RetryAfter));
        Assert.All(_answers, a => Assert.True((int)a.Status is 201 or 503 or 409, $"unexpected {(int)a.Status}"));
        Assert.Equal(Appeals, appeals.Select(a => a.Id).Distinct().Count()); // no appeal doubled by a retry
        Assert.Equal(Appeals, cases.Values.Distinct().Count());      // one case each, none lost
        Assert.True(drained <= DrainBound, $"the backlog took {drained.Value.TotalSeconds:0.0} s after {server} was back (bound {DrainBound.TotalSeconds} s)");
    }

    /// <summary>Registers one appeal, repeating it on 503 (after Retry-After) and on 409 (the first copy still in flight).</summary>
    private async Task<(Guid Id, TimeSpan AcceptedAt)> RegisterAsync(HttpClient insurer, int i, Stopwatch clock)
    {
        var key = Guid.NewGuid().ToString();
        // A different insured each time: each appeal opens a case of its own.
        var appeal = PlatformFixture.Appeal($"Insured Number{i}", $"FLT-{Guid.NewGuid():N}"[..20]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake/appeals") { Content = JsonContent.Create(appeal) };
            request.Headers.Add("Idempotency-Key", key);
            var started = Stopwatch.StartNew();
            using var response = await insurer.SendAsync(request);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            _answers.Add((response.StatusCode, response.Headers.RetryAfter?.ToString(), started.Elapsed));
            if (response.StatusCode == HttpStatusCode.Created)
                return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), clock.Elapsed);
            if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict) || DateTime.UtcNow > deadline)
                Assert.Fail($"Appeal {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1));
        }
    }
}
