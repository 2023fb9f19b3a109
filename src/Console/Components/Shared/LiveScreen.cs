using Microsoft.AspNetCore.Components;

namespace Platform.Console.Components.Shared;

/// <summary>
/// A screen that asks the platform again while it is open: every interval its refresh runs on the screen's own
/// dispatcher and the screen redraws, until the person leaves it (<see cref="Stopping"/> is then cancelled, and calls
/// under way with it end). Lists an organisation's screens share go through <see cref="Api.LiveFeeds"/> instead.
/// </summary>
public abstract class LiveScreen : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private bool _refreshing;

    /// <summary>Cancelled when the screen closes: pass it to the screen's calls.</summary>
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>Starts refreshing every <paramref name="every"/> (once per screen; later calls change nothing).</summary>
    protected void KeepRefreshing(TimeSpan every, Func<Task> refresh)
    {
        if (_refreshing) return;
        _refreshing = true;
        _ = RefreshAsync(every, refresh, _stop.Token);
    }

    private async Task RefreshAsync(TimeSpan every, Func<Task> refresh, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await InvokeAsync(async () =>
                {
                    await refresh();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The screen was closed.
        }
    }

    public virtual void Dispose() => _stop.Cancel();
}
