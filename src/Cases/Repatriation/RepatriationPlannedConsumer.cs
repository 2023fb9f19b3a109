using Npgsql;
using Platform.Cases.Settlement;
using Platform.Cases.Timeline;
using Platform.Contracts;

namespace Platform.Cases.Repatriation;

/// <summary>
/// A transport plan was agreed or changed: its picture is kept (an older version arriving late changes nothing), the
/// case's settlement plan becomes a repatriation with its usual steps unless it is one already, and the MEDIF's task
/// follows the plan's deadline and carrier.
/// </summary>
public sealed class RepatriationPlannedConsumer(NpgsqlDataSource dataSource, ILogger<RepatriationPlannedConsumer> logger)
    : RepatriationConsumer<RepatriationPlanned>(dataSource, logger)
{
    protected override (string TenantId, Guid CaseId, Guid PlanId) Names(RepatriationPlanned m) => (m.TenantId, m.CaseId, m.PlanId);

    protected override async Task HandleCaseAsync(RepatriationPlanned m, NpgsqlTransaction transaction, CancellationToken ct)
    {
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
}
