using System.Net.Sockets;
using System.Reflection;
using MassTransit.Configuration;
using MassTransit;
using MassTransit.RabbitMqTransport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Messaging;

/// <summary>
/// Thrown by a consumer when the message depends on one that has not arrived yet (events of one case can overtake each
/// other): the message is retried, then redelivered later, instead of being applied out of order or dropped.
/// </summary>
public sealed class PredecessorMissingException(string message) : Exception(message);

/// <summary>
/// The platform's retry policy for every consumer, in three layers:
/// <list type="number">
/// <item>A dependency that is down (a database restart or failover, a refused connection): the message stays with the
/// consumer and is retried twice a second for <see cref="MessagingOptions.OutageRetryWindow"/>, so it is applied within
/// about half a second of the dependency's return.</item>
/// <item>Any other failure, a missing predecessor included: a few quick retries.</item>
/// <item>Then delayed redelivery through the broker (<see cref="MessagingOptions.Redelivery"/>, minutes to an hour),
/// which survives a restart of this service; after the last delay the message goes to the queue's <c>_error</c> queue,
/// from where the service's <c>messaging replay-errors</c> command moves it back.</item>
/// </list>
/// </summary>
public sealed class PlatformConsumerDefinition<T>(MessagingOptions options) : ConsumerDefinition<T> where T : class, IConsumer
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<T> consumer, IRegistrationContext context)
    {
        // Retries around the consumer, inside the redelivery filter of the message's pipe.
        consumer.UseMessageRetry(r =>
        {
            r.Handle<Exception>(ConsumerOutage.Is);
            r.Interval((int)Math.Max(1, options.OutageRetryWindow.TotalMilliseconds / 500), TimeSpan.FromMilliseconds(500));
        });
        consumer.UseMessageRetry(r =>
        {
            r.Ignore<Exception>(ConsumerOutage.Is);
            r.Exponential(4, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300));
        });
        // A batch is not a message of its own: put aside, it would take only its last message's body along and count
        // as consumed, its other messages with it. Its failure reaches each of its messages instead, and each is put
        // aside on its own, by a filter in front of the batch.
        endpoint.UseConsumeFilter(typeof(DelayedRedeliveryFilter<>), context, messages => messages.Exclude(m => Batches.Of(m) is not null));
        var batched = typeof(T).GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => Batches.Of(i.GetGenericArguments()[0])).FirstOrDefault(m => m is not null);
        if (batched is null) return;
        typeof(PlatformConsumerDefinition<T>).GetMethod(nameof(PutAsideEach), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(batched).Invoke(null, [endpoint, context]);
        // One batch at a time per replica, so that two batches never wait on each other's rows; the next one gathers
        // while the last one commits.
        consumer.Options<BatchOptions>(o => o.SetMessageLimit(options.BatchMessageLimit).SetTimeLimit(options.BatchTimeLimit).SetConcurrencyLimit(1));
    }

    private static void PutAsideEach<TMessage>(IReceiveEndpointConfigurator endpoint, IRegistrationContext context) where TMessage : class =>
        endpoint.AddPipeSpecification(new FilterPipeSpecification<ConsumeContext<TMessage>>(
            ActivatorUtilities.CreateInstance<DelayedRedeliveryFilter<TMessage>>(context)));
}

internal static class Batches
{
    /// <summary>The message type of a <see cref="Batch{T}"/>, or null for a message that is not a batch.</summary>
    public static Type? Of(Type message) =>
        message.IsGenericType && message.GetGenericTypeDefinition() == typeof(Batch<>) ? message.GetGenericArguments()[0] : null;
}

internal static class ConsumerOutage
{
    /// <summary>The failure is a dependency being unreachable rather than anything about the message.</summary>
    public static bool Is(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException or TimeoutException) return true;
        return DependencyOutage.Of(e) is not null;
    }
}

/// <summary>The outermost consume filter: a message that failed all in-process retries is put aside in a delay queue.</summary>
public sealed partial class DelayedRedeliveryFilter<T>(Broker broker, MessagingOptions options, ILogger<DelayedRedeliveryFilter<T>> logger)
    : IFilter<ConsumeContext<T>> where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var delays = options.RedeliveryDelays;
        try
        {
            await next.Send(context);
        }
        catch (Exception e) when (!context.CancellationToken.IsCancellationRequested
            && context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit))
        {
            var redelivery = context.ReceiveContext.TransportHeaders.Get<int>(Broker.RedeliveryHeader) ?? 0;
            if (redelivery >= delays.Count) throw; // the last delay is over: to the error queue
            var queue = QueueOf(context);
            await broker.DelayAsync(queue, delays[redelivery], context.ReceiveContext.Body.GetBytes(), rabbit.Properties,
                redelivery + 1, context.CancellationToken);
            // The message is taken care of: acknowledged here, back from the delay queue later.
            await context.NotifyConsumed(context, TimeSpan.Zero, "delayed-redelivery");
            LogDelayed(context.MessageId, queue, delays[redelivery], redelivery + 1, e.Message);
        }
    }

    private static string QueueOf(ConsumeContext context) => context.ReceiveContext.InputAddress!.AbsolutePath.Split('/')[^1];

    public void Probe(ProbeContext context) => context.CreateFilterScope("platform-delayed-redelivery");

    [LoggerMessage(LogLevel.Warning, "Message {MessageId} on {Queue} failed; redelivering in {Delay} (redelivery {Redelivery}): {Error}")]
    private partial void LogDelayed(Guid? messageId, string queue, TimeSpan delay, int redelivery, string error);
}
