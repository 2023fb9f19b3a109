using MassTransit;
using Npgsql;
using Platform.Cases.Settlement;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Repatriation;

/// <summary>
/// A transport plan was agreed or changed: its picture is kept (an older version arriving late changes nothing), the
/// case's settlement plan becomes a repatriation with its usual steps unless it is one already, and the MEDIF's task
/// follows the plan's deadline and carrier.
/// </summary>
public sealed partial class RepatriationPlannedConsumer(NpgsqlDataSource dataSource, ILogger<RepatriationPlannedConsumer> logger)
    : InboxConsumer<RepatriationPlanned>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<RepatriationPlanned> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await RepatriationPlans.LockMedifTasksAsync(transaction, m.TenantId, m.CaseId, ct);
        if (!await RepatriationPlans.IsTheTenantsAsync(transaction, m.TenantId, m.CaseId, ct))
        {
            LogIgnored(m.PlanId, m.CaseId, m.TenantId);
            return;
        }
        var saved = await RepatriationPlans.SaveAsync(transaction, m, ct);
        if (saved == RepatriationPlans.Saved.Stale) return;

        if ((await SettlementPlans.ReadAsync(transaction.Connection!, m.TenantId, m.CaseId, ct))?.Kind != RepatriationPlans.PlanKind)
            await SettlementPlans.SetAsync(transaction, m.TenantId, m.CaseId, RepatriationPlans.PlanKind, null, m.ChangedAt, RepatriationPlans.Actor, ct);
        var legs = m.Legs.Where(l => l.Status != "cancelled").OrderBy(l => l.DepartsAt).ToList();
        var escort = RepatriationTexts.Escort(m.Escort, PersonLanguage.English);
        await CaseTimeline.AppendAsync(transaction, m.TenantId, m.CaseId, m.ChangedAt, TimelineKinds.RepatriationPlanned,
            $"Repatriation {(saved == RepatriationPlans.Saved.New ? "planned" : $"plan changed (version {m.Version})")}: {m.Mode}" +
            (escort.Length == 0 ? "" : $" {escort}") +
            (legs.Count == 0 ? "" : $", first departure {legs[0].DepartsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {legs.Count} leg{(legs.Count == 1 ? "" : "s")}") +
            (m.Destination is null ? ", home" : $", to {m.Destination}") +
            (m.Medif is { } medif ? $"; MEDIF to {medif.CarrierName} by {medif.DueAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : ""),
            RepatriationPlans.Actor, new { m.PlanId, m.Version, m.Mode, m.Escort, m.Destination, m.Legs, m.Medif }, ct);
        await RepatriationPlans.TrackMedifAsync(transaction, m, ct);
    }

    [LoggerMessage(LogLevel.Warning, "Ignored transport plan {PlanId}: case {CaseId} is not a case of tenant {TenantId}")]
    private partial void LogIgnored(Guid planId, Guid caseId, string tenantId);
}
