using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Intake.Appeals;

/// <summary>Remembers the case an appeal opened, so Intake tells the caller its number and attaches later appeals to it.</summary>
public sealed class CaseOpenedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<CaseOpened>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<CaseOpened> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        return AppealStore.LinkCaseAsync(transaction, m.TenantId, m.AppealId, m.CaseId, m.CaseNumber, m.Insured, m.OpenedAt, context.CancellationToken);
    }
}

/// <summary>Records the case an appeal joined.</summary>
public sealed class AppealAttachedToCaseConsumer(NpgsqlDataSource dataSource) : InboxConsumer<AppealAttachedToCase>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<AppealAttachedToCase> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        return AppealStore.LinkCaseAsync(transaction, m.TenantId, m.AppealId, m.CaseId, m.CaseNumber, openedFor: null, m.AttachedAt, context.CancellationToken);
    }
}
