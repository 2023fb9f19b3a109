using MassTransit;

namespace Platform.Messaging;

/// <summary>
/// The platform's default for consumers: transient failures (a database restart, a lock timeout) are retried with
/// exponential backoff; what still fails goes to the endpoint's _error queue, where operations can inspect and move it.
/// </summary>
public sealed class RetryingConsumerDefinition<T> : ConsumerDefinition<T> where T : class, IConsumer
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<T> consumer, IRegistrationContext context) =>
        endpoint.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
}

public static class ConsumerRegistrationExtensions
{
    /// <summary>Registers a consumer with the platform's retry policy.</summary>
    public static IConsumerRegistrationConfigurator<T> AddPlatformConsumer<T>(this IBusRegistrationConfigurator bus) where T : class, IConsumer =>
        bus.AddConsumer<T>(typeof(RetryingConsumerDefinition<T>));
}
