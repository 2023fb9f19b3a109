using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Intake.Appeals;

/// <summary>Remembers which case an appeal belongs to, so Intake can tell the caller the case number.</summary>
public sealed class CaseOpenedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<CaseOpened>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<CaseOpened> context, NpgsqlTransaction transaction) =>
        AppealStore.LinkCaseAsync(transaction, context.Message, context.CancellationToken);
}

public sealed class CaseOpenedConsumerDefinition : ConsumerDefinition<CaseOpenedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint,
        IConsumerConfigurator<CaseOpenedConsumer> consumer, IRegistrationContext context) =>
        endpoint.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
}
