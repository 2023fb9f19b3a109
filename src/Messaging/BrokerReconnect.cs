using System.Reflection;
using MassTransit;

namespace Platform.Messaging;

/// <summary>
/// How soon each receive and send transport tries the broker again after losing it. MassTransit's RabbitMQ transport
/// retries on a fixed schedule that grows to 30 s (3 s steps), so after an outage of a quarter of a minute an endpoint
/// may wait another 10–20 s after the broker is back, and the backlog with it. The schedule is a getter-only property
/// of the host configuration with no configuration API in MassTransit 8, so it is replaced here, before the bus starts:
/// the same exceptions are retried (the original policy decides), only sooner: 0.5 s growing to 2 s.
/// If a later MassTransit renames what this relies on, the service refuses to start and the messaging tests fail,
/// rather than silently reconnecting slowly.
/// </summary>
internal static class BrokerReconnect
{
    private const string BackingField = "<ReceiveTransportRetryPolicy>k__BackingField";

    public static void Apply(IRabbitMqBusFactoryConfigurator configurator)
    {
        var host = FieldsOf(configurator.GetType())
            .Select(f => f.GetValue(configurator))
            .FirstOrDefault(v => v is not null && FieldsOf(v.GetType()).Any(f => f.Name == BackingField))
            ?? throw new InvalidOperationException(
                $"MassTransit's RabbitMQ host configuration has no {BackingField} any more: see {nameof(BrokerReconnect)}.");
        var field = FieldsOf(host.GetType()).First(f => f.Name == BackingField);
        var original = (IRetryPolicy)field.GetValue(host)!;
        var quicker = Retry.CreatePolicy(x =>
        {
            x.Handle<Exception>(original.IsHandled);
            x.Exponential(100_000, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));
        });
        field.SetValue(host, quicker);
    }

    private static IEnumerable<FieldInfo> FieldsOf(Type? type)
    {
        for (; type is not null; type = type.BaseType)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                yield return field;
    }
}
