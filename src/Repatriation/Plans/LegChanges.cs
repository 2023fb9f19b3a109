using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Repatriation.Plans;

/// <summary>
/// A leg's status moved (by a coordinator, or by the provider through its booking link), in the plan's transaction:
/// the plan's version goes up and Cases hears the plan as it now stands; a booking or confirmation is told as
/// <see cref="RepatriationLegBooked"/>; the first leg done puts the plan in progress, the last one completes it
/// (<see cref="RepatriationCompleted"/>). Setting the status a leg already has changes nothing (a retried request).
/// </summary>
public static class LegChanges
{
    public sealed record Outcome(StoredPlan? Plan, string? Problem);

    public static async Task<Outcome> ApplyAsync(NpgsqlTransaction transaction, StoredPlan plan, int number, string status, string? reference,
        string? providerName, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (plan.Legs.FirstOrDefault(l => l.Number == number) is not { } leg) return new(null, $"The plan has no leg {number}.");
        if (!PlanStatuses.IsLive(plan.Status))
            return new(null, plan.Status == PlanStatuses.Draft
                ? "The plan is a draft: agree it before booking its legs."
                : $"The plan is {plan.Status}: its legs no longer change.");
        if (leg.Status == status && (reference is null || reference == leg.Reference)) return new(plan, null);
        if (leg.Status is LegStatuses.Done or LegStatuses.Cancelled && leg.Status != status)
            return new(null, $"Leg {number} is {leg.Status}: it no longer changes.");
        if (status == LegStatuses.Done && !LegStatuses.IsBooked(leg.Status))
            return new(null, $"Leg {number} is {leg.Status}: a leg is done only once it was booked or confirmed.");

        var legs = plan.Legs.Select(l => l.Number == number ? l with { Status = status, Reference = reference ?? l.Reference } : l).ToList();
        var active = legs.Where(l => l.Status != LegStatuses.Cancelled).ToList();
        var completed = active.Count > 0 && active.All(l => l.Status == LegStatuses.Done);
        var planStatus = completed ? PlanStatuses.Completed : active.Any(l => l.Status == LegStatuses.Done) ? PlanStatuses.InProgress : plan.Status;
        var changed = plan with { Legs = legs, Status = planStatus, Version = plan.Version + 1, ChangedAt = now, ChangedBy = actor };

        await PlanStore.SaveAsync(transaction, changed, ct);
        await PlanStore.PublishPlannedAsync(transaction, changed, ct);
        if (status is LegStatuses.Booked or LegStatuses.Confirmed)
            await transaction.EnqueueAsync(new RepatriationLegBooked(plan.Id, plan.TenantId, plan.CaseId, number, status, providerName,
                active.All(l => LegStatuses.IsBooked(l.Status)), now), ct);
        if (completed) await transaction.EnqueueAsync(new RepatriationCompleted(plan.Id, plan.TenantId, plan.CaseId, now), ct);
        return new(changed, null);
    }
}
