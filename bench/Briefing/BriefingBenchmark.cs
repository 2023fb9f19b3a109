using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Tests;
using StackExchange.Redis;

// How fast the briefing opens while the phone rings: Cases in process on the local servers, a case with a realistic
// history (calls, medical versions, a plan, contacts, tasks), the briefing requested over HTTP, cold (cache entry
// deleted before each request: built from PostgreSQL) against warm (served from Redis). Same run, same case.
// Usage: dotnet run -c Release --project bench/Briefing [requests=200]
namespace Platform.Bench.Briefing;

public static class BriefingBenchmark
{
    public static async Task Main(string[] args)
    {
        var requests = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 200;

        // WebApplicationFactory looks for the manifest naming Cases' content root in the working directory.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        await using var factory = new ServiceFactory<global::Program>("casesdb");
        await factory.InitializeAsync();
        var tenant = "bench-briefing";
        var client = factory.ClientFor(tenant, "coordinator-bench", "staff", "coordinator");

        // A case with a history: the first call opens it, nine more join it.
        var bus = factory.Services.GetRequiredService<IBus>();
        for (var i = 0; i < 10; i++)
        {
            await bus.Publish(new AppealRegistered(Guid.CreateVersion7(), tenant, "phone", "urgent", ["default"],
                new AppealCaller($"Caller {i % 3}", "relative", "+7 900 000-00-0" + i, null, "ru", false),
                new InsuredIdentity("TRV-BENCH", "Pyotr Ivanov", new DateOnly(1956, 4, 12)), new AppealLocation("US", "Orlando", null),
                $"Call {i}", null, new CoverageResult("covered", [], new PolicyTerms("TRV-BENCH", "Comfort", new DateOnly(2026, 1, 1),
                    new DateOnly(2026, 12, 31), ["WORLD"], [new CoverLimit("medical-expenses", 50_000m, "USD")], null, ["illness"], [], null)),
                DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow));
        }
        string? number = null;
        await Eventually.True(async () =>
        {
            var list = await client.GetFromJsonAsync<JsonElement>("/cases");
            if (list.GetProperty("total").GetInt64() != 1) return false;
            number = list.GetProperty("items")[0].GetProperty("number").GetString();
            var file = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}");
            return file.GetProperty("appeals").GetArrayLength() == 10;
        }, TimeSpan.FromSeconds(60), "ten calls are filed in one case");
        await client.PutAsJsonAsync($"/cases/{number}/status", new { status = "hospitalised", reason = "Admitted" });
        await client.PutAsJsonAsync($"/cases/{number}/settlement-plan", new { kind = "hospitalisation" });
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync($"/cases/{number}/medical-details", new { diagnosis = new { code = "I21.4", text = $"Version {i}" }, expectedDischargeOn = "2026-12-05" });

        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var server = factory.Services.GetRequiredService<IConnectionMultiplexer>();
        async Task<double> OnceAsync(bool cold)
        {
            if (cold)
            {
                foreach (var endpoint in server.GetEndPoints())
                    await foreach (var key in server.GetServer(endpoint).KeysAsync(redis.Database, $"briefing:{tenant}:*"))
                        await redis.KeyDeleteAsync(key);
            }
            var watch = Stopwatch.StartNew();
            (await client.GetAsync($"/cases/{number}/briefing")).EnsureSuccessStatusCode();
            return watch.Elapsed.TotalMilliseconds;
        }

        for (var i = 0; i < 20; i++) { await OnceAsync(true); await OnceAsync(false); } // warm up the JIT and the pools
        var coldTimes = new List<double>();
        var warmTimes = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            coldTimes.Add(await OnceAsync(true));
            warmTimes.Add(await OnceAsync(false));
        }

        var coldMedian = coldTimes.OrderBy(x => x).ElementAt(coldTimes.Count / 2);
        var warmMedian = warmTimes.OrderBy(x => x).ElementAt(warmTimes.Count / 2);
        Console.WriteLine($"briefing of case {number} (10 calls, 5 medical versions, plan, tasks), {requests} requests each, in-process HTTP");
        Console.WriteLine($"  cold (built from PostgreSQL, baseline): {Figures(coldTimes)}");
        Console.WriteLine($"  warm (from Redis, per case version):    {Figures(warmTimes)}");
        Console.WriteLine($"  warm/cold median ratio: {warmMedian / coldMedian:0.00} ({coldMedian / warmMedian:0.0}x faster)");
    }

    private static string Figures(List<double> t)
    {
        t.Sort();
        return $"p50 {t[t.Count / 2],6:0.00} ms   p95 {t[(int)(t.Count * 0.95)],6:0.00} ms   max {t[^1],6:0.00} ms";
    }
}
