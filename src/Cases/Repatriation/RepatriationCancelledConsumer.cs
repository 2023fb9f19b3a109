using Npgsql;
using Platform.Cases.Timeline;
using Platform.Contracts;

namespace Platform.Cases.Repatriation;

/// <summary>
/// A transport plan was cancelled: its MEDIF no longer applies, so its task is cancelled, and the reason is on the
/// timeline. The settlement plan stays as it is: the coordinator decides what replaces the transport.
/// </summary>
public sealed class RepatriationCancelledConsumer(NpgsqlDataSource dataSource, ILogger<RepatriationCancelledConsumer> logger)
    : RepatriationConsumer<RepatriationCancelled>(dataSource, logger)
{
    protected override (string TenantId, Guid CaseId, Guid PlanId) Names(RepatriationCancelled m) => (m.TenantId, m.CaseId, m.PlanId);

    protected override async Task HandleCaseAsync(RepatriationCancelled m, NpgsqlTransaction transaction, CancellationToken ct)
    {
        if (await RepatriationPlans.StatusAsync(transaction, m.TenantId, m.CaseId, m.PlanId, nameof(RepatriationCancelled), ct)
            != RepatriationStatuses.Planned) return;

        await RepatriationPlans.CloseAsync(transaction, m.TenantId, m.CaseId, m.PlanId, RepatriationStatuses.Cancelled, m.CancelledAt, m.Reason, ct);
        await CaseTimeline.AppendAsync(transaction, m.TenantId, m.CaseId, m.CancelledAt, TimelineKinds.RepatriationCancelled,
            $"Repatriation cancelled: {m.Reason}", RepatriationPlans.Actor, new { m.PlanId, m.Reason }, ct);
        await RepatriationPlans.CloseMedifAsync(transaction, m.TenantId, m.CaseId, m.PlanId, done: false,
            $"The transport plan was cancelled: {m.Reason}", m.CancelledAt, ct);
    }
}
