using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.AppHost.Infrastructure;

namespace Platform.AppHost.Tests;

public sealed class An_operator_with_servers_of_their_own
{
    internal static readonly string[] OwnServers =
    [
        "--ConnectionStrings:postgres=Host=127.0.0.1;Port=1;Username=ops;Password=secret",
        "--ConnectionStrings:rabbitmq=amqp://ops:secret@127.0.0.1:1/platform",
        "--ConnectionStrings:redis=127.0.0.1:1,password=secret",
    ];

    [Fact]
    public async Task Gets_nothing_installed_or_started_and_the_services_get_their_connection_strings()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(OwnServers);

        Assert.DoesNotContain(builder.Resources, r => r is PostgresServerResource or RabbitMQServerResource or EpmdResource or RedisServerResource);
        Assert.Equal(["postgres", "rabbitmq", "redis"], builder.Resources.OfType<ExternalServerResource>().Select(r => r.Name).Order());

        var intake = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "intake");
#pragma warning disable CS0618 // Aspire.Hosting.Testing's helper for what a resource is given; its successor is not public yet.
        var environment = await intake.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
#pragma warning restore CS0618
        Assert.Equal("Host=127.0.0.1;Port=1;Username=ops;Password=secret;Database=intake", environment["ConnectionStrings__intakedb"]);
        Assert.Equal("amqp://ops:secret@127.0.0.1:1/platform", environment["ConnectionStrings__rabbitmq"]);
        Assert.Equal("127.0.0.1:1,password=secret", environment["ConnectionStrings__redis"]);
    }

    [Theory]
    [InlineData("postgres", "PostgreSQL 'postgres' (your PostgreSQL (ConnectionStrings__postgres)) does not answer")]
    [InlineData("rabbitmq", "RabbitMQ 'rabbitmq' (your RabbitMQ (ConnectionStrings__rabbitmq)) does not answer")]
    [InlineData("redis", "Redis 'redis' (your Redis (ConnectionStrings__redis)) does not answer")]
    public async Task Whose_server_does_not_answer_is_told_which_one(string server, string message)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(OwnServers);
        // The check the dashboard shows and the services wait on (WaitFor), run once here: the AppHost's services,
        // without starting the application (nothing of it is needed, and a built application takes 30 s to dispose).
        await using var services = builder.Services.BuildServiceProvider();
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == $"{server}_reachable");

        var entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.StartsWith(message, entry.Description);
    }
}
