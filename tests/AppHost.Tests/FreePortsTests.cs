using Platform.Tests;

namespace Platform.AppHost.Tests;

/// <summary>
/// The test servers' ports: test projects start side by side, and each picks its servers' ports seconds before they
/// are bound, so a pick must never hand out a port another pick still holds.
/// </summary>
public sealed class Free_ports_for_test_servers
{
    private static string Folder => Path.Combine(TestEnvironment.RepositoryRoot(), ".state", "tests", "ports");

    [Fact]
    public async Task Picked_at_the_same_moment_are_never_the_same()
    {
        // 400 of 12,000: drawn at random without the reservation, two would coincide in almost every run.
        var picks = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => TestEnvironment.FreePorts(50))));

        var ports = picks.SelectMany(p => p).ToList();
        Assert.Equal(400, ports.Count);
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 20000, 31999));
        var reserved = File.ReadAllLines(Path.Combine(Folder, Environment.ProcessId.ToString())).Select(int.Parse).ToHashSet();
        Assert.Subset(reserved, ports.ToHashSet());
    }

    [Fact]
    public void Held_by_a_process_that_has_ended_are_let_go()
    {
        Directory.CreateDirectory(Folder);
        var ended = Path.Combine(Folder, int.MaxValue.ToString()); // no process has that id
        File.WriteAllLines(ended, ["20001", "20002"]);

        TestEnvironment.FreePorts(1);

        Assert.False(File.Exists(ended));
    }
}
