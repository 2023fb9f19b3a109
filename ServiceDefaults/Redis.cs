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
        // Aspire's client integration: the shared connection, its readiness check and telemetry. It starts even if Redis
        // is late (abortConnect=false); readiness reports it.
        builder.AddRedisClient(name, configureOptions: o => o.AbortOnConnectFail = false);
        if (builder.Configuration.GetValue<bool>("DevClock:Enabled"))
        {
            // Tests move the whole platform's clock forward (see DevClock); production never sets this.
            builder.Services.AddSingleton<TimeProvider, DevClock>();
        }
        return builder;
    }
}
