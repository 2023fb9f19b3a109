using Microsoft.Extensions.Hosting;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Platform.Cases.CaseFiles;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Settlement;

/// <summary>A step of the plan and who does it: assistance (us), clinic, insurer, family, doctor.</summary>
public sealed record PlanStep(string Title, [property: OneOf(typeof(SettlementPlans), nameof(SettlementPlans.Owners))] string Owner, string Status);

public sealed record SettlementPlan([property: OneOf(typeof(SettlementPlans), nameof(SettlementPlans.Kinds))] string Kind, IReadOnlyList<PlanStep> Steps, int CurrentStep, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public PlanStep? Current => CurrentStep < Steps.Count ? Steps[CurrentStep] : null;
}

/// <summary>
/// The plan as the API answers it. <c>State</c>: <c>not-set</c> (the case has no plan yet: no kind, no steps),
/// <c>in-progress</c> (<c>Current</c> is the step now), or <c>completed</c> (every step done).
/// </summary>
public sealed record SettlementPlanView(
    [property: OneOf(typeof(SettlementPlanStates), nameof(SettlementPlanStates.All))] string State,
    [property: OneOf(typeof(SettlementPlans), nameof(SettlementPlans.Kinds))] string? Kind,
    IReadOnlyList<PlanStep> Steps,
    int CurrentStep,
    PlanStep? Current,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy)
{
    public static SettlementPlanView Of(SettlementPlan? plan) => plan is null
        ? new(SettlementPlanStates.NotSet, null, [], 0, null, null, null)
        : new(plan.Current is null ? SettlementPlanStates.Completed : SettlementPlanStates.InProgress, plan.Kind, plan.Steps, plan.CurrentStep,
            plan.Current, plan.UpdatedAt, plan.UpdatedBy);
}

public static class SettlementPlanStates
{
    public const string NotSet = "not-set";
    public const string InProgress = "in-progress";
    public const string Completed = "completed";
    public static readonly string[] All = [NotSet, InProgress, Completed];
}

public sealed record PlanStepRequest(string? Title, [property: OneOf(typeof(SettlementPlans), nameof(SettlementPlans.Owners))] string? Owner);

public sealed record SetPlanRequest([property: OneOf(typeof(SettlementPlans), nameof(SettlementPlans.Kinds))] string? Kind, IReadOnlyList<PlanStepRequest>? Steps);

public sealed record AdvancePlanRequest(string? Note);

/// <summary>How the case will be settled (outpatient care, hospitalisation, transport, repatriation), as steps with owners.</summary>
public static class SettlementPlans
{
    [EnumSchema("PlanKind")]
    public static readonly string[] Kinds = ["outpatient", "hospitalisation", "transport", "repatriation"];
    [EnumSchema("PlanStepOwner")]
    public static readonly string[] Owners = ["assistance", "clinic", "insurer", "family", "doctor"];
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    public static RouteGroupBuilder MapSettlementPlanApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}/settlement-plan").WithTags("Settlement plan");
        group.MapGet("/", GetAsync).RequireAccess(Access.ReadCases)
            .WithSummary("How the case will be settled and its current step; state not-set until a plan is set");
        group.MapPut("/", PutAsync).RequireAccess(Access.WorkCases).WithSummary("Sets the plan: a kind and, optionally, its own steps (else the usual ones)");
        group.MapPost("/advance", AdvanceAsync).RequireAccess(Access.WorkCases).WithSummary("Marks the current step done and moves to the next");
        return group;
    }

    public static async Task<SettlementPlan?> ReadAsync(NpgsqlConnection connection, string tenantId, Guid caseId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT kind, steps::text, current_step, updated_at, updated_by FROM settlement_plans WHERE tenant_id = @tenant AND case_id = @case_id",
            connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new SettlementPlan(r.GetString(0), JsonSerializer.Deserialize<List<PlanStep>>(r.GetString(1), Json)!, r.GetInt32(2),
            r.GetFieldValue<DateTimeOffset>(3), r.GetString(4));
    }

    private static async Task<Results<Ok<SettlementPlanView>, ProblemHttpResult>> GetAsync(
        string numberOrId, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore cases, CancellationToken ct)
    {
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // A case without a plan is a state of the case, not a missing resource: 404 is only for a case that is not there.
        return TypedResults.Ok(SettlementPlanView.Of(await ReadAsync(connection, identity.TenantId, caseId, ct)));
    }

    private static async Task<Results<Ok<SettlementPlanView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string numberOrId, SetPlanRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore cases,
        TimeProvider clock, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("kind", request.Kind)) e.OneOf("kind", request.Kind, Kinds);
        for (var i = 0; i < (request.Steps?.Count ?? 0); i++)
        {
            var step = request.Steps![i]; // never null: the platform's JSON rule refuses null list elements
            if (e.Required($"steps[{i}].title", step.Title)) e.MaxLength($"steps[{i}].title", step.Title, 200);
            if (e.Required($"steps[{i}].owner", step.Owner)) e.OneOf($"steps[{i}].owner", step.Owner, Owners);
        }
        if (request.Steps is { Count: 0 }) e.Add("steps", "Leave the steps out for the usual ones, or list at least one.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await SetAsync(transaction, identity.TenantId, caseId, request.Kind!,
            request.Steps?.Select(s => new PlanStep(s.Title!.Trim(), s.Owner!, "pending")).ToList(), now, identity.ActorId, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(SettlementPlanView.Of(await ReadAsync(connection, identity.TenantId, caseId, ct)));
    }

    /// <summary>
    /// Sets the case's plan in the caller's transaction: <paramref name="kind"/> with <paramref name="steps"/> (the
    /// usual ones of the kind when null), the first step current; on the timeline, and told to Intake.
    /// </summary>
    internal static async Task SetAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, string kind, List<PlanStep>? steps,
        DateTimeOffset now, string actor, CancellationToken ct)
    {
        steps ??= PlanTexts.Templates[kind].Select(t => new PlanStep(t.English, t.Owner, "pending")).ToList();
        steps[0] = steps[0] with { Status = "current" };
        await SaveAsync(transaction, tenantId, caseId, kind, steps, 0, now, actor, ct);
        await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, "plan-set",
            $"Settlement plan: {kind}; first step: {steps[0].Title} ({steps[0].Owner})", actor, new { kind, steps }, ct);
    }

    private static async Task<Results<Ok<SettlementPlanView>, ValidationProblem, ProblemHttpResult>> AdvanceAsync(
        string numberOrId, AdvancePlanRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore cases,
        TimeProvider clock, CancellationToken ct)
    {
        if (request.Note is { Length: > 1000 }) return Problems.Validation("note", "The field must be at most 1000 characters long.");
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await LockAsync(transaction, identity.TenantId, caseId, ct) is not { } plan)
            return Problems.Conflict($"Case {numberOrId} has no settlement plan yet; set one first.");
        if (plan.Current is null) return Problems.Conflict($"Every step of the plan of case {numberOrId} is done.");

        await MarkDoneAsync(transaction, identity.TenantId, caseId, plan, plan.CurrentStep + 1, now, identity.ActorId, request.Note, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(SettlementPlanView.Of(await ReadAsync(connection, identity.TenantId, caseId, ct)));
    }

    /// <summary>
    /// Moves a plan of <paramref name="kind"/> on so that every step before <paramref name="next"/> is done and that one is
    /// current (every step done when it is the count of steps), in the caller's transaction. Never backwards: a plan of
    /// another kind, or already that far, is left as it is, so running it again changes nothing.
    /// </summary>
    /// <returns>Whether the plan moved.</returns>
    internal static async Task<bool> AdvanceToAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, string kind, int next,
        DateTimeOffset now, string actor, string? note, CancellationToken ct)
    {
        if (await LockAsync(transaction, tenantId, caseId, ct) is not { } plan || plan.Kind != kind) return false;
        next = Math.Min(next, plan.Steps.Count);
        if (plan.CurrentStep >= next) return false;
        await MarkDoneAsync(transaction, tenantId, caseId, plan, next, now, actor, note, ct);
        return true;
    }

    /// <summary>The case's plan, its row locked for the rest of the transaction (null: none).</summary>
    private static async Task<SettlementPlan?> LockAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, CancellationToken ct)
    {
        await using (var lockPlan = new NpgsqlCommand("SELECT 1 FROM settlement_plans WHERE case_id = @case_id FOR UPDATE", transaction.Connection, transaction))
        {
            lockPlan.Parameters.AddWithValue("case_id", caseId);
            await lockPlan.ExecuteNonQueryAsync(ct);
        }
        return await ReadAsync(transaction.Connection!, tenantId, caseId, ct);
    }

    // The steps from the current one up to next (exclusive) are done, next is current; saved and on the timeline.
    private static async Task MarkDoneAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, SettlementPlan plan, int next,
        DateTimeOffset now, string actor, string? note, CancellationToken ct)
    {
        var steps = plan.Steps.ToList();
        for (var i = plan.CurrentStep; i < next; i++) steps[i] = steps[i] with { Status = "done" };
        if (next < steps.Count) steps[next] = steps[next] with { Status = "current" };
        await SaveAsync(transaction, tenantId, caseId, plan.Kind, steps, next, now, actor, ct);
        var done = string.Join("; ", steps.Skip(plan.CurrentStep).Take(next - plan.CurrentStep).Select(s => s.Title));
        await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, "plan-advanced",
            $"Done: {done}{(next < steps.Count ? $"; next: {steps[next].Title} ({steps[next].Owner})" : "; plan complete")}" +
            (note is null ? "" : $" — {note}"), actor, ct: ct);
    }

    /// <summary>Saves the plan and tells Intake (through the outbox), so a later appeal is answered with the plan's current step.</summary>
    private static async Task SaveAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, string kind, List<PlanStep> steps,
        int current, DateTimeOffset now, string actor, CancellationToken ct)
    {
        await using (var number = new NpgsqlCommand("SELECT number FROM cases WHERE tenant_id = @tenant AND id = @id", transaction.Connection, transaction))
        {
            number.Parameters.AddWithValue("tenant", tenantId);
            number.Parameters.AddWithValue("id", caseId);
            var step = current < steps.Count ? steps[current] : null;
            await transaction.EnqueueAsync(new SettlementPlanChanged(caseId, tenantId, (string)(await number.ExecuteScalarAsync(ct))!, kind,
                current, steps.Count, step?.Title, step?.Owner, now), ct);
        }
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO settlement_plans (case_id, tenant_id, kind, steps, current_step, updated_at, updated_by)
            VALUES (@case_id, @tenant, @kind, @steps, @current, @now, @actor)
            ON CONFLICT (case_id) DO UPDATE SET kind = excluded.kind, steps = excluded.steps, current_step = excluded.current_step,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("steps", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(steps, Json));
        cmd.Parameters.AddWithValue("current", current);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("actor", actor);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
