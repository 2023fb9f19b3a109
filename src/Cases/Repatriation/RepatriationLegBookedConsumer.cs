using MassTransit;
using Npgsql;
using Platform.Cases.Settlement;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Repatriation;

/// <summary>
/// A leg was booked or confirmed: on the timeline; once every leg is, the repatriation plan's steps up to "Escort and
/// seats or stretcher booked" are done (never backwards, and only for a plan of that kind).
/// </summary>
public sealed partial class RepatriationLegBookedConsumer(NpgsqlDataSource dataSource, ILogger<RepatriationLegBookedConsumer> logger)
    : InboxConsumer<RepatriationLegBooked>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<RepatriationLegBooked> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!await RepatriationPlans.IsTheTenantsAsync(transaction, m.TenantId, m.CaseId, ct))
        {
            LogIgnored(m.PlanId, m.CaseId, m.TenantId);
            return;
        }
        var status = await RepatriationPlans.StatusAsync(transaction, m.TenantId, m.CaseId, m.PlanId, nameof(RepatriationLegBooked), ct);
        await CaseTimeline.AppendAsync(transaction, m.TenantId, m.CaseId, m.At, TimelineKinds.RepatriationLegBooked,
            $"Repatriation leg {m.LegNumber} {m.Status}{(m.ProviderName is null ? "" : $" with {m.ProviderName}")}" +
            (m.AllLegsBooked ? "; every leg is booked" : ""),
            RepatriationPlans.Actor, new { m.PlanId, m.LegNumber, m.Status, m.ProviderName, m.AllLegsBooked }, ct);
        if (m.AllLegsBooked && status == RepatriationStatuses.Planned)
            await SettlementPlans.AdvanceToAsync(transaction, m.TenantId, m.CaseId, RepatriationPlans.PlanKind, RepatriationPlans.BookedStep + 1,
                m.At, RepatriationPlans.Actor, "every leg of the transport plan is booked", ct);
    }

    [LoggerMessage(LogLevel.Warning, "Ignored a booked leg of transport plan {PlanId}: case {CaseId} is not a case of tenant {TenantId}")]
    private partial void LogIgnored(Guid planId, Guid caseId, string tenantId);
}
