using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.CaseFiles;

/// <summary>Files each registered appeal: into the insured's open case, or a new one.</summary>
public sealed class AppealRegisteredConsumer(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<AppealRegisteredConsumer> logger)
    : InboxConsumer<AppealRegistered>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<AppealRegistered> context, NpgsqlTransaction transaction)
    {
        var appeal = context.Message;
        var (_, number, opened) = await CaseStore.FileAppealAsync(transaction, appeal, clock.GetUtcNow(), context.CancellationToken);
        logger.LogInformation("{Action} case {CaseNumber} for appeal {AppealId} of tenant {TenantId}",
            opened ? "Opened" : "Attached to", number, appeal.AppealId, appeal.TenantId);
    }
}
