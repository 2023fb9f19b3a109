using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Messaging;

/// <summary>
/// <c>dotnet {Service}.dll messaging status | replay-parked [--id N ...] | replay-errors [--queue Q] [--limit N]</c>:
/// the operator's handle on messages that did not get through, run where the service runs (for example
/// <c>kubectl exec deploy/cases -- dotnet Cases.dll messaging status</c>) with the service's configuration.
/// </summary>
public static class MessagingCommand
{
    public const string Name = "messaging";

    private const string Usage = """
        usage: messaging status
               messaging replay-parked [--id <outbox row id> ...]
               messaging replay-errors [--queue <queue>] [--limit <n, default 1000>]
        """;

    /// <summary>
    /// Checks the command line before the service is built (which needs its connection strings): a wrong verb prints
    /// the usage and gives 2 even where the service's configuration is absent.
    /// </summary>
    public static bool TryRejectUsage(string[] args, TextWriter error)
    {
        if (args is ["status"] or ["replay-parked", ..] or ["replay-errors", ..]) return false;
        error.WriteLine(Usage);
        return true;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var operations = services.GetRequiredService<MessagingOperations>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;
        try
        {
            switch (args)
            {
                case ["status"]:
                    var parked = await operations.ParkedAsync(ct);
                    await output.WriteLineAsync($"Parked outbox messages: {parked.Count}");
                    foreach (var p in parked)
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"  #{p.Id} {p.Type.Split(',')[0]} {p.MessageId}: {p.Attempts} attempts, parked {p.ParkedAt:u}: {p.LastError}"));
                    await output.WriteLineAsync("Error queues:");
                    foreach (var (consumerQueue, count) in await operations.ErrorQueuesAsync(ct))
                        await output.WriteLineAsync($"  {MessagingOperations.ErrorQueue(consumerQueue)}: {count}");
                    return 0;
                case ["replay-parked", .. var rest]:
                    var ids = Options(rest, "--id").Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();
                    var replayed = await operations.ReplayParkedAsync(ids.Count == 0 ? null : ids, ct);
                    await output.WriteLineAsync($"Replaying {replayed} parked outbox message(s).");
                    return 0;
                case ["replay-errors", .. var rest]:
                    var queue = Options(rest, "--queue").SingleOrDefault();
                    var limit = Options(rest, "--limit").Select(v => int.Parse(v, CultureInfo.InvariantCulture)).SingleOrDefault(1000);
                    foreach (var (q, moved) in await operations.ReplayErrorsAsync(queue, limit, ct))
                        await output.WriteLineAsync($"Moved {moved} message(s) from {MessagingOperations.ErrorQueue(q)} back to {q}.");
                    return 0;
                default:
                    await error.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync(Usage);
            return 2;
        }
    }

    /// <summary>The values of option <paramref name="name"/> among "--option value" pairs.</summary>
    private static List<string> Options(string[] args, string name)
    {
        if (args.Length % 2 != 0 || args.Where((_, i) => i % 2 == 0).Any(a => !a.StartsWith("--", StringComparison.Ordinal)))
            throw new ArgumentException($"Options come as '--name value' pairs: '{string.Join(' ', args)}'.");
        return args.Chunk(2).Where(pair => pair[0] == name).Select(pair => pair[1]).ToList();
    }
}
