using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Contracts;

namespace Platform.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ (<c>ConnectionStrings:rabbitmq</c>, an amqp:// URI) with our Npgsql outbox relay and
    /// inbox tables. Queues are named after the service and the consumer, so two services consuming one event each get
    /// their own copy; the platform's queues are declared at start (<see cref="Subscribers"/>). Register consumers with
    /// <see cref="AddPlatformConsumer{T}"/> for the platform's retries (<see cref="PlatformConsumerDefinition{T}"/>).
    /// </summary>
    public static TBuilder AddMessaging<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? consumers = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString("rabbitmq")
            ?? throw new InvalidOperationException("Connection string 'rabbitmq' is missing: set ConnectionStrings__rabbitmq (amqp://user:pass@host:port/vhost).");

        builder.Services.AddMigrations(typeof(Outbox).Assembly, "messaging");
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        var service = builder.Environment.ApplicationName.ToLowerInvariant();
        var options = builder.Configuration.GetSection("Messaging").Get<MessagingOptions>() ?? new MessagingOptions();
        var formatter = new KebabCaseEndpointNameFormatter(options.EndpointPrefix ?? service, includeNamespace: false);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new ConsumerEndpoints(formatter, service, options.EndpointPrefix is null,
            sp.GetServices<PlatformConsumer>()));
        builder.Services.AddSingleton<Broker>();
        builder.Services.AddSingleton<BrokerTopology>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BrokerTopology>());
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddSingleton<MessagingOperations>();

        builder.Services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetEndpointNameFormatter(formatter);
            x.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                if (endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit) return;
                // For short-lived hosts (tests): RabbitMQ deletes their queues once unused for this long.
                if (options.QueueExpiration is { } expiration) rabbit.QueueExpiration = expiration;
                // A cluster keeps a quorum queue's messages on a majority of nodes: losing one node loses nothing.
                if (options.QuorumQueues) rabbit.SetQuorumQueue();
            });
            consumers?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(connectionString), h => h.ConnectionName(service));
                BrokerReconnect.Apply(cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>Registers a consumer with the platform's retries and redelivery.</summary>
    public static IConsumerRegistrationConfigurator<T> AddPlatformConsumer<T>(this IBusRegistrationConfigurator bus) where T : class, IConsumer
    {
        bus.AddSingleton(new PlatformConsumer(typeof(T)));
        return bus.AddConsumer<T>(typeof(PlatformConsumerDefinition<T>));
    }
}

/// <summary>Section <c>Messaging</c>.</summary>
public sealed class MessagingOptions
{
    /// <summary>Prefix of the service's queue names; the application name when unset (tests set their own).</summary>
    public string? EndpointPrefix { get; set; }

    /// <summary>When set, RabbitMQ deletes the service's queues after they have been unused this long (tests).</summary>
    public TimeSpan? QueueExpiration { get; set; }

    /// <summary>
    /// Quorum (replicated) queues, for a broker that is a cluster of three or more nodes; the development broker is a
    /// single node with classic queues. All services of one platform must agree: RabbitMQ refuses to redeclare a queue
    /// with another type.
    /// </summary>
    public bool QuorumQueues { get; set; }

    /// <summary>How long a consumer keeps retrying, twice a second, while a dependency (its database) is unreachable.</summary>
    public TimeSpan OutageRetryWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Delays of the redeliveries through the broker after in-process retries; after the last, the error queue. By
    /// default 5 s, 30 s, 2 min, 10 min, 30 min and 1 h: close to two hours in all.
    /// </summary>
    public TimeSpan[]? Redelivery { get; set; }

    /// <summary>
    /// How long a batched consumer (<see cref="InboxBatchConsumer{T}"/>) gathers messages after the first before it
    /// applies them: the delay a message alone waits, and what lets many share a commit under load.
    /// </summary>
    public TimeSpan BatchTimeLimit { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The most messages a batched consumer applies in one transaction.</summary>
    public int BatchMessageLimit { get; set; } = 100;

    internal IReadOnlyList<TimeSpan> RedeliveryDelays => Redelivery ??
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)];
}

/// <summary>The consumers this service registered, with their queues, checked against <see cref="Subscribers"/>.</summary>
public sealed class ConsumerEndpoints(IEndpointNameFormatter formatter, string service, bool platformNames, IEnumerable<PlatformConsumer> consumers)
{
    private readonly Type[] _consumers = consumers.Select(c => c.Type).ToArray();

    /// <summary>Each consumer's queue and the messages it consumes.</summary>
    public IEnumerable<(string Queue, Type Message)> All =>
        from consumer in _consumers
        let queue = (string)typeof(IEndpointNameFormatter).GetMethod(nameof(IEndpointNameFormatter.Consumer))!
            .MakeGenericMethod(consumer).Invoke(formatter, null)!
        from contract in consumer.GetInterfaces()
        where contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IConsumer<>)
        let message = contract.GetGenericArguments()[0]
        select (queue, Batches.Of(message) ?? message);

    internal void CheckAgainstSubscribers()
    {
        if (!platformNames) return;
        var mine = All.ToHashSet();
        var listed = Subscribers.Queues
            .SelectMany(s => s.Value.Select(queue => (Queue: queue, Message: s.Key)))
            .Where(s => s.Queue.StartsWith(service + "-", StringComparison.Ordinal))
            .ToHashSet();
        var missing = mine.Except(listed).Select(s => $"{s.Message.Name} -> {s.Queue}").ToList();
        var stale = listed.Except(mine).Select(s => $"{s.Message.Name} -> {s.Queue}").ToList();
        if (missing.Count + stale.Count > 0)
            throw new InvalidOperationException(
                $"Platform.Contracts.Subscribers does not match {service}'s consumers. "
                + (missing.Count > 0 ? $"Add: {string.Join(", ", missing)}. " : "")
                + (stale.Count > 0 ? $"Remove: {string.Join(", ", stale)}." : ""));
    }
}

/// <summary>A consumer registered with <see cref="MessagingExtensions.AddPlatformConsumer{T}"/>.</summary>
public sealed record PlatformConsumer(Type Type);
