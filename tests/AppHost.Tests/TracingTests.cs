using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Platform.AppHost.Tests;

public sealed class The_services_traces
{
    /// <summary>What the AppHost gives Intake (every service is added the same way), without starting anything (servers
    /// of one's own: nothing to install). The gateway's and the console's environments name other services' addresses,
    /// which are allocated only at a start.</summary>
    private static async Task<List<Dictionary<string, string>>> EnvironmentsAsync(params string[] args)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([.. An_operator_with_servers_of_their_own.OwnServers, .. args]);
        var environments = new List<Dictionary<string, string>>();
        foreach (var service in builder.Resources.OfType<ProjectResource>().Where(r => r.Name is "intake"))
#pragma warning disable CS0618 // Aspire.Hosting.Testing's helper for what a resource is given; its successor is not public yet.
            environments.Add(await service.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run));
#pragma warning restore CS0618
        return environments;
    }

    [Fact]
    public async Task Are_ten_new_ones_a_second_per_service_each_whole_unless_told_otherwise()
    {
        var environments = await EnvironmentsAsync();
        Assert.Single(environments);
        Assert.All(environments, e =>
        {
            Assert.Equal("10", e["Telemetry__TracesPerSecond"]);
            Assert.Equal("parentbased_always_on", e["OTEL_TRACES_SAMPLER"]); // under a recorded root, everything
        });

        Assert.All(await EnvironmentsAsync("--Telemetry:TracesPerSecond=0"), e => Assert.Equal("0", e["Telemetry__TracesPerSecond"]));
    }

    [Fact]
    public async Task Follow_a_sampler_given_to_the_AppHost_instead()
    {
        Assert.All(await EnvironmentsAsync("--OTEL_TRACES_SAMPLER=parentbased_traceidratio", "--OTEL_TRACES_SAMPLER_ARG=0.1"), e =>
        {
            Assert.Equal("parentbased_traceidratio", e["OTEL_TRACES_SAMPLER"]);
            Assert.Equal("0.1", e["OTEL_TRACES_SAMPLER_ARG"]);
            Assert.False(e.ContainsKey("Telemetry__TracesPerSecond"));
        });
    }
}
