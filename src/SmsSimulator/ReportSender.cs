using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Platform.SmsSimulator;

/// <summary>A delivery report on its way to the client's callback.</summary>
public sealed record DeliveryReport(string Id, string? Reference, string Status, DateTimeOffset At, string? Error);

/// <summary>
/// The network's side: <see cref="SimulatorOptions.ReportDelay"/> after a message is accepted its outcome is decided
/// (a number ending in 99 is an absent subscriber, every other one is delivered) and reported to the message's
/// callback, in batches, with <c>X-Report-Token</c>; a callback that fails or answers other than 2xx is tried again
/// with a doubling wait.
/// </summary>
public sealed partial class ReportSender(
    MessageStore store, IHttpClientFactory httpClients, IOptions<SimulatorOptions> options, ILogger<ReportSender> logger) : BackgroundService
{
    private sealed record Pending(SimulatedSms Sms, DeliveryReport Report, int Attempt);

    private readonly Lock _lock = new();
    private readonly PriorityQueue<Pending, DateTimeOffset> _queue = new();

    /// <summary>Schedules the outcome of a newly accepted message.</summary>
    public void Accepted(SimulatedSms sms)
    {
        if (sms.CallbackUrl is null) return;
        var undelivered = sms.To.EndsWith("99", StringComparison.Ordinal);
        var at = DateTimeOffset.UtcNow + options.Value.ReportDelay;
        var report = new DeliveryReport(sms.Id, sms.Reference, undelivered ? "undelivered" : "delivered", at, undelivered ? "absent subscriber" : null);
        lock (_lock) _queue.Enqueue(new Pending(sms, report, 1), at);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var due = new List<Pending>();
            lock (_lock)
                while (_queue.TryPeek(out _, out var at) && at <= DateTimeOffset.UtcNow) due.Add(_queue.Dequeue());
            foreach (var callback in due.GroupBy(p => p.Sms.CallbackUrl!))
                foreach (var batch in callback.Chunk(Math.Max(1, options.Value.ReportBatchSize)))
                    await SendAsync(callback.Key, batch, stoppingToken);
        }
    }

    private async Task SendAsync(string callback, Pending[] batch, CancellationToken ct)
    {
        string? failure;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, callback)
            {
                Content = JsonContent.Create(new { reports = batch.Select(p => p.Report) }),
            };
            request.Headers.Add("X-Report-Token", options.Value.ReportToken);
            using var response = await httpClients.CreateClient(SmsSimulatorApp.ReportsClient).SendAsync(request, ct);
            failure = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            failure = e.Message;
        }

        var now = DateTimeOffset.UtcNow;
        if (failure is null)
        {
            foreach (var p in batch)
                store.Update(p.Sms, s => (s.Status, s.Error, s.ReportedAt) = (p.Report.Status, p.Report.Error, now));
            return;
        }
        LogRetry(batch.Length, callback, failure);
        lock (_lock)
            foreach (var p in batch)
            {
                if (p.Attempt >= options.Value.ReportAttempts) LogDropped(p.Report.Id, callback, p.Attempt, failure);
                else _queue.Enqueue(p with { Attempt = p.Attempt + 1 }, now + TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, p.Attempt - 1))));
            }
    }

    [LoggerMessage(LogLevel.Warning, "{Count} delivery report(s) to {Callback} failed ({Error}); trying again")]
    private partial void LogRetry(int count, string callback, string error);

    [LoggerMessage(LogLevel.Error, "The delivery report of {Id} to {Callback} dropped after {Attempts} attempts; the last: {Error}")]
    private partial void LogDropped(string id, string callback, int attempts, string error);
}
