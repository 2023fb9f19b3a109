using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.OmsRepresentatives.Appeals;

/// <summary>Tier 2: whom the representative contacted at the medical organisation, what was agreed, and how it ended.</summary>
public sealed record InterventionRequest(
    string? Organisation, string? ContactPerson, DateTimeOffset? ContactedAt, string? Agreed,
    [property: OneOf(typeof(InterventionOutcomes), nameof(InterventionOutcomes.All))] string? Outcome);

/// <summary>A later outcome of an intervention (and, optionally, what was agreed by then).</summary>
public sealed record InterventionUpdate([property: OneOf(typeof(InterventionOutcomes), nameof(InterventionOutcomes.All))] string? Outcome, string? Agreed);

/// <summary>Tier 3: an expertise of the quality of care (ЭКМП) ordered from an expert, due by a day.</summary>
public sealed record ExpertiseRequest(string? Organisation, string? Reason, string? Expert, DateOnly? DueOn);

public sealed record ConclusionRequest(string? Findings, bool? Violations);

/// <summary>The work of tiers 2 and 3 on an appeal: interventions with the medical organisation and expertises of quality.</summary>
internal static class AppealWork
{
    public static void Map(RouteGroupBuilder appeals)
    {
        appeals.MapPost("/{number}/interventions", AddInterventionAsync).RequireAccess(Access.OmsRights)
            .WithSummary("Records an intervention with the medical organisation (tier 2 and up, at the appeal's tier)");
        appeals.MapPut("/{number}/interventions/{intervention:int}", UpdateInterventionAsync).RequireAccess(Access.OmsRights)
            .WithSummary("Records the later outcome of an intervention");
        appeals.MapPost("/{number}/expertise", OrderExpertiseAsync).RequireAccess(Access.OmsExpertise)
            .WithSummary("Orders an expertise of the quality of care (ЭКМП) on an appeal at tier 3");
        appeals.MapPost("/{number}/expertise/{expertise:int}/conclusion", ConcludeAsync).RequireAccess(Access.OmsExpertise)
            .WithSummary("Records the expertise's conclusion (once)");
    }

    private static ValidationErrors Validate(InterventionRequest request, DateTimeOffset now)
    {
        var e = new ValidationErrors();
        if (e.Required("organisation", request.Organisation)) e.MaxLength("organisation", request.Organisation, 300);
        if (e.Required("contactPerson", request.ContactPerson)) e.MaxLength("contactPerson", request.ContactPerson, 300);
        if (e.Required("contactedAt", request.ContactedAt) && request.ContactedAt > now)
            e.Add("contactedAt", "The contact cannot be in the future.");
        if (e.Required("agreed", request.Agreed)) e.MaxLength("agreed", request.Agreed, 4000);
        if (e.Required("outcome", request.Outcome)) e.OneOf("outcome", request.Outcome, InterventionOutcomes.All);
        return e;
    }

    private static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> AddInterventionAsync(
        string number, InterventionRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions options, CancellationToken ct)
    {
        var e = Validate(request, clock.GetUtcNow());
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        return await AppealsApi.ChangeAsync(number, identity, db, clock, options, ct, async (connection, tx, appeal, now) =>
        {
            if (AppealsApi.AtTier(identity, appeal, "recording an intervention") is { } refused) return refused;
            if (appeal.Answered) return Problems.Conflict($"Appeal {appeal.Number} is already answered.");
            if (request.ContactedAt < appeal.ReceivedAt)
                return Problems.Validation("contactedAt", $"The contact cannot be before appeal {appeal.Number} was received.");
            await AppealStore.ExecuteAsync(connection, tx, """
                INSERT INTO interventions (tenant_id, appeal_id, organisation, contact_person, contacted_at, agreed, outcome, created_by, created_at)
                VALUES (@tenant, @appeal, @organisation, @person, @contacted, @agreed, @outcome, @actor, @now)
                """, ct, new("tenant", identity.TenantId), new("appeal", appeal.Id), new("organisation", request.Organisation!.Trim()),
                new("person", request.ContactPerson!.Trim()), new("contacted", request.ContactedAt!.Value.ToUniversalTime()),
                new("agreed", request.Agreed!.Trim()), new("outcome", request.Outcome!), new("actor", identity.ActorId), new("now", now));
            await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.Intervention,
                $"{request.Organisation!.Trim()}, {request.ContactPerson!.Trim()}: {request.Agreed!.Trim()} ({InterventionOutcomes.NameRu(request.Outcome)})", ct);
            return null;
        });
    }

    private static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> UpdateInterventionAsync(
        string number, int intervention, InterventionUpdate request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions options, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("outcome", request.Outcome)) e.OneOf("outcome", request.Outcome, InterventionOutcomes.All);
        e.MaxLength("agreed", request.Agreed, 4000);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        return await AppealsApi.ChangeAsync(number, identity, db, clock, options, ct, async (connection, tx, appeal, now) =>
        {
            if (AppealsApi.AtTier(identity, appeal, "recording an intervention") is { } refused) return refused;
            var changed = await AppealStore.ExecuteAsync(connection, tx, """
                UPDATE interventions SET outcome = @outcome, agreed = coalesce(@agreed, agreed)
                WHERE id = @id AND appeal_id = @appeal AND tenant_id = @tenant
                """, ct, new("id", (long)intervention), new("appeal", appeal.Id), new("tenant", identity.TenantId), new("outcome", request.Outcome!),
                new NpgsqlParameter<string?>("agreed", string.IsNullOrWhiteSpace(request.Agreed) ? null : request.Agreed.Trim()));
            if (changed == 0) return Problems.NotFound($"Appeal {appeal.Number} has no intervention {intervention}.");
            await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.InterventionUpdated,
                $"#{intervention}: {InterventionOutcomes.NameRu(request.Outcome)}{(string.IsNullOrWhiteSpace(request.Agreed) ? "" : ": " + request.Agreed.Trim())}", ct);
            return null;
        });
    }

    private static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> OrderExpertiseAsync(
        string number, ExpertiseRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions options, CancellationToken ct)
    {
        var o = options;
        var today = o.LocalDate(clock.GetUtcNow());
        var e = new ValidationErrors();
        if (e.Required("organisation", request.Organisation)) e.MaxLength("organisation", request.Organisation, 300);
        if (e.Required("reason", request.Reason)) e.MaxLength("reason", request.Reason, 2000);
        if (e.Required("expert", request.Expert)) e.MaxLength("expert", request.Expert, 300);
        if (e.Required("dueOn", request.DueOn) && (request.DueOn < today || request.DueOn > today.AddDays(366)))
            e.Add("dueOn", "The expertise is due from today to a year from now.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        return await AppealsApi.ChangeAsync(number, identity, db, clock, o, ct, async (connection, tx, appeal, now) =>
        {
            if (AppealsApi.AtTier(identity, appeal, "ordering an expertise") is { } refused) return refused;
            if (appeal.Tier != 3) return Problems.Conflict($"Appeal {appeal.Number} is at tier {appeal.Tier}: an expertise of quality is tier 3's; escalate it first.");
            if (appeal.Answered) return Problems.Conflict($"Appeal {appeal.Number} is already answered.");
            await AppealStore.ExecuteAsync(connection, tx, """
                INSERT INTO expertises (tenant_id, appeal_id, organisation, reason, expert, ordered_at, due_on, created_by)
                VALUES (@tenant, @appeal, @organisation, @reason, @expert, @now, @due, @actor)
                """, ct, new("tenant", identity.TenantId), new("appeal", appeal.Id), new("organisation", request.Organisation!.Trim()),
                new("reason", request.Reason!.Trim()), new("expert", request.Expert!.Trim()), new("now", now), new("due", request.DueOn!.Value),
                new("actor", identity.ActorId));
            await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.ExpertiseOrdered,
                $"{request.Organisation!.Trim()}; эксперт {request.Expert!.Trim()}; срок {request.DueOn:dd.MM.yyyy}: {request.Reason!.Trim()}", ct);
            return null;
        });
    }

    private static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> ConcludeAsync(
        string number, int expertise, ConclusionRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions options, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("findings", request.Findings)) e.MaxLength("findings", request.Findings, 8000);
        e.Required("violations", request.Violations);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        return await AppealsApi.ChangeAsync(number, identity, db, clock, options, ct, async (connection, tx, appeal, now) =>
        {
            if (AppealsApi.AtTier(identity, appeal, "concluding an expertise") is { } refused) return refused;
            await using var cmd = new NpgsqlCommand("""
                SELECT concluded_at FROM expertises WHERE id = @id AND appeal_id = @appeal AND tenant_id = @tenant FOR UPDATE
                """, connection, tx);
            cmd.Parameters.AddWithValue("id", (long)expertise);
            cmd.Parameters.AddWithValue("appeal", appeal.Id);
            cmd.Parameters.AddWithValue("tenant", identity.TenantId);
            var concluded = await cmd.ExecuteScalarAsync(ct);
            if (concluded is null) return Problems.NotFound($"Appeal {appeal.Number} has no expertise {expertise}.");
            if (concluded is DateTime or DateTimeOffset) return Problems.Conflict($"Expertise {expertise} of appeal {appeal.Number} is already concluded.");
            await AppealStore.ExecuteAsync(connection, tx, """
                UPDATE expertises SET concluded_at = @now, findings = @findings, violations = @violations WHERE id = @id
                """, ct, new("id", (long)expertise), new("now", now), new("findings", request.Findings!.Trim()), new("violations", request.Violations!.Value));
            // An overdue expertise's task is done once no expertise of the appeal is left without a conclusion.
            await AppealStore.ExecuteAsync(connection, tx, """
                UPDATE oms_tasks SET status = 'done', done_at = @now, done_by = @actor
                WHERE appeal_id = @appeal AND kind = 'expertise-overdue' AND status = 'open'
                  AND NOT EXISTS (SELECT FROM expertises WHERE appeal_id = @appeal AND concluded_at IS NULL)
                """, ct, new("appeal", appeal.Id), new("now", now), new("actor", identity.ActorId));
            await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.ExpertiseConcluded,
                $"#{expertise}: {(request.Violations!.Value ? "выявлены нарушения" : "нарушений не выявлено")}: {request.Findings!.Trim()}", ct);
            return null;
        });
    }
}
