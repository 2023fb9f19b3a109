using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Messaging;

/// <summary>
/// The broker operations MassTransit has no API for, on a connection of their own with publisher confirms: declaring
/// the platform's consumer queues (<see cref="Subscribers"/>), delay queues for redelivery, and moving messages between
/// queues (error queues back to their consumers). MassTransit's own delayed redelivery needs the delayed-message
/// exchange plug-in, which the Debian RabbitMQ package does not ship; delay queues (a TTL, then dead-lettering back to
/// the consumer's queue) are the plug-in-free way and keep the messages in the broker, where a restarted or failed-over
/// database cannot lose them.
/// </summary>
public sealed class Broker(IConfiguration configuration, MessagingOptions options, IHostEnvironment environment) : IAsyncDisposable
{
    public const string RedeliveryHeader = "Platform-Redelivery";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _declared = new();
    private IConnection? _connection;
    private IChannel? _channel;

    /// <summary>Arguments of every queue the platform declares: quorum queues where the broker is a cluster, expiry for test hosts.</summary>
    public Dictionary<string, object?> QueueArguments()
    {
        var arguments = new Dictionary<string, object?>();
        if (options.QuorumQueues) arguments["x-queue-type"] = "quorum";
        if (options.QueueExpiration is { } expiration) arguments["x-expires"] = (int)expiration.TotalMilliseconds;
        return arguments;
    }

    /// <summary>
    /// The channel every redelivery is put aside on. Whatever may close a channel by asking for a queue that does not
    /// exist (counting or emptying an error queue nothing has failed into yet) runs on a channel of its own
    /// (<see cref="OwnChannelAsync"/>): RabbitMQ closes the channel of such a request, and every publish on it with it.
    /// </summary>
    private async Task<IChannel> ChannelAsync(CancellationToken ct)
    {
        if (_channel is { IsOpen: true } open) return open;
        await _gate.WaitAsync(ct);
        try
        {
            if (_channel is { IsOpen: true } again) return again;
            var connection = await ConnectionAsync(ct);
            if (_channel is not null) await _channel.DisposeAsync();
            return _channel = await connection.CreateChannelAsync(ConfirmedChannel, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IChannel> OwnChannelAsync(CancellationToken ct)
    {
        IConnection connection;
        await _gate.WaitAsync(ct);
        try
        {
            connection = await ConnectionAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
        return await connection.CreateChannelAsync(ConfirmedChannel, ct);
    }

    private static readonly CreateChannelOptions ConfirmedChannel = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    /// <summary>The connection, opened again if it was lost; call it holding <see cref="_gate"/>.</summary>
    private async Task<IConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is { IsOpen: true } open) return open;
        if (_connection is not null) await _connection.DisposeAsync();
        var factory = new ConnectionFactory
        {
            Uri = new Uri(configuration.GetConnectionString("rabbitmq")!),
            ClientProvidedName = $"{environment.ApplicationName.ToLowerInvariant()}-operations",
        };
        _connection = await factory.CreateConnectionAsync(ct);
        _declared.Clear();
        return _connection;
    }

    /// <summary>
    /// Declares every consumer queue of <see cref="Subscribers"/> and its bindings exactly as MassTransit does when
    /// the consumer starts: the event's exchange, fanout to an exchange named after the queue, fanout to the queue.
    /// </summary>
    public async Task DeclareSubscribersAsync(CancellationToken ct)
    {
        var channel = await ChannelAsync(ct);
        foreach (var (message, queues) in Subscribers.Queues)
        {
            // MassTransit's name for an event's exchange: "{namespace}:{type name}".
            var exchange = $"{message.Namespace}:{message.Name}";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
            foreach (var queue in queues)
            {
                await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, QueueArguments(), cancellationToken: ct);
                await channel.QueueBindAsync(queue, queue, "", cancellationToken: ct);
                await channel.ExchangeBindAsync(queue, exchange, "", cancellationToken: ct);
            }
        }
    }

    /// <summary>
    /// Puts a message aside for <paramref name="delay"/>, after which the broker returns it to <paramref name="queue"/>
    /// (a queue per delay with that TTL, dead-lettering to the consumer's queue).
    /// </summary>
    public async Task DelayAsync(string queue, TimeSpan delay, ReadOnlyMemory<byte> body, IReadOnlyBasicProperties original,
        int redelivery, CancellationToken ct)
    {
        var channel = await ChannelAsync(ct);
        var delayQueue = $"{queue}_delay_{(long)delay.TotalSeconds}s";
        if (!_declared.ContainsKey(delayQueue))
        {
            var arguments = QueueArguments();
            arguments["x-message-ttl"] = (long)delay.TotalMilliseconds;
            arguments["x-dead-letter-exchange"] = "";
            arguments["x-dead-letter-routing-key"] = queue;
            if (options.QuorumQueues)
            {
                // Dead-lettering out of a quorum queue is at-most-once unless asked otherwise.
                arguments["x-dead-letter-strategy"] = "at-least-once";
                arguments["x-overflow"] = "reject-publish";
            }
            await channel.QueueDeclareAsync(delayQueue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: ct);
            _declared[delayQueue] = true;
        }
        var properties = new BasicProperties(original) { Persistent = true };
        properties.Headers = new Dictionary<string, object?>(original.Headers ?? new Dictionary<string, object?>())
        {
            [RedeliveryHeader] = redelivery,
        };
        properties.Headers.Remove("x-death"); // the broker's history of earlier delays: not ours to carry on
        await channel.BasicPublishAsync("", delayQueue, mandatory: true, properties, body, ct);
    }

    /// <summary>Messages waiting in each of <paramref name="queues"/> (a queue that does not exist counts none; a broker
    /// that cannot be reached is an error, not a count of none).</summary>
    public async Task<IReadOnlyDictionary<string, uint>> CountAsync(IEnumerable<string> queues, CancellationToken ct)
    {
        var counts = new Dictionary<string, uint>();
        foreach (var queue in queues)
        {
            // A channel per queue: the broker closes the channel of a passive declare that finds no queue.
            await using var channel = await OwnChannelAsync(ct);
            try
            {
                counts[queue] = (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
            }
            catch (OperationInterruptedException e) when (IsMissingQueue(e))
            {
                counts[queue] = 0;
            }
        }
        return counts;
    }

    /// <summary>
    /// Moves up to <paramref name="limit"/> messages from <paramref name="from"/> to <paramref name="to"/>, each one
    /// acknowledged only after the broker confirmed its copy (a failure in between duplicates, never loses; consumers'
    /// inbox drops duplicates). MassTransit's fault headers and the redelivery count are removed: the message starts over.
    /// A queue that does not exist (an error queue nothing has failed into yet) has nothing to move.
    /// </summary>
    public async Task<int> MoveAsync(string from, string to, int limit, CancellationToken ct)
    {
        await using var channel = await OwnChannelAsync(ct);
        var moved = 0;
        while (moved < limit && await NextAsync() is { } message)
        {
            var properties = new BasicProperties(message.BasicProperties);
            if (properties.Headers is { } headers)
            {
                properties.Headers = headers
                    .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.Ordinal) && !h.Key.StartsWith("MT-Reason", StringComparison.Ordinal)
                        && h.Key is not (RedeliveryHeader or "x-death" or "MT-Redelivery-Count"))
                    .ToDictionary(h => h.Key, h => h.Value);
            }
            await channel.BasicPublishAsync("", to, mandatory: true, properties, message.Body, ct);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
            moved++;
        }
        return moved;

        async Task<BasicGetResult?> NextAsync()
        {
            try
            {
                return await channel.BasicGetAsync(from, autoAck: false, ct);
            }
            catch (OperationInterruptedException e) when (moved == 0 && IsMissingQueue(e))
            {
                return null;
            }
        }
    }

    private static bool IsMissingQueue(OperationInterruptedException e) => e.ShutdownReason?.ReplyCode == Constants.NotFound;

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null) await _channel.DisposeAsync();
        if (_connection is not null) await _connection.DisposeAsync();
        _gate.Dispose();
    }
}

/// <summary>
/// Declares the platform's consumer queues (<see cref="Subscribers"/>) at start, before the outbox relay publishes,
/// and checks that this service's consumers are exactly those the list gives it.
/// </summary>
public sealed partial class BrokerTopology(Broker broker, MessagingOptions options, ConsumerEndpoints consumers, ILogger<BrokerTopology> logger)
    : BackgroundService
{
    private readonly TaskCompletionSource _declared = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the queues are declared (at once for hosts with their own queue names, such as tests).</summary>
    public Task DeclaredAsync(CancellationToken ct) => _declared.Task.WaitAsync(ct);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        consumers.CheckAgainstSubscribers();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.EndpointPrefix is not null)
        {
            // A host with queue names of its own (a test) is an island: the platform's queues are not its to declare.
            _declared.TrySetResult();
            return;
        }
        var wait = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await broker.DeclareSubscribersAsync(stoppingToken);
                _declared.TrySetResult();
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogDeclareFailed(e.Message);
                await Task.Delay(wait, stoppingToken);
                wait = TimeSpan.FromSeconds(Math.Min(wait.TotalSeconds * 2, 2));
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Cannot declare the platform's queues yet ({Error}); the outbox waits until they exist")]
    private partial void LogDeclareFailed(string error);
}
