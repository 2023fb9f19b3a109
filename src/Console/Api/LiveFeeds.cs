using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Console.Session;

namespace Platform.Console.Api;

/// <summary>
/// Live lists shared by the screens that show them. Every open work queue of an organisation would otherwise ask the
/// gateway for the same list every few seconds, and the gateway counts each request against the organisation's rate
/// limit (600 a minute by default): thirty coordinators with the queue open would use it all. Here each replica asks
/// once per <see cref="ConsoleOptions.QueueRefresh"/> for each list that someone is watching, and hands the answer to
/// every screen watching it.
/// A list is fetched only with the token of someone watching it, and shared only among people of the same organisation
/// with the same roles, so nobody sees through it what their own token would not show them. A token the gateway
/// refuses (the session ended) is told to its own screen only, and the next watcher's token is tried.
/// </summary>
public sealed class LiveFeeds(IHttpClientFactory clients, IOptions<ConsoleOptions> options, ILogger<LiveFeeds> logger)
{
    private readonly ConcurrentDictionary<string, Feed> _feeds = new();
    private readonly IHttpClientFactory _clients = clients;
    private readonly TimeSpan _interval = options.Value.QueueRefresh;
    private readonly ILogger _logger = logger;

    public IDisposable Watch<TValue>(Staff staff, string path, Func<ApiResult<TValue>, Task> onUpdate)
    {
        var key = $"{staff.Tenant}|{string.Join(',', staff.Roles.Order())}|{path}|{typeof(TValue).FullName}";
        var watcher = new Watcher(staff, CultureInfo.CurrentUICulture, async (value, failure) =>
            await onUpdate(new ApiResult<TValue>(failure is null ? (TValue?)value : default, failure)));
        while (true)
        {
            var feed = _feeds.GetOrAdd(key, _ => new Feed(this, key, path, typeof(TValue)));
            if (feed.Add(watcher)) return new Subscription(feed, watcher);
            // The feed was just stopped by its last watcher leaving: start another.
            _feeds.TryRemove(new KeyValuePair<string, Feed>(key, feed));
        }
    }

    /// <summary>A screen watching a list; <c>Culture</c>: its person's language, which failures are told in.</summary>
    private sealed record Watcher(Staff Staff, CultureInfo Culture, Func<object?, ApiFailure?, Task> OnUpdate);

    /// <summary>What the gateway answered: the list, or the status (0: unreachable) and problem document.</summary>
    private readonly record struct Answer(object? Value, int Status, JsonElement? Problem)
    {
        public bool Ok => Status is >= 200 and < 300;
    }

    private sealed class Subscription(Feed feed, Watcher watcher) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) feed.Remove(watcher);
        }
    }

    private sealed class Feed(LiveFeeds owner, string key, string path, Type type)
    {
        private readonly List<Watcher> _watchers = [];
        private readonly CancellationTokenSource _stop = new();
        private bool _stopped;
        private (object? Value, DateTimeOffset At)? _last;

        public bool Add(Watcher watcher)
        {
            bool first;
            (object? Value, DateTimeOffset At)? last;
            lock (_watchers)
            {
                if (_stopped) return false;
                first = _watchers.Count == 0;
                _watchers.Add(watcher);
                last = _last;
            }
            if (first) _ = RunAsync();
            // A screen that opens gets the latest list at once; the next round comes within the interval.
            else if (last is { } known) _ = Notify([watcher], new Answer(known.Value, 200, null));
            return true;
        }

        public void Remove(Watcher watcher)
        {
            lock (_watchers)
            {
                _watchers.Remove(watcher);
                if (_watchers.Count > 0) return;
                _stopped = true;
            }
            _stop.Cancel();
            owner._feeds.TryRemove(new KeyValuePair<string, Feed>(key, this));
        }

        private async Task RunAsync()
        {
            using var timer = new PeriodicTimer(owner._interval);
            try
            {
                do
                {
                    await RoundAsync();
                }
                while (await timer.WaitForNextTickAsync(_stop.Token));
            }
            catch (OperationCanceledException)
            {
                // Nobody is watching any more.
            }
            finally
            {
                _stop.Dispose();
            }
        }

        private async Task RoundAsync()
        {
            Watcher[] watchers;
            lock (_watchers) watchers = [.. _watchers];
            var refused = new List<(Watcher, Answer)>();
            // The newest session first: the likeliest to hold a live token.
            foreach (var watcher in watchers.OrderByDescending(w => w.Staff.ExpiresAt))
            {
                var answer = await FetchAsync(watcher.Staff.Token);
                if (answer.Status is 401 or 403)
                {
                    refused.Add((watcher, answer));
                    continue;
                }
                if (answer.Ok) lock (_watchers) _last = (answer.Value, DateTimeOffset.UtcNow);
                await Notify(watchers.Except(refused.Select(r => r.Item1)).ToArray(), answer);
                break;
            }
            foreach (var (watcher, answer) in refused) await Notify([watcher], answer);
        }

        private async Task<Answer> FetchAsync(string token)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await owner._clients.CreateClient(GatewayClient.HttpClientName).SendAsync(request, _stop.Token);
                if (response.IsSuccessStatusCode)
                    return new Answer(await response.Content.ReadFromJsonAsync(type, ConsoleJson.Options, _stop.Token), (int)response.StatusCode, null);
                return new Answer(null, (int)response.StatusCode, await GatewayClient.ProblemOfAsync(response, _stop.Token));
            }
            catch (Exception e) when (GatewayClient.Unreachable(e) || e is JsonException
                                       || (e is TaskCanceledException && !_stop.IsCancellationRequested))
            {
                owner._logger.LogWarning(e, "Live list {Path} could not be read", path);
                return new Answer(null, 0, null);
            }
        }

        private static async Task Notify(IEnumerable<Watcher> watchers, Answer answer)
        {
            foreach (var watcher in watchers)
            {
                try
                {
                    // Told in the watcher's own language (the culture flows into the callback from here).
                    CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = watcher.Culture;
                    await watcher.OnUpdate(answer.Value, answer.Ok ? null : ApiFailure.From(answer.Status, answer.Problem));
                }
                catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
                {
                    // The screen closed while the answer was on its way.
                }
            }
        }
    }
}
