namespace Platform.Messaging;

/// <summary>How a delivery that failed is tried again: webhooks, messages to contacts and guarantee-letter e-mails back off alike.</summary>
public interface IRetrySchedule
{
    /// <summary>How long a delivery is retried, from its first attempt (or from a redelivery), before it is marked failed.</summary>
    TimeSpan RetryFor { get; }

    /// <summary>Waits double from this after each failed attempt up to <see cref="MaxBackoff"/>.</summary>
    TimeSpan InitialBackoff { get; }

    TimeSpan MaxBackoff { get; }

    /// <summary>
    /// Each wait is spread by up to this fraction of itself (longer below the cap, shorter at it), so deliveries that
    /// failed together, when a receiver went down, do not all come back at the same moment.
    /// </summary>
    double Jitter { get; }

    /// <summary>An optional cap on the attempts of one retry window as well.</summary>
    int? MaxAttempts { get; }
}

/// <summary>A retry schedule given by its values (for options that name them under their own keys).</summary>
public sealed record RetryWindow(TimeSpan RetryFor, TimeSpan InitialBackoff, TimeSpan MaxBackoff, double Jitter = 0.2, int? MaxAttempts = null)
    : IRetrySchedule;

public static class RetrySchedule
{
    /// <summary>
    /// When to try again after failed attempt <paramref name="attempt"/> of a retry window that started at
    /// <paramref name="windowStartedAt"/>; null when that would be past the window (or the attempts' cap): give up.
    /// </summary>
    public static DateTimeOffset? NextAttempt(int attempt, DateTimeOffset now, DateTimeOffset windowStartedAt, IRetrySchedule schedule, double random)
    {
        var next = now + Backoff(attempt, schedule, random);
        return next > windowStartedAt + schedule.RetryFor || attempt >= schedule.MaxAttempts ? null : next;
    }

    /// <summary>
    /// The wait after failed attempt <paramref name="attempt"/> of a retry window: the initial wait, doubled after each
    /// attempt, capped at MaxBackoff, spread by up to <see cref="IRetrySchedule.Jitter"/> of itself (<paramref name="random"/>
    /// in [0, 1)): longer below the cap, shorter at it, so it never exceeds the cap nor falls below the doubling.
    /// </summary>
    public static TimeSpan Backoff(int attempt, IRetrySchedule schedule, double random)
    {
        var doubled = schedule.InitialBackoff * Math.Pow(2, Math.Clamp(attempt - 1, 0, 40));
        var wait = doubled < schedule.MaxBackoff ? doubled : schedule.MaxBackoff;
        var spread = wait * (Math.Clamp(schedule.Jitter, 0, 1) * random);
        return wait + spread <= schedule.MaxBackoff ? wait + spread : wait - spread;
    }

    public static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0.#} s";
}

/// <summary>
/// The loop of a sender that claims due rows in batches (webhook deliveries, messages, e-mails): a full batch is
/// followed at once by the next, otherwise it waits <c>pollInterval</c> (real time, not the TimeProvider: polling is
/// plumbing, and a test's frozen clock must not stall it); a failure is reported and retried after 5 s.
/// </summary>
public static class BatchPolling
{
    public static async Task RunAsync(Func<CancellationToken, Task<int>> batch, int batchSize, TimeSpan pollInterval,
        Action<Exception> failed, CancellationToken stoppingToken, Func<CancellationToken, Task>? whenIdle = null)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await batch(stoppingToken) == batchSize) continue; // more may be due
                if (whenIdle is not null) await whenIdle(stoppingToken);
                await Task.Delay(pollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failed(e);
                try { await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }
    }
}

/// <summary>
/// The loop of a scan that runs at once and then every <c>interval</c> on the injected clock (the SLA clock, the law's
/// clock): a test that moves a fake clock forward moves the scans too. A failed scan is reported and the next one
/// retries (a scan works from what is in the tables).
/// </summary>
public static class PeriodicScan
{
    public static async Task RunAsync(Func<CancellationToken, Task> scan, TimeSpan interval, TimeProvider clock, Action<Exception> failed,
        CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            do
            {
                try
                {
                    await scan(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    failed(e);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
