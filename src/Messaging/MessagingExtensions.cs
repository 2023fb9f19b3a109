using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ (<c>ConnectionStrings:rabbitmq</c>, an amqp:// URI) with our Npgsql outbox relay and
    /// inbox tables. Queues are named after the service, so two services consuming one event each get their own copy.
    /// Failed messages end in the queue's <c>_error</c> queue after the consumer definition's retries.
    /// </summary>
    public static TBuilder AddMessaging<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? consumers = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString("rabbitmq")
            ?? throw new InvalidOperationException("Connection string 'rabbitmq' is missing: set ConnectionStrings__rabbitmq (amqp://user:pass@host:port/vhost).");

        builder.Services.AddMigrations(typeof(Outbox).Assembly, "messaging");
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.AddHostedService<OutboxRelay>();

        var service = builder.Environment.ApplicationName.ToLowerInvariant();
        var options = builder.Configuration.GetSection("Messaging").Get<MessagingOptions>() ?? new MessagingOptions();
        var prefix = options.EndpointPrefix ?? service;
        var queueExpiration = options.QueueExpiration;
        builder.Services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix, includeNamespace: false));
            if (queueExpiration is { } expiration)
            {
                // For short-lived hosts (tests): RabbitMQ deletes their queues once unused for this long.
                x.AddConfigureEndpointsCallback((_, _, endpoint) =>
                {
                    if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.QueueExpiration = expiration;
                });
            }
            consumers?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(connectionString), h => h.ConnectionName(service));
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}

/// <summary>Section <c>Messaging</c>; both settings are for special hosts (tests), services run with neither.</summary>
public sealed class MessagingOptions
{
    /// <summary>Prefix of the service's queue names; the application name when unset.</summary>
    public string? EndpointPrefix { get; set; }

    /// <summary>When set, RabbitMQ deletes the service's queues after they have been unused this long.</summary>
    public TimeSpan? QueueExpiration { get; set; }
}
