using MassTransit;
using Npgsql;
using Platform.Cases.Settlement;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Repatriation;

/// <summary>The patient arrived: the transport plan is completed, every step of the repatriation plan done, the MEDIF's task closed.</summary>
public sealed partial class RepatriationCompletedConsumer(NpgsqlDataSource dataSource, ILogger<RepatriationCompletedConsumer> logger)
    : InboxConsumer<RepatriationCompleted>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<RepatriationCompleted> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await RepatriationPlans.LockMedifTasksAsync(transaction, m.TenantId, m.CaseId, ct);
        if (!await RepatriationPlans.IsTheTenantsAsync(transaction, m.TenantId, m.CaseId, ct))
        {
            LogIgnored(m.PlanId, m.CaseId, m.TenantId);
            return;
        }
        if (await RepatriationPlans.StatusAsync(transaction, m.TenantId, m.CaseId, m.PlanId, nameof(RepatriationCompleted), ct)
            != RepatriationStatuses.Planned) return;

        await RepatriationPlans.CloseAsync(transaction, m.TenantId, m.CaseId, m.PlanId, RepatriationStatuses.Completed, m.CompletedAt, null, ct);
        await SettlementPlans.AdvanceToAsync(transaction, m.TenantId, m.CaseId, RepatriationPlans.PlanKind, int.MaxValue, m.CompletedAt,
            RepatriationPlans.Actor, "the patient arrived", ct);
        await CaseTimeline.AppendAsync(transaction, m.TenantId, m.CaseId, m.CompletedAt, TimelineKinds.RepatriationCompleted,
            "Repatriation completed: the patient arrived", RepatriationPlans.Actor, new { m.PlanId }, ct);
        await RepatriationPlans.CloseMedifAsync(transaction, m.TenantId, m.CaseId, m.PlanId, done: true,
            "The patient arrived: the MEDIF went with the flights.", m.CompletedAt, ct);
    }

    [LoggerMessage(LogLevel.Warning, "Ignored the completion of transport plan {PlanId}: case {CaseId} is not a case of tenant {TenantId}")]
    private partial void LogIgnored(Guid planId, Guid caseId, string tenantId);
}
