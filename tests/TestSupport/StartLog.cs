using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Tests;

/// <summary>What an Aspire application's resources did while it started, for the message of a start that failed.</summary>
public static class StartLog
{
    /// <summary>
    /// Each resource's state, health and exit code, and the last lines of its log: its own output, and what the
    /// orchestrator or a start check wrote (a port in use, a missing program).
    /// </summary>
    public static async Task<string> DescribeAsync(DistributedApplication app)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var text = new StringBuilder();
        foreach (var resource in app.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            text.Append('\n').Append(resource.Name).Append(": ");
            if (!app.ResourceNotifications.TryGetCurrentState(resource.Name, out var e))
            {
                text.Append("no state");
                continue;
            }
            text.Append($"{e.Snapshot.State?.Text ?? "no state"}, {e.Snapshot.HealthStatus?.ToString() ?? "no health report"}, exit code {e.Snapshot.ExitCode?.ToString() ?? "none"}");
            // The log is kept under the name the orchestrator gave the resource's instance.
            var lines = new List<string>();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await foreach (var batch in logs.GetAllAsync(e.ResourceId).WithCancellation(wait.Token)) lines.AddRange(batch.Select(l => l.Content));
            }
            catch (OperationCanceledException)
            {
                // What was read by then is enough.
            }
            foreach (var line in lines.TakeLast(20)) text.Append("\n    ").Append(line);
        }
        return text.ToString();
    }
}
