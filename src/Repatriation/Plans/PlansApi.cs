using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;
using Platform.Repatriation.Bookings;
using Platform.Repatriation.Cases;
using Platform.Repatriation.Fitness;
using Platform.Repatriation.Medif;
using Platform.Repatriation.Providers;

namespace Platform.Repatriation.Plans;

public sealed record LegView(
    int Number, string Kind, string From, string To, DateTimeOffset DepartsAt, string? Carrier, string? FlightNumber, int? Seats, string ArrangedBy,
    string PaidBy, string? ProviderCode, [property: OneOf(typeof(LegStatuses), nameof(LegStatuses.All))] string Status, string? Reference,
    BookingRequestView? BookingRequest);

/// <summary>A check of the plan: a flight too early for the medical facts or before discharge, a price above the cover, no rate.</summary>
public sealed record PlanWarning(string Code, int? Leg, string Message);

/// <summary>The plan's price against the case's remaining repatriation cover; <c>Fits</c> null when they cannot be compared.</summary>
public sealed record CoverCheck(decimal? Limit, string? Currency, decimal Reserved, decimal Spent, decimal? Remaining, Estimate? Estimate, bool? Fits, string Message);

/// <summary>The MEDIF the first flight's carrier needs, and when it must have it (<c>Late</c>: that moment has passed).</summary>
public sealed record MedifDue(string Carrier, string CarrierName, DateTimeOffset DueAt, bool Late);

public sealed record CommitmentView(Guid Id, string Number, string ProviderCode, decimal Amount, string Currency, string Status, DateTimeOffset IssuedAt, string IssuedBy);

public sealed record PlanView(
    Guid Id, string CaseNumber, [property: OneOf(typeof(PlanStatuses), nameof(PlanStatuses.All))] string Status, long Version,
    string Mode, string ModeName, string Escort, string RouteClass, string? ProviderCode, string? ReceivingClinicCode, string? ReceivingName,
    string? ReceivingAddress, decimal? OxygenLitresPerMinute, IReadOnlyList<string> Equipment, MedifDetails Medif, string Wheelchair,
    IReadOnlyList<LegView> Legs, IReadOnlyList<PlanWarning> Warnings, CoverCheck Cover, MedifDue? MedifDue, CommitmentView? Commitment,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset ChangedAt, string ChangedBy, string? CancelReason);

public sealed record CancelPlanRequest(string? Reason);

public sealed record LegStatusRequest([property: OneOf(typeof(LegStatuses), nameof(LegStatuses.Settable))] string? Status, string? Reference);

public sealed record CommitmentRequest(decimal? Amount);

public static partial class PlansApi
{
    [GeneratedRegex("^[A-Z0-9]{2}$")]
    private static partial Regex Carrier();

    [GeneratedRegex("^[0-9]{1,4}[A-Z]?$")]
    private static partial Regex FlightNumber();

    public static void MapPlansApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/plans").WithTags("Transport plans");
        group.MapPost("/", CreateAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Drafts a transport plan for a case: mode, escort, legs, destination; answers with its checks (fitness to fly per flight, price against cover)");
        group.MapGet("/", ListAsync).RequireAccess(Access.ReadCases).WithSummary("A case's transport plans (caseNumber=), newest first");
        group.MapGet("/{id:guid}", GetAsync).RequireAccess(Access.ReadCases)
            .WithSummary("One plan with its checks, in the reader's language (language=en|ru or Accept-Language)");
        group.MapPut("/{id:guid}", ReplaceAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Replaces a draft or agreed plan; an agreed plan's change must pass the checks and is told to Cases");
        group.MapPost("/{id:guid}/agree", AgreeAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Agrees the plan (one live plan per case): refused while a flight is too early or before discharge; Cases is told (settlement plan, MEDIF task)");
        group.MapPost("/{id:guid}/cancel", CancelAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Cancels a plan with a reason; its commitment is revoked and Cases is told");
        group.MapPost("/{id:guid}/legs/{number:int}/status", SetLegStatusAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Records a leg booked, confirmed, done, cancelled or planned again; the plan completes when every leg is done");
        group.MapPost("/{id:guid}/commitment", CommitAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Commits to pay the plan's provider (default: the plan's price), within the remaining repatriation cover, which it reserves");
        group.MapGet("/{id:guid}/medif.pdf", MedifAsync).RequireAccess(Access.ReadCases)
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .WithSummary("The MEDIF (IATA medical information form) for the plan's flights: part 1 filled from the plan, part 2 prepared for the attending doctor");
    }

    private static async Task<Results<Created<PlanView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        PlanRequest request, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var e = Validate(request);
        if (e.Required("caseNumber", request.CaseNumber)) e.MaxLength("caseNumber", request.CaseNumber, 64);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was saved; correct the fields named.");
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await CaseFiles.FindAsync(connection, identity.TenantId, request.CaseNumber!, ct) is not { } file)
            return Problems.NotFound(CaseFiles.NotKnown(request.CaseNumber!));
        if (await CheckProvidersAsync(connection, identity.TenantId, request, ct) is { IsValid: false } unknown)
            return Problems.Validation(unknown.ToDictionary(), "Nothing was saved; correct the fields named.");

        var now = clock.GetUtcNow();
        var plan = await BuildAsync(connection, null, identity.TenantId, file, request, Guid.CreateVersion7(), PlanStatuses.Draft, 1, now, identity.ActorId,
            now, identity.ActorId, ct);
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await PlanStore.SaveAsync(transaction, plan, ct);
            await transaction.CommitAsync(ct);
        }
        return TypedResults.Created($"/plans/{plan.Id}", await ViewAsync(connection, plan, file, clock, ReaderLanguage.Of(http, language), ct));
    }

    private static async Task<Results<Ok<PlanView[]>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? caseNumber, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(caseNumber)) return Problems.Validation("caseNumber", "The field is required.");
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await CaseFiles.FindAsync(connection, identity.TenantId, caseNumber, ct) is not { } file) return Problems.NotFound(CaseFiles.NotKnown(caseNumber));
        var lang = ReaderLanguage.Of(http, language);
        var views = new List<PlanView>();
        foreach (var plan in await PlanStore.ForCaseAsync(connection, identity.TenantId, file.CaseId, ct))
            views.Add(await ViewAsync(connection, plan, file, clock, lang, ct));
        return TypedResults.Ok(views.ToArray());
    }

    private static async Task<Results<Ok<PlanView>, ProblemHttpResult>> GetAsync(
        Guid id, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await PlanStore.ReadAsync(connection, identity.TenantId, id, ct) is not { } plan) return NotFound(id);
        var file = (await CaseFiles.FindAsync(connection, identity.TenantId, plan.CaseId.ToString(), ct))!;
        return TypedResults.Ok(await ViewAsync(connection, plan, file, clock, ReaderLanguage.Of(http, language), ct));
    }

    private static async Task<Results<Ok<PlanView>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        Guid id, PlanRequest request, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        CancellationToken ct)
    {
        var e = Validate(request);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was saved; correct the fields named.");
        var lang = ReaderLanguage.Of(http, language);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await CheckProvidersAsync(connection, identity.TenantId, request, ct) is { IsValid: false } unknown)
            return Problems.Validation(unknown.ToDictionary(), "Nothing was saved; correct the fields named.");
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await PlanStore.ReadAsync(connection, identity.TenantId, id, ct, transaction, forUpdate: true) is not { } current) return NotFound(id);
        if (request.CaseNumber is not null && request.CaseNumber.Trim() != current.CaseNumber)
            return Problems.Validation("caseNumber", $"A plan stays with its case ({current.CaseNumber}); draft a new plan for another case.");
        if (current.Status is not (PlanStatuses.Draft or PlanStatuses.Agreed))
            return Problems.Conflict($"The plan is {current.Status}: only a draft or an agreed plan can be changed.");
        if (current.Status == PlanStatuses.Agreed && current.Legs.Any(l => l.Status != LegStatuses.Planned && l.Status != LegStatuses.Cancelled)
            && request.Legs!.Count != current.Legs.Count)
            return Problems.Conflict("Legs are already requested or booked: change their status one by one, or cancel the plan and draft a new one.");
        var file = (await CaseFiles.FindAsync(connection, identity.TenantId, current.CaseId.ToString(), ct, transaction))!;
        var now = clock.GetUtcNow();
        var plan = await BuildAsync(connection, transaction, identity.TenantId, file, request, current.Id, current.Status, current.Version + 1,
            current.CreatedAt, current.CreatedBy, now, identity.ActorId, ct);
        // Legs keep what happened to them (a booking, its reference) when they are the same journey.
        plan = plan with
        {
            Legs = [.. plan.Legs.Select(l => current.Legs.FirstOrDefault(c => c.Number == l.Number) is { } was && SameJourney(was, l)
                ? l with { Status = was.Status, Reference = was.Reference } : l)],
        };
        if (plan.Status == PlanStatuses.Agreed)
        {
            var warnings = await FitnessWarningsAsync(connection, plan, file, clock, lang, ct);
            if (warnings.Count > 0) return Refused("The change is not saved", warnings);
        }
        await PlanStore.SaveAsync(transaction, plan, ct);
        if (PlanStatuses.IsLive(plan.Status)) await PlanStore.PublishPlannedAsync(transaction, plan, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ViewAsync(connection, plan, file, clock, lang, ct));
    }

    private static bool SameJourney(PlanLeg a, PlanLeg b) =>
        a.Kind == b.Kind && a.From == b.From && a.To == b.To && a.DepartsAt == b.DepartsAt && a.Carrier == b.Carrier && a.FlightNumber == b.FlightNumber;

    private static async Task<Results<Ok<PlanView>, ProblemHttpResult>> AgreeAsync(
        Guid id, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var lang = ReaderLanguage.Of(http, language);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await PlanStore.ReadAsync(connection, identity.TenantId, id, ct, transaction, forUpdate: true) is not { } plan) return NotFound(id);
        if (plan.Status != PlanStatuses.Draft) return Problems.Conflict($"The plan is {plan.Status}: only a draft can be agreed.");
        var file = (await CaseFiles.FindAsync(connection, identity.TenantId, plan.CaseId.ToString(), ct, transaction))!;
        var warnings = await FitnessWarningsAsync(connection, plan, file, clock, lang, ct);
        if (warnings.Count > 0) return Refused("The plan is not agreed", warnings);
        if (plan.ActiveLegs.Count == 0) return Problems.Conflict("The plan has no leg to travel.");
        await using (var live = new NpgsqlCommand("""
            SELECT id FROM plans WHERE tenant_id = @tenant AND case_id = @case_id AND status IN ('agreed', 'in-progress') AND id <> @id
            """, connection, transaction))
        {
            live.Parameters.AddWithValue("tenant", identity.TenantId);
            live.Parameters.AddWithValue("case_id", plan.CaseId);
            live.Parameters.AddWithValue("id", plan.Id);
            if (await live.ExecuteScalarAsync(ct) is Guid other)
                return Problems.Conflict($"Case {plan.CaseNumber} already has a live plan ({other}); cancel it before agreeing another.");
        }
        plan = plan with { Status = PlanStatuses.Agreed, Version = plan.Version + 1, ChangedAt = clock.GetUtcNow(), ChangedBy = identity.ActorId };
        await PlanStore.SaveAsync(transaction, plan, ct);
        await PlanStore.PublishPlannedAsync(transaction, plan, ct);
        try
        {
            await transaction.CommitAsync(ct);
        }
        catch (PostgresException x) when (x.SqlState == PostgresErrorCodes.UniqueViolation && x.ConstraintName == "plans_one_live_per_case")
        {
            return Problems.Conflict($"Case {plan.CaseNumber} already has a live plan; cancel it before agreeing another.");
        }
        return TypedResults.Ok(await ViewAsync(connection, plan, file, clock, lang, ct));
    }

    private static async Task<Results<Ok<PlanView>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        Guid id, CancelPlanRequest request, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("reason", request.Reason)) e.MaxLength("reason", request.Reason, 1000);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await PlanStore.ReadAsync(connection, identity.TenantId, id, ct, transaction, forUpdate: true) is not { } plan) return NotFound(id);
        if (plan.Status is PlanStatuses.Completed or PlanStatuses.Cancelled) return Problems.Conflict($"The plan is {plan.Status} already.");
        var now = clock.GetUtcNow();
        var wasLive = PlanStatuses.IsLive(plan.Status);
        plan = plan with
        {
            Status = PlanStatuses.Cancelled, Version = plan.Version + 1, ChangedAt = now, ChangedBy = identity.ActorId, CancelReason = request.Reason!.Trim(),
            Legs = [.. plan.Legs.Select(l => l.Status == LegStatuses.Done ? l : l with { Status = LegStatuses.Cancelled })],
        };
        await PlanStore.SaveAsync(transaction, plan, ct);
        await Commitments.RevokeAsync(transaction, plan, now, ct);
        if (wasLive) await transaction.EnqueueAsync(new RepatriationCancelled(plan.Id, plan.TenantId, plan.CaseId, plan.CancelReason!, now), ct);
        await transaction.CommitAsync(ct);
        var file = (await CaseFiles.FindAsync(connection, identity.TenantId, plan.CaseId.ToString(), ct))!;
        return TypedResults.Ok(await ViewAsync(connection, plan, file, clock, ReaderLanguage.Of(http, language), ct));
    }

    private static async Task<Results<Ok<PlanView>, ValidationProblem, ProblemHttpResult>> SetLegStatusAsync(
        Guid id, int number, LegStatusRequest request, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db,
        TimeProvider clock, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("status", request.Status)) e.OneOf("status", request.Status, LegStatuses.Settable);
        e.MaxLength("reference", request.Reference, 100);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await PlanStore.ReadAsync(connection, identity.TenantId, id, ct, transaction, forUpdate: true) is not { } plan) return NotFound(id);
        var outcome = await LegChanges.ApplyAsync(transaction, plan, number, request.Status!, request.Reference?.Trim(), null, identity.ActorId, clock.GetUtcNow(), ct);
        if (outcome.Problem is { } problem) return Problems.Conflict(problem);
        await transaction.CommitAsync(ct);
        var file = (await CaseFiles.FindAsync(connection, identity.TenantId, plan.CaseId.ToString(), ct))!;
        return TypedResults.Ok(await ViewAsync(connection, outcome.Plan!, file, clock, ReaderLanguage.Of(http, language), ct));
    }

    private static async Task<Results<Ok<PlanView>, ValidationProblem, ProblemHttpResult>> CommitAsync(
        Guid id, CommitmentRequest request, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        CancellationToken ct)
    {
        if (request.Amount is <= 0 or > 10_000_000) return Problems.Validation("amount", "The amount must be above 0.");
        var lang = ReaderLanguage.Of(http, language);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await PlanStore.ReadAsync(connection, identity.TenantId, id, ct, transaction, forUpdate: true) is not { } plan) return NotFound(id);
        var file = (await CaseFiles.FindAsync(connection, identity.TenantId, plan.CaseId.ToString(), ct, transaction))!;
        var issued = await Commitments.IssueAsync(transaction, plan, file, request.Amount, identity.ActorId, clock.GetUtcNow(), lang, ct);
        if (issued is not null) return Problems.Conflict(issued);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ViewAsync(connection, plan, file, clock, lang, ct));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> MedifAsync(
        Guid id, RequestIdentity identity, NpgsqlDataSource db, IOptions<RepatriationOptions> options, TimeProvider clock, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await PlanStore.ReadAsync(connection, identity.TenantId, id, ct) is not { } plan) return NotFound(id);
        if (plan.Flights.Count == 0) return Problems.Conflict("The plan has no flight: a MEDIF is for an airline's flights.");
        var file = (await CaseFiles.FindAsync(connection, identity.TenantId, plan.CaseId.ToString(), ct))!;
        var pdf = MedifPdf.Render(MedifOf(plan, file, options.Value, FitnessApi.Today(clock)));
        return TypedResults.File(pdf, "application/pdf", $"MEDIF-{plan.CaseNumber}-{plan.MedifCarrier}.pdf");
    }

    /// <summary>The MEDIF as the plan and the case fill it.</summary>
    public static MedifRequest MedifOf(StoredPlan plan, CaseFile file, RepatriationOptions options, DateOnly today)
    {
        var facts = FitnessApi.FactsOf(file);
        var main = facts.Diagnoses.OrderBy(d => d.Since).FirstOrDefault();
        var (family, given) = SplitName(file.InsuredName);
        var m = plan.Medif;
        return new MedifRequest(new Passenger(family, given, file.DateOfBirth, null, file.CaseNumber), [.. plan.Legs.Select(l => l.ToLeg())],
            plan.Mode, plan.Escort, m.EscortName, m.Incapacity ?? "", plan.Wheelchair,
            m.AmbulanceAtDeparture ?? plan.Mode == TransportModes.CommercialStretcher, m.AmbulanceAtArrival ?? plan.Mode == TransportModes.CommercialStretcher,
            m.GroundArrangements, plan.OxygenLitresPerMinute, plan.Equipment, new Physician(m.PhysicianName, m.PhysicianPhone, m.PhysicianEmail, m.Hospital),
            main?.Text ?? file.Medical?.DiagnosisText, main?.Code ?? file.Medical?.DiagnosisCode, main?.Since, today, options.AssistanceName!,
            options.AssistancePhone!, plan.MedifCarrier ?? "", plan.MedifCarrierName ?? "");
    }

    /// <summary>The insured's name as Cases has it (given names first, or "FAMILY, Given"), as family and given names.</summary>
    internal static (string Family, string Given) SplitName(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Split(',', 2) is [var f, var g]) return (f.Trim(), g.Trim());
        var parts = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length < 2 ? (trimmed, "") : (parts[^1], string.Join(' ', parts[..^1]));
    }

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound($"Transport plan {id} was not found.");

    private static ProblemHttpResult Refused(string what, IReadOnlyList<PlanWarning> warnings) =>
        TypedResults.Problem($"{what}: {string.Join(" ", warnings.Select(w => w.Message.TrimEnd('.') + "."))}", statusCode: StatusCodes.Status409Conflict,
            title: "Conflict.", type: ProblemTypes.Conflict, extensions: new Dictionary<string, object?> { ["warnings"] = warnings });

    internal static ValidationErrors Validate(PlanRequest r)
    {
        var e = new ValidationErrors();
        if (e.Required("mode", r.Mode)) e.OneOf("mode", r.Mode, TransportModes.All);
        if (e.Required("escort", r.Escort)) e.OneOf("escort", r.Escort, EscortKinds.All);
        if (e.Required("routeClass", r.RouteClass)) e.OneOf("routeClass", r.RouteClass, RouteClasses.All);
        e.MaxLength("providerCode", r.ProviderCode, 32);
        e.MaxLength("receivingClinicCode", r.ReceivingClinicCode, 64);
        e.MaxLength("receivingName", r.ReceivingName, 200);
        e.MaxLength("receivingAddress", r.ReceivingAddress, 500);
        if (string.IsNullOrWhiteSpace(r.ReceivingName) && string.IsNullOrWhiteSpace(r.ReceivingAddress))
            e.Add("receivingAddress", "Say where the patient goes: a receiving hospital (receivingName) or home (receivingAddress).");
        if (r.OxygenLitresPerMinute is < 0 or > 15) e.Add("oxygenLitresPerMinute", "Oxygen is 0 to 15 litres per minute.");
        var equipment = r.Equipment ?? [];
        if (equipment.Count > 20) e.Add("equipment", "At most 20 items.");
        for (var i = 0; i < equipment.Count; i++)
            if (e.Required($"equipment[{i}]", equipment[i])) e.MaxLength($"equipment[{i}]", equipment[i], 100);

        var legs = r.Legs ?? [];
        if (r.Legs is null || legs.Count == 0) e.Add("legs", "Give at least one leg.");
        if (legs.Count > 20) e.Add("legs", "At most 20 legs.");
        DateTimeOffset? previous = null;
        for (var i = 0; i < legs.Count; i++)
        {
            var l = legs[i];
            var at = $"legs[{i}]";
            if (e.Required($"{at}.kind", l.Kind)) e.OneOf($"{at}.kind", l.Kind, LegKinds.All);
            if (e.Required($"{at}.from", l.From)) e.MaxLength($"{at}.from", l.From, 200);
            if (e.Required($"{at}.to", l.To)) e.MaxLength($"{at}.to", l.To, 200);
            if (e.Required($"{at}.departsAt", l.DepartsAt))
            {
                if (previous is { } p && l.DepartsAt < p) e.Add($"{at}.departsAt", "The legs must be in the order they are travelled: this one leaves before the one before it.");
                previous = l.DepartsAt;
            }
            var commercialFlight = l.Kind == LegKinds.Flight && r.Mode is not null && TransportModes.Commercial.Contains(r.Mode);
            if (l.Carrier is not null && !Carrier().IsMatch(l.Carrier.Trim().ToUpperInvariant()))
                e.Add($"{at}.carrier", "The field must be an airline's two-character IATA code such as TK.");
            else if (commercialFlight && string.IsNullOrWhiteSpace(l.Carrier)) e.Add($"{at}.carrier", "A scheduled flight names its airline (IATA code such as TK).");
            if (l.FlightNumber is not null && !FlightNumber().IsMatch(l.FlightNumber.Trim().ToUpperInvariant()))
                e.Add($"{at}.flightNumber", "The field must be the flight's number without the airline, such as 414.");
            if (l.Kind == LegKinds.Ground && (l.Carrier is not null || l.FlightNumber is not null))
                e.Add($"{at}.kind", "A ground leg has no airline or flight number.");
            if (l.Kind == LegKinds.Flight && r.Mode == TransportModes.GroundAmbulance) e.Add($"{at}.kind", "A ground ambulance plan has no flight.");
            if (l.Seats is < 1 or > 9) e.Add($"{at}.seats", "Seats are 1 to 9 (a stretcher takes 6 to 9).");
            e.OneOf($"{at}.arrangedBy", l.ArrangedBy, LegParties.ArrangedBy);
            e.OneOf($"{at}.paidBy", l.PaidBy, LegParties.PaidBy);
            e.MaxLength($"{at}.providerCode", l.ProviderCode, 32);
        }
        if (r.Medif is { } m)
        {
            e.MaxLength("medif.incapacity", m.Incapacity, 500);
            e.OneOf("medif.wheelchair", m.Wheelchair, WheelchairCodes.All);
            e.MaxLength("medif.groundArrangements", m.GroundArrangements, 500);
            e.MaxLength("medif.physicianName", m.PhysicianName, 200);
            e.MaxLength("medif.physicianPhone", m.PhysicianPhone, 50);
            e.MaxLength("medif.physicianEmail", m.PhysicianEmail, 200);
            e.MaxLength("medif.hospital", m.Hospital, 200);
            e.MaxLength("medif.escortName", m.EscortName, 200);
            e.MaxLength("medif.carrierName", m.CarrierName, 100);
        }
        return e;
    }

    /// <summary>The providers named must be in the register (of this tenant).</summary>
    private static async Task<ValidationErrors> CheckProvidersAsync(NpgsqlConnection connection, string tenantId, PlanRequest r, CancellationToken ct)
    {
        var e = new ValidationErrors();
        var named = new List<(string Field, string Code)>();
        if (!string.IsNullOrWhiteSpace(r.ProviderCode)) named.Add(("providerCode", r.ProviderCode.Trim().ToUpperInvariant()));
        for (var i = 0; i < (r.Legs?.Count ?? 0); i++)
            if (!string.IsNullOrWhiteSpace(r.Legs![i].ProviderCode)) named.Add(($"legs[{i}].providerCode", r.Legs[i].ProviderCode!.Trim().ToUpperInvariant()));
        if (named.Count == 0) return e;
        await using var cmd = new NpgsqlCommand("SELECT code FROM providers WHERE tenant_id = @tenant AND code = ANY(@codes)", connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("codes", named.Select(n => n.Code).Distinct().ToArray());
        var known = new HashSet<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) known.Add(reader.GetString(0));
        foreach (var (field, code) in named.Where(n => !known.Contains(n.Code)))
            e.Add(field, $"There is no transport provider {code} in the register.");
        return e;
    }

    private static async Task<StoredPlan> BuildAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, CaseFile file,
        PlanRequest r, Guid id, string status, long version, DateTimeOffset createdAt, string createdBy, DateTimeOffset now, string actor,
        CancellationToken ct)
    {
        var provider = r.ProviderCode?.Trim().ToUpperInvariant() is { Length: > 0 } p ? p : null;
        var estimate = await Providers.Providers.EstimateAsync(connection, tenantId, r.Mode!, r.Escort!, r.RouteClass!, provider, ct, transaction);
        var legs = r.Legs!.Select((l, i) => new PlanLeg(i + 1, l.Kind!, l.From!.Trim(), l.To!.Trim(), l.DepartsAt!.Value,
            l.Carrier?.Trim().ToUpperInvariant(), l.FlightNumber?.Trim().ToUpperInvariant(), l.Seats, l.ArrangedBy ?? "assistance", l.PaidBy ?? "insurer",
            l.ProviderCode?.Trim().ToUpperInvariant() is { Length: > 0 } lp ? lp : null, LegStatuses.Planned, null)).ToArray();
        var medif = r.Medif ?? new MedifDetails(null, null, null, null, null, null, null, null, null, null, null);
        return new StoredPlan(id, tenantId, file.CaseId, file.CaseNumber, r.Mode!, r.Escort!, r.RouteClass!, provider ?? estimate?.ProviderCode,
            Trim(r.ReceivingClinicCode), Trim(r.ReceivingName), Trim(r.ReceivingAddress), r.OxygenLitresPerMinute is > 0 ? r.OxygenLitresPerMinute : null,
            [.. (r.Equipment ?? []).Select(x => x.Trim())], medif, estimate?.Amount, estimate?.Currency, status, version, createdAt, createdBy, now, actor,
            null, legs);
    }

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>What the medical facts say about each flight of the plan (too early, before discharge, pregnancy, haemoglobin).</summary>
    private static async Task<List<PlanWarning>> FitnessWarningsAsync(NpgsqlConnection connection, StoredPlan plan, CaseFile file, TimeProvider clock,
        string language, CancellationToken ct)
    {
        var warnings = new List<PlanWarning>();
        if (plan.Mode == TransportModes.Remains) return warnings;
        var rules = await FitnessApi.RulesAsync(connection, plan.TenantId, ct);
        var facts = FitnessApi.FactsOf(file);
        var today = FitnessApi.Today(clock);
        foreach (var leg in plan.ActiveLegs.Where(l => l.Status != LegStatuses.Done))
        {
            // A ground leg is judged like a flight on its date for leaving hospital; only flights meet a carrier's rules.
            if (leg.Kind != LegKinds.Flight && FitnessToFly.MayLeaveBeforeDischarge.Contains(plan.Mode)) continue;
            if (leg.Kind != LegKinds.Flight)
            {
                if (facts.ExpectedDischarge is { } discharge && DateOnly.FromDateTime(leg.DepartsAt.DateTime) < discharge)
                    warnings.Add(new PlanWarning(FitnessWarnings.FlightBeforeDischarge, leg.Number, FitnessTexts.Warning(
                        new FitnessWarning(FitnessWarnings.FlightBeforeDischarge, plan.Mode, DateOnly.FromDateTime(leg.DepartsAt.DateTime), null, null, null, discharge),
                        language)));
                continue;
            }
            foreach (var w in FitnessToFly.Check(facts, rules, leg.ToLeg(), plan.Mode, today))
                warnings.Add(new PlanWarning(w.Code, leg.Number, FitnessTexts.Warning(w, language)));
        }
        return warnings;
    }

    public static async Task<PlanView> ViewAsync(NpgsqlConnection connection, StoredPlan plan, CaseFile file, TimeProvider clock, string language,
        CancellationToken ct)
    {
        var warnings = plan.Status is PlanStatuses.Completed or PlanStatuses.Cancelled ? [] : await FitnessWarningsAsync(connection, plan, file, clock, language, ct);
        var estimate = plan.ProviderCode is null ? null
            : await Providers.Providers.EstimateAsync(connection, plan.TenantId, plan.Mode, plan.Escort, plan.RouteClass, plan.ProviderCode, ct);
        var commitment = await Commitments.ForPlanAsync(connection, plan.Id, ct);
        var (fits, message) = Providers.Providers.AgainstCover(estimate, file.Cover, language);
        if (commitment is { Status: Commitments.Issued })
        {
            fits = true;
            message = language == "ru"
                ? $"Обязательство {commitment.Number} на {Providers.Providers.Money(commitment.Amount, commitment.Currency)} резервирует покрытие."
                : $"Commitment {commitment.Number} of {Providers.Providers.Money(commitment.Amount, commitment.Currency)} reserves the cover.";
        }
        else if (estimate is null)
            warnings.Add(new PlanWarning("no-rate", null, message));
        else if (fits == false)
            warnings.Add(new PlanWarning("exceeds-cover", null, message));
        var requests = await BookingRequests.LatestForPlanAsync(connection, plan.Id, ct);
        var now = clock.GetUtcNow();
        return new PlanView(plan.Id, plan.CaseNumber, plan.Status, plan.Version, plan.Mode, FitnessTexts.Mode(plan.Mode, language), plan.Escort,
            plan.RouteClass, plan.ProviderCode, plan.ReceivingClinicCode, plan.ReceivingName, plan.ReceivingAddress, plan.OxygenLitresPerMinute,
            plan.Equipment, plan.Medif, plan.Wheelchair,
            [.. plan.Legs.OrderBy(l => l.Number).Select(l => new LegView(l.Number, l.Kind, l.From, l.To, l.DepartsAt, l.Carrier, l.FlightNumber, l.Seats,
                l.ArrangedBy, l.PaidBy, l.ProviderCode, l.Status, l.Reference, requests.GetValueOrDefault(l.Number)))],
            warnings,
            new CoverCheck(file.Cover.Limit, file.Cover.Currency, file.Cover.Reserved, file.Cover.Spent, file.Cover.Remaining, estimate, fits, message),
            plan.MedifDueAt is { } due ? new MedifDue(plan.MedifCarrier!, plan.MedifCarrierName!, due, due <= now) : null,
            commitment, plan.CreatedAt, plan.CreatedBy, plan.ChangedAt, plan.ChangedBy, plan.CancelReason);
    }
}
