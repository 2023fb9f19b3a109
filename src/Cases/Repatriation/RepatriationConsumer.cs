using MassTransit;
using Npgsql;
using Platform.Messaging;

namespace Platform.Cases.Repatriation;

/// <summary>
/// What every repatriation event's consumer does first: lock the case's MEDIF tasks (events of one plan arriving
/// together must not both create or move its task), and ignore (with a warning) an event that names another tenant's
/// case. <see cref="HandleCaseAsync"/> then does the event's own work, in the same transaction.
/// </summary>
public abstract partial class RepatriationConsumer<T>(NpgsqlDataSource dataSource, ILogger logger) : InboxConsumer<T>(dataSource) where T : class
{
    protected abstract (string TenantId, Guid CaseId, Guid PlanId) Names(T message);

    protected abstract Task HandleCaseAsync(T message, NpgsqlTransaction transaction, CancellationToken ct);

    protected sealed override async Task HandleAsync(ConsumeContext<T> context, NpgsqlTransaction transaction)
    {
        var (tenantId, caseId, planId) = Names(context.Message);
        var ct = context.CancellationToken;
        await RepatriationPlans.LockMedifTasksAsync(transaction, tenantId, caseId, ct);
        if (!await RepatriationPlans.IsTheTenantsAsync(transaction, tenantId, caseId, ct))
        {
            LogIgnored(logger, typeof(T).Name, planId, caseId, tenantId);
            return;
        }
        await HandleCaseAsync(context.Message, transaction, ct);
    }

    [LoggerMessage(LogLevel.Warning, "Ignored {Event} of transport plan {PlanId}: case {CaseId} is not a case of tenant {TenantId}")]
    private static partial void LogIgnored(ILogger logger, string @event, Guid planId, Guid caseId, string tenantId);
}
