using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.CaseFiles;

/// <summary>Opens a case for each registered appeal.</summary>
public sealed class AppealRegisteredConsumer(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<AppealRegisteredConsumer> logger)
    : InboxConsumer<AppealRegistered>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<AppealRegistered> context, NpgsqlTransaction transaction)
    {
        var opened = await CaseStore.OpenForAppealAsync(transaction, context.Message, clock.GetUtcNow(), context.CancellationToken);
        logger.LogInformation("Opened case {CaseNumber} for appeal {AppealId} of tenant {TenantId}",
            opened.CaseNumber, opened.AppealId, opened.TenantId);
    }
}

public sealed class AppealRegisteredConsumerDefinition : ConsumerDefinition<AppealRegisteredConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint,
        IConsumerConfigurator<AppealRegisteredConsumer> consumer, IRegistrationContext context) =>
        endpoint.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
}
