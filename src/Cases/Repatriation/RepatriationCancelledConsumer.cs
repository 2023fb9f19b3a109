using MassTransit;
using Npgsql;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Repatriation;

/// <summary>
/// A transport plan was cancelled: its MEDIF no longer applies, so its task is cancelled, and the reason is on the
/// timeline. The settlement plan stays as it is: the coordinator decides what replaces the transport.
/// </summary>
public sealed partial class RepatriationCancelledConsumer(NpgsqlDataSource dataSource, ILogger<RepatriationCancelledConsumer> logger)
    : InboxConsumer<RepatriationCancelled>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<RepatriationCancelled> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await RepatriationPlans.LockMedifTasksAsync(transaction, m.TenantId, m.CaseId, ct);
        if (!await RepatriationPlans.IsTheTenantsAsync(transaction, m.TenantId, m.CaseId, ct))
        {
            LogIgnored(m.PlanId, m.CaseId, m.TenantId);
            return;
        }
        if (await RepatriationPlans.StatusAsync(transaction, m.TenantId, m.CaseId, m.PlanId, nameof(RepatriationCancelled), ct)
            != RepatriationStatuses.Planned) return;

        await RepatriationPlans.CloseAsync(transaction, m.TenantId, m.CaseId, m.PlanId, RepatriationStatuses.Cancelled, m.CancelledAt, m.Reason, ct);
        await CaseTimeline.AppendAsync(transaction, m.TenantId, m.CaseId, m.CancelledAt, TimelineKinds.RepatriationCancelled,
            $"Repatriation cancelled: {m.Reason}", RepatriationPlans.Actor, new { m.PlanId, m.Reason }, ct);
        await RepatriationPlans.CloseMedifAsync(transaction, m.TenantId, m.CaseId, m.PlanId, done: false,
            $"The transport plan was cancelled: {m.Reason}", m.CancelledAt, ct);
    }

    [LoggerMessage(LogLevel.Warning, "Ignored the cancellation of transport plan {PlanId}: case {CaseId} is not a case of tenant {TenantId}")]
    private partial void LogIgnored(Guid planId, Guid caseId, string tenantId);
}
