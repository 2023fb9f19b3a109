using System.Diagnostics;
using Aspire.Hosting;
using Platform.AppHost.Infrastructure;
using Platform.Tests;

namespace Platform.AppHost.Tests;

public sealed class The_dashboard_yielding_to_the_platform
{
    [Fact]
    public async Task Renices_every_thread_of_a_running_process_once()
    {
        // A process with several threads: Redis starts its background I/O threads at once (nothing saved).
        var port = TestEnvironment.FreePorts(1)[0];
        using var process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]) { RedirectStandardOutput = true })!;
        try
        {
            var tasks = $"/proc/{process.Id}/task";
            for (var i = 0; i < 100 && Directory.GetDirectories(tasks).Length < 2; i++) await Task.Delay(50);
            var threads = Directory.GetDirectories(tasks);
            Assert.True(threads.Length > 1, $"redis-server started {threads.Length} thread(s)");
            Assert.All(threads, t => Assert.NotEqual(DashboardPriority.DefaultNice, DashboardPriority.NiceOf(t)));

            Assert.Equal(threads.Length, DashboardPriority.Renice(process.Id, DashboardPriority.DefaultNice));

            Assert.All(Directory.GetDirectories(tasks), t => Assert.Equal(DashboardPriority.DefaultNice, DashboardPriority.NiceOf(t)));
            Assert.Equal(0, DashboardPriority.Renice(process.Id, DashboardPriority.DefaultNice)); // nothing left to change
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public void Is_nothing_for_a_process_that_has_exited() =>
        Assert.Equal(0, DashboardPriority.Renice(int.MaxValue, DashboardPriority.DefaultNice));

    [Theory]
    [InlineData("-1")]
    [InlineData("20")]
    public void Refuses_a_nice_value_Linux_does_not_have(string nice)
    {
        var builder = TestEnvironment.ServersBuilder();
        builder.Configuration["Platform:DashboardNice"] = nice;
        var e = Assert.Throws<DistributedApplicationException>(() => builder.WithDashboardYielding());
        Assert.Contains("Platform:DashboardNice", e.Message);
    }
}
