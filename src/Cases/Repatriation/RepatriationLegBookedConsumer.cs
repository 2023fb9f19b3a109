using Npgsql;
using Platform.Cases.Settlement;
using Platform.Cases.Timeline;
using Platform.Contracts;

namespace Platform.Cases.Repatriation;

/// <summary>
/// A leg was booked or confirmed: on the timeline; once every leg is, the repatriation plan's steps up to "Escort and
/// seats or stretcher booked" are done (never backwards, and only for a plan of that kind).
/// </summary>
public sealed class RepatriationLegBookedConsumer(NpgsqlDataSource dataSource, ILogger<RepatriationLegBookedConsumer> logger)
    : RepatriationConsumer<RepatriationLegBooked>(dataSource, logger)
{
    protected override (string TenantId, Guid CaseId, Guid PlanId) Names(RepatriationLegBooked m) => (m.TenantId, m.CaseId, m.PlanId);

    protected override async Task HandleCaseAsync(RepatriationLegBooked m, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var status = await RepatriationPlans.StatusAsync(transaction, m.TenantId, m.CaseId, m.PlanId, nameof(RepatriationLegBooked), ct);
        await CaseTimeline.AppendAsync(transaction, m.TenantId, m.CaseId, m.At, TimelineKinds.RepatriationLegBooked,
            $"Repatriation leg {m.LegNumber} {m.Status}{(m.ProviderName is null ? "" : $" with {m.ProviderName}")}" +
            (m.AllLegsBooked ? "; every leg is booked" : ""),
            RepatriationPlans.Actor, new { m.PlanId, m.LegNumber, m.Status, m.ProviderName, m.AllLegsBooked }, ct);
        if (m.AllLegsBooked && status == RepatriationStatuses.Planned)
            await SettlementPlans.AdvanceToAsync(transaction, m.TenantId, m.CaseId, RepatriationPlans.PlanKind, RepatriationPlans.BookedStep + 1,
                m.At, RepatriationPlans.Actor, "every leg of the transport plan is booked", ct);
    }
}
