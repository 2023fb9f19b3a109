using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Platform.AppHost.Tests;

public sealed class The_services_traces
{
    /// <summary>What the AppHost gives Intake (every service is added the same way), without starting anything (servers
    /// of one's own: nothing to install). The gateway's and the console's environments name other services' addresses,
    /// which are allocated only at a start.</summary>
    private static async Task<Dictionary<string, string>> IntakeEnvironmentAsync(params string[] args)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([.. An_operator_with_servers_of_their_own.OwnServers, .. args]);
        var intake = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "intake");
#pragma warning disable CS0618 // Aspire.Hosting.Testing's helper for what a resource is given; its successor is not public yet.
        return await intake.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
#pragma warning restore CS0618
    }

    [Fact]
    public async Task Are_ten_new_ones_a_second_per_service_each_whole_unless_told_otherwise()
    {
        var environment = await IntakeEnvironmentAsync();
        Assert.Equal("10", environment["Telemetry__TracesPerSecond"]);
        Assert.Equal("parentbased_always_on", environment["OTEL_TRACES_SAMPLER"]); // under a recorded root, everything

        Assert.Equal("0", (await IntakeEnvironmentAsync("--Telemetry:TracesPerSecond=0"))["Telemetry__TracesPerSecond"]);
    }

    [Fact]
    public async Task Follow_a_sampler_given_to_the_AppHost_instead()
    {
        var environment = await IntakeEnvironmentAsync("--OTEL_TRACES_SAMPLER=parentbased_traceidratio", "--OTEL_TRACES_SAMPLER_ARG=0.1");
        Assert.Equal("parentbased_traceidratio", environment["OTEL_TRACES_SAMPLER"]);
        Assert.Equal("0.1", environment["OTEL_TRACES_SAMPLER_ARG"]);
        Assert.False(environment.ContainsKey("Telemetry__TracesPerSecond"));
    }

    [Fact]
    public async Task Keep_the_cap_when_given_only_a_sampler_argument()
    {
        var environment = await IntakeEnvironmentAsync("--OTEL_TRACES_SAMPLER_ARG=0.1");
        Assert.Equal("parentbased_always_on", environment["OTEL_TRACES_SAMPLER"]);
        Assert.Equal("10", environment["Telemetry__TracesPerSecond"]);
    }
}
