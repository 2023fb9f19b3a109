using System.Diagnostics;
using Microsoft.Extensions.Options;
using Platform.OmsRepresentatives.Sms;
using Platform.Tests;

namespace Platform.OmsRepresentatives.Tests.Sms;

public sealed class The_SMS_throttle
{
    [Fact]
    public async Task Gives_a_full_window_back_no_sooner_than_a_second_later_and_rests_when_nothing_is_out()
    {
        using var throttle = new SmsThrottle(Options.Create(new SmsOptions { PerSecond = 5 }));
        Assert.False(throttle.Sliding);

        var started = Stopwatch.StartNew();
        (await throttle.AcquireAsync(5, CancellationToken.None)).Dispose();
        Assert.True(throttle.Sliding);
        using (await throttle.AcquireAsync(1, CancellationToken.None))
            Assert.True(started.Elapsed >= TimeSpan.FromSeconds(1), $"the sixth permit came after {started.Elapsed.TotalMilliseconds:0} ms");

        await Eventually.True(() => Task.FromResult(!throttle.Sliding), TimeSpan.FromSeconds(5), "the window stops sliding once every permit is back");
        started.Restart();
        (await throttle.AcquireAsync(5, CancellationToken.None)).Dispose(); // at rest: a full window at once
        Assert.True(started.Elapsed < TimeSpan.FromMilliseconds(500), $"a full window at rest took {started.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(throttle.Sliding);
    }
}
