using System.Text.Json;
using MassTransit;
using Npgsql;
using NpgsqlTypes;
using Platform.Cases.Tasks;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Repatriation;

/// <summary>
/// A transport plan of the case as the repatriation service last told it (its highest version), and where it stands:
/// <c>Status</c> planned (the legs ahead), completed (the patient arrived) or cancelled (<c>CancelReason</c>), since
/// <c>StatusAt</c>. <c>Mode</c>, <c>Escort</c> and the legs are the repatriation service's codes.
/// </summary>
public sealed record RepatriationPicture(
    Guid PlanId,
    [property: OneOf(typeof(RepatriationStatuses), nameof(RepatriationStatuses.All))] string Status,
    string Mode,
    string Escort,
    string? Destination,
    IReadOnlyList<RepatriationLeg> Legs,
    RepatriationMedif? Medif,
    long Version,
    DateTimeOffset ChangedAt,
    DateTimeOffset? StatusAt,
    string? CancelReason);

public static class RepatriationStatuses
{
    public const string Planned = "planned";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public static readonly string[] All = [Planned, Completed, Cancelled];
}

/// <summary>
/// Cases' side of the way home. The repatriation service's events keep each transport plan's latest picture; a plan
/// makes the case's settlement plan a repatriation (its usual steps), moves it on as the legs are booked and the patient
/// arrives, and keeps a task for its MEDIF due when the airline must have the form. The briefing tells the caller the legs
/// and the MEDIF (<see cref="RepatriationTexts"/>).
/// </summary>
public static class RepatriationPlans
{
    /// <summary>Who the timeline names for what the repatriation service reported.</summary>
    public const string Actor = "repatriation";

    /// <summary>The settlement plan's kind these events move on.</summary>
    public const string PlanKind = "repatriation";

    /// <summary>The usual step "Escort and seats or stretcher booked": done, with those before it, once every leg is booked.</summary>
    public const int BookedStep = 1;

    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    public static IBusRegistrationConfigurator AddRepatriationConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddPlatformConsumer<RepatriationPlannedConsumer>();
        bus.AddPlatformConsumer<RepatriationLegBookedConsumer>();
        bus.AddPlatformConsumer<RepatriationCompletedConsumer>();
        bus.AddPlatformConsumer<RepatriationCancelledConsumer>();
        return bus;
    }

    /// <summary>The case's transport plans, the most recently changed first.</summary>
    public static async Task<IReadOnlyList<RepatriationPicture>> ReadAsync(NpgsqlConnection connection, string tenantId, Guid caseId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT plan_id, status, mode, escort, destination, legs::text, medif::text, version, changed_at, status_at, cancel_reason
            FROM repatriation_plans WHERE tenant_id = @tenant AND case_id = @case_id ORDER BY changed_at DESC, plan_id
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        var plans = new List<RepatriationPicture>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            plans.Add(new RepatriationPicture(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                JsonSerializer.Deserialize<List<RepatriationLeg>>(r.GetString(5), Json)!,
                r.IsDBNull(6) ? null : JsonSerializer.Deserialize<RepatriationMedif>(r.GetString(6), Json),
                r.GetInt64(7), r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
                r.IsDBNull(10) ? null : r.GetString(10)));
        return plans;
    }

    /// <summary>Whether the case is the tenant's: an event naming another tenant's case changes nothing there.</summary>
    internal static async Task<bool> IsTheTenantsAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM cases WHERE tenant_id = @tenant AND id = @case_id", transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    internal enum Saved { New, Changed, Stale }

    /// <summary>
    /// Keeps the plan's picture when it is newer than the one kept (<see cref="Saved.Stale"/> otherwise: an older or the
    /// same version, or a plan already completed or cancelled, which is final).
    /// </summary>
    internal static async Task<Saved> SaveAsync(NpgsqlTransaction transaction, RepatriationPlanned m, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO repatriation_plans (tenant_id, case_id, plan_id, version, mode, escort, destination, legs, medif, changed_at)
            VALUES (@tenant, @case_id, @plan_id, @version, @mode, @escort, @destination, @legs, @medif, @changed_at)
            ON CONFLICT (tenant_id, case_id, plan_id) DO UPDATE SET version = excluded.version, mode = excluded.mode,
                escort = excluded.escort, destination = excluded.destination, legs = excluded.legs, medif = excluded.medif,
                changed_at = excluded.changed_at
            WHERE repatriation_plans.version < excluded.version AND repatriation_plans.status = 'planned'
            RETURNING (xmax = 0)
            """, transaction.Connection, transaction);
        var p = cmd.Parameters;
        p.AddWithValue("tenant", m.TenantId);
        p.AddWithValue("case_id", m.CaseId);
        p.AddWithValue("plan_id", m.PlanId);
        p.AddWithValue("version", m.Version);
        p.AddWithValue("mode", m.Mode);
        p.AddWithValue("escort", m.Escort);
        p.Add(new NpgsqlParameter<string?>("destination", m.Destination));
        p.AddWithValue("legs", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(m.Legs, Json));
        p.AddWithValue("medif", NpgsqlDbType.Jsonb, m.Medif is null ? DBNull.Value : JsonSerializer.Serialize(m.Medif, Json));
        p.AddWithValue("changed_at", m.ChangedAt);
        return await cmd.ExecuteScalarAsync(ct) switch
        {
            true => Saved.New,
            false => Saved.Changed,
            _ => Saved.Stale,
        };
    }

    /// <summary>
    /// The plan's status, its row locked for the rest of the transaction. A plan not received yet means its
    /// RepatriationPlanned has not arrived (events can overtake each other): the message waits for it.
    /// </summary>
    internal static async Task<string> StatusAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, Guid planId, string message,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT status FROM repatriation_plans WHERE tenant_id = @tenant AND case_id = @case_id AND plan_id = @plan_id FOR UPDATE",
            transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("plan_id", planId);
        return await cmd.ExecuteScalarAsync(ct) as string
            ?? throw new PredecessorMissingException($"{message} of plan {planId} arrived before Cases applied its RepatriationPlanned.");
    }

    /// <summary>Marks the plan completed or cancelled: final, later pictures of it change nothing.</summary>
    internal static async Task CloseAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, Guid planId, string status,
        DateTimeOffset at, string? reason, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            UPDATE repatriation_plans SET status = @status, status_at = @at, cancel_reason = @reason
            WHERE tenant_id = @tenant AND case_id = @case_id AND plan_id = @plan_id
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("plan_id", planId);
        cmd.Parameters.AddWithValue("status", status);
        cmd.Parameters.AddWithValue("at", at);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("reason", reason));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Locks the case's open MEDIF tasks: a handler that changes one and appends to the timeline takes the task before
    /// the case row, as every task operation does (<see cref="CaseTasks.LockOpenAsync"/>).
    /// </summary>
    internal static Task LockMedifTasksAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, CancellationToken ct) =>
        CaseTasks.LockOpenAsync(transaction, tenantId, caseId, [TaskKinds.Medif], ct);

    private sealed record MedifTask(Guid Id, string Status, DateTimeOffset DueAt, string Title, string? CarrierCode);

    private static string MedifKey(Guid planId) => $"medif:{planId}";

    private static async Task<MedifTask?> FindMedifTaskAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, Guid planId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT id, status, due_at, title, data->>'carrierCode' FROM case_tasks
            WHERE tenant_id = @tenant AND case_id = @case_id AND dedup_key = @key
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("key", MedifKey(planId));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new MedifTask(r.GetGuid(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4))
            : null;
    }

    /// <summary>
    /// Keeps the plan's MEDIF task in step with its picture: "Send the MEDIF to {carrier}" due when the carrier must have
    /// it. A newer picture with another deadline or carrier moves the open task (a form already sent goes again, as a new
    /// task, only when the carrier changed); a picture without a MEDIF cancels it.
    /// </summary>
    internal static async Task TrackMedifAsync(NpgsqlTransaction transaction, RepatriationPlanned m, CancellationToken ct)
    {
        var task = await FindMedifTaskAsync(transaction, m.TenantId, m.CaseId, m.PlanId, ct);
        if (m.Medif is not { } medif)
        {
            if (task is { Status: TaskStatuses.Open })
                await CancelMedifAsync(transaction, m.TenantId, m.CaseId, task, $"The plan no longer needs a MEDIF (version {m.Version}).", m.ChangedAt, ct);
            return;
        }
        // The deadline comes with the departure's local offset; PostgreSQL keeps instants (in UTC).
        medif = medif with { DueAt = medif.DueAt.ToUniversalTime() };
        var title = $"Send the MEDIF to {medif.CarrierName}";
        var data = new { planId = m.PlanId, medif.CarrierCode, medif.CarrierName };
        if (task is { Status: TaskStatuses.Open })
        {
            if (task.DueAt == medif.DueAt && task.CarrierCode == medif.CarrierCode && task.Title == title) return;
            await using (var move = new NpgsqlCommand("""
                UPDATE case_tasks SET title = @title, due_at = @due_at, data = @data, escalated_at = NULL, escalated_to = NULL
                WHERE tenant_id = @tenant AND id = @id
                """, transaction.Connection, transaction))
            {
                move.Parameters.AddWithValue("tenant", m.TenantId);
                move.Parameters.AddWithValue("id", task.Id);
                move.Parameters.AddWithValue("title", title);
                move.Parameters.AddWithValue("due_at", medif.DueAt);
                move.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(data, Json));
                await move.ExecuteNonQueryAsync(ct);
            }
            await CaseTimeline.AppendAsync(transaction, m.TenantId, m.CaseId, m.ChangedAt, TimelineKinds.TaskRescheduled,
                $"{title}: now due {medif.DueAt:u} (was {task.Title}, due {task.DueAt:u}; plan version {m.Version})", Actor,
                new { taskId = task.Id, kind = TaskKinds.Medif, dueAt = medif.DueAt, previousDueAt = task.DueAt, medif.CarrierCode }, ct);
            return;
        }
        if (task is not null)
        {
            // Sent (or cancelled by hand) for this carrier: nothing more to do. For another carrier the form goes again,
            // so the old task gives up its key to a new one.
            if (task.CarrierCode == medif.CarrierCode) return;
            await using var release = new NpgsqlCommand(
                "UPDATE case_tasks SET dedup_key = dedup_key || ':' || status || ':' || id::text WHERE tenant_id = @tenant AND id = @id",
                transaction.Connection, transaction);
            release.Parameters.AddWithValue("tenant", m.TenantId);
            release.Parameters.AddWithValue("id", task.Id);
            await release.ExecuteNonQueryAsync(ct);
        }
        await CaseTasks.CreateAsync(transaction, m.TenantId, m.CaseId, TaskKinds.Medif, title, medif.DueAt, m.ChangedAt, Actor,
            dedupKey: MedifKey(m.PlanId), data: data, ct: ct);
    }

    /// <summary>
    /// Closes the plan's open MEDIF task, if any: done when the patient arrived (the form went), cancelled (with
    /// <paramref name="why"/>) when the plan was.
    /// </summary>
    internal static async Task CloseMedifAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, Guid planId, bool done, string why,
        DateTimeOffset at, CancellationToken ct)
    {
        if (await FindMedifTaskAsync(transaction, tenantId, caseId, planId, ct) is not { Status: TaskStatuses.Open } task) return;
        if (done) await TaskStore.CompleteAsync(transaction, tenantId, task.Id, why, null, Actor, at, ct);
        else await CancelMedifAsync(transaction, tenantId, caseId, task, why, at, ct);
    }

    private static async Task CancelMedifAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, MedifTask task, string why,
        DateTimeOffset at, CancellationToken ct)
    {
        await using (var cmd = new NpgsqlCommand("""
            UPDATE case_tasks
            -- The cancelled task gives up its key, so a later picture of the plan that needs a MEDIF again sets a new one.
            SET status = 'cancelled', completed_at = @at, completed_by = @actor, outcome = @why,
                dedup_key = dedup_key || ':cancelled:' || id::text
            WHERE tenant_id = @tenant AND id = @id
            """, transaction.Connection, transaction))
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("id", task.Id);
            cmd.Parameters.AddWithValue("at", at);
            cmd.Parameters.AddWithValue("actor", Actor);
            cmd.Parameters.AddWithValue("why", why);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await CaseTimeline.AppendAsync(transaction, tenantId, caseId, at, TimelineKinds.TaskCancelled, $"{task.Title}: cancelled. {why}", Actor,
            new { taskId = task.Id, kind = TaskKinds.Medif }, ct);
    }
}
