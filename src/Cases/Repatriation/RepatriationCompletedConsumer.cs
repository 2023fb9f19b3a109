using Npgsql;
using Platform.Cases.Settlement;
using Platform.Cases.Timeline;
using Platform.Contracts;

namespace Platform.Cases.Repatriation;

/// <summary>The patient arrived: the transport plan is completed, every step of the repatriation plan done, the MEDIF's task closed.</summary>
public sealed class RepatriationCompletedConsumer(NpgsqlDataSource dataSource, ILogger<RepatriationCompletedConsumer> logger)
    : RepatriationConsumer<RepatriationCompleted>(dataSource, logger)
{
    protected override (string TenantId, Guid CaseId, Guid PlanId) Names(RepatriationCompleted m) => (m.TenantId, m.CaseId, m.PlanId);

    protected override async Task HandleCaseAsync(RepatriationCompleted m, NpgsqlTransaction transaction, CancellationToken ct)
    {
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
}
