using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisExtensions
{
    /// <summary>Registers the shared Redis connection from <c>ConnectionStrings:{name}</c> and its readiness check.</summary>
    public static TBuilder AddRedis<TBuilder>(this TBuilder builder, string name = "redis") where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(name)
            ?? throw new InvalidOperationException($"Connection string '{name}' is missing: set ConnectionStrings__{name}.");
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false; // start even if Redis is late; readiness reports it
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        if (builder.Configuration.GetValue<bool>("DevClock:Enabled"))
        {
            // Tests move the whole platform's clock forward (see DevClock); production never sets this.
            builder.Services.AddSingleton<TimeProvider, DevClock>();
        }
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "redis", sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()), HealthStatus.Unhealthy,
            [ServiceDefaultsExtensions.ReadyTag], TimeSpan.FromSeconds(5)));
        return builder;
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis is not reachable.", e);
        }
    }
}
