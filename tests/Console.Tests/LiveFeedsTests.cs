using Microsoft.Extensions.DependencyInjection;
using Platform.Console.Api;
using Platform.Console.Session;
using Platform.Tests;

namespace Platform.Console.Tests;

/// <summary>Live lists: shared by the screens watching them, never across roles or with a refused token.</summary>
public sealed class Live_lists(ConsoleFactory console) : IClassFixture<ConsoleFactory>
{
    private sealed record Item(string Name);

    [Fact]
    public async Task Screens_of_one_organisation_and_roles_share_one_request_per_interval()
    {
        var feeds = console.Services.GetRequiredService<LiveFeeds>();
        var path = $"api/list?share={Guid.NewGuid():N}";
        var received = new int[6];
        var watches = Enumerable.Range(0, received.Length).Select(i => feeds.Watch<List<Item>>(Person($"coordinator-{i}", "coordinator"), path, result =>
        {
            Assert.True(result.Ok);
            Interlocked.Increment(ref received[i]);
            return Task.CompletedTask;
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3)); // ten intervals of 300 ms
        foreach (var watch in watches) watch.Dispose();
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // a round under way when the last screen closed ends
        var asked = Asked(path);

        // Six screens, at most ten rounds (fewer on a busy machine): one request a round, not one per screen and round,
        // and each round's answer reached every screen (but the first, which may come before a screen has joined).
        Assert.InRange(asked, 3, 12);
        Assert.All(received, count => Assert.InRange(count, asked - 2, asked + 1));

        // Nobody watching: nothing more is asked.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(asked, Asked(path));
    }

    [Fact]
    public async Task People_with_other_roles_get_the_list_their_own_token_gives()
    {
        var feeds = console.Services.GetRequiredService<LiveFeeds>();
        var path = $"api/list?roles={Guid.NewGuid():N}";
        string? coordinatorSaw = null, supervisorSaw = null;
        using var coordinator = feeds.Watch<List<Item>>(Person("anna", "coordinator"), path, r => { coordinatorSaw = r.Value?.Single().Name; return Task.CompletedTask; });
        using var supervisor = feeds.Watch<List<Item>>(Person("olga", "supervisor"), path, r => { supervisorSaw = r.Value?.Single().Name; return Task.CompletedTask; });

        await Eventually.True(() => Task.FromResult(coordinatorSaw is not null && supervisorSaw is not null), TimeSpan.FromSeconds(5), "both screens get a list");
        Assert.Equal("for coordinator", coordinatorSaw);
        Assert.Equal("for supervisor", supervisorSaw);
    }

    [Fact]
    public async Task A_refused_token_is_told_to_its_own_screen_and_the_others_still_get_the_list()
    {
        var feeds = console.Services.GetRequiredService<LiveFeeds>();
        var path = $"api/list?refused={Guid.NewGuid():N}";
        ApiFailure? expiredSaw = null;
        List<Item>? otherSaw = null;
        // The expired session is the newest (tried first); its refusal must not reach the other screen.
        using var expired = feeds.Watch<List<Item>>(Person("refused-anna", "coordinator", expiresIn: TimeSpan.FromHours(10)), path, r =>
        {
            expiredSaw ??= r.Failure;
            return Task.CompletedTask;
        });
        using var other = feeds.Watch<List<Item>>(Person("boris", "coordinator", expiresIn: TimeSpan.FromHours(1)), path, r =>
        {
            Assert.True(r.Ok, "A refusal of another person's token reached this screen.");
            otherSaw = r.Value;
            return Task.CompletedTask;
        });

        await Eventually.True(() => Task.FromResult(expiredSaw is not null && otherSaw is not null), TimeSpan.FromSeconds(5), "each screen hears its own answer");
        Assert.True(expiredSaw!.SessionEnded);
        Assert.Equal("for coordinator", otherSaw!.Single().Name);
    }

    private int Asked(string path) => console.Gateway.Requests.Count(r => r.Path == "/" + path);

    private static Staff Person(string subject, string role, TimeSpan? expiresIn = null) =>
        new(subject, subject, "acme", [role], ConsoleFactory.Token(subject, [role]), DateTimeOffset.UtcNow + (expiresIn ?? TimeSpan.FromHours(8)), TimeZoneInfo.Utc);
}
