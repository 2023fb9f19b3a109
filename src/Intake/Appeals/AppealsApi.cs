using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts;
using Platform.Intake.Policies;

namespace Platform.Intake.Appeals;

public static class AppealsApi
{
    public static RouteGroupBuilder MapAppealsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/appeals").WithTags("Appeals");

        group.MapPost("/", RegisterAsync)
            .RequireAccess(Access.TakeCalls)
            .WithSummary("Registers an appeal from any channel")
            .WithDescription("""
                Checks the policy, triages, promises a callback by the insurer's SLA and answers with the next steps for
                the caller in their language. An appeal about an insured with an open case joins that case (caseNumber
                set at once); otherwise Cases opens one within moments (read the appeal back for its number).
                Retries are made safe by the gateway's Idempotency-Key.
                """);
        group.MapGet("/{id:guid}", GetAsync).RequireAccess(Access.ReadCases).WithName("GetAppeal").WithSummary("Reads one appeal of the caller's tenant");
        group.MapGet("/queue", QueueAsync).RequireAccess(Access.WorkCases).WithSummary("The coordinators' work queue: open appeals, most urgent and earliest promised first");
        group.MapPost("/{id:guid}/take", TakeAsync).RequireAccess(Access.WorkCases).WithSummary("A coordinator takes an appeal from the queue; two cannot take the same");
        group.MapPost("/{id:guid}/complete", CompleteAsync).RequireAccess(Access.WorkCases).WithSummary("The coordinator who took the appeal has handled it");
        group.MapAppealFiguresApi();
        return group;
    }

    private static async Task<Results<Created<AppealResponse>, ValidationProblem>> RegisterAsync(
        RegisterAppealRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, IntakeSettingsStore settingsStore,
        CoverageCheck coverageCheck, TimeProvider clock, CancellationToken ct)
    {
        var errors = request.Validate();
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        var now = clock.GetUtcNow();
        var settings = await settingsStore.GetCachedAsync(identity.TenantId, ct);
        var triage = Triage.Assess(request.Channel!, request.Urgency, request.Description!, settings);
        var insured = new InsuredIdentity(Trim(request.Insured!.PolicyNumber), request.Insured.FullName!.Trim(), request.Insured.DateOfBirth);
        var country = request.Location!.Country!;
        var eventDate = request.EventDate ?? DateOnly.FromDateTime(now.UtcDateTime);
        // One connection and one transaction for the whole registration: the reads it decides on and the writes.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The policy and the insured's open case in one round trip.
        var (coverage, openCase) = await coverageCheck.CheckAsync(connection, identity.TenantId,
            CoverageCheck.Query(insured.PolicyNumber, insured.FullName, insured.DateOfBirth, eventDate, country, request.Risk),
            AppealStore.OpenCaseCommand(identity.TenantId, insured), AppealStore.ReadOpenCaseAsync, ct);

        var caller = request.Caller!;
        var phone = Trim(caller.Phone);
        var callbackDue = now + settings.CallbackWithin(triage.Level);
        // The zone the caller is told times in, resolved once; only an explicit one is kept with the appeal.
        var zone = PersonTimeZone.Resolve(Trim(caller.TimeZone), phone, country);
        var explicitZone = zone.Source == PersonTimeZone.Explicit ? zone.Id : null;
        var appeal = new AppealRegistered(
            Guid.CreateVersion7(), identity.TenantId, request.Channel!, triage.Level, triage.Reasons,
            new AppealCaller(caller.Name!.Trim(), caller.Relation!, phone, Trim(caller.Email), caller.Language,
                caller.Relation == "insured" || caller.MayReceiveMedicalDetails == true, explicitZone, caller.PreferredChannel,
                caller.ConsentsToMessages),
            insured,
            new AppealLocation(country, Trim(request.Location.City), Trim(request.Location.Address)),
            request.Description!.Trim(), eventDate,
            new Platform.Contracts.CoverageResult(coverage.Status, coverage.Reasons.Select(r => r.Code).ToList(), Terms(coverage.Policy)),
            callbackDue, now);

        var nextSteps = NextSteps.For(new NextStepsContext(caller.Language, zone, country, triage, callbackDue, phone, coverage.Status,
            coverage.Reasons.FirstOrDefault(), coverage.Policy, appeal.Description, openCase, now));
        var response = new AppealResponse(appeal.AppealId, appeal.Channel, appeal.Triage, appeal.TriageReasons, appeal.Caller,
            appeal.Insured, appeal.Location, appeal.Description, appeal.EventDate,
            new AppealCoverage(coverage.Status, coverage.Reasons, coverage.Policy), new CallbackPromise(callbackDue, phone, zone), nextSteps,
            openCase?.Number, AttachedToOpenCase: openCase is not null, now, new QueueState("waiting", null, null));

        await AppealStore.RegisterAsync(transaction, appeal, response, identity.ActorId, request.Urgency, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"appeals/{appeal.AppealId}", response);
    }

    private static async Task<Results<Ok<AppealResponse>, ProblemHttpResult>> GetAsync(
        Guid id, RequestIdentity identity, AppealStore store, CancellationToken ct) =>
        await store.FindAsync(identity.TenantId, id, ct) is { } appeal
            ? TypedResults.Ok(appeal)
            : Problems.NotFound($"Appeal {id} was not found.");

    private static async Task<Results<Ok<IReadOnlyList<AppealResponse>>, ValidationProblem>> QueueAsync(
        RequestIdentity identity, AppealStore store, CancellationToken ct, int limit = 50)
    {
        if (limit is < 1 or > 500) return Problems.Validation("limit", "The limit must be between 1 and 500.");
        return TypedResults.Ok(await store.QueueAsync(identity.TenantId, limit, ct));
    }

    private static async Task<Results<Ok<AppealResponse>, ProblemHttpResult>> TakeAsync(
        Guid id, RequestIdentity identity, AppealStore store, TimeProvider clock, CancellationToken ct) =>
        Moved(await store.TakeAsync(identity.TenantId, id, identity.ActorId, clock.GetUtcNow(), ct), id, "is not waiting: it was taken by {0}");

    private static async Task<Results<Ok<AppealResponse>, ProblemHttpResult>> CompleteAsync(
        Guid id, RequestIdentity identity, AppealStore store, TimeProvider clock, CancellationToken ct) =>
        Moved(await store.CompleteAsync(identity.TenantId, id, identity.ActorId, clock.GetUtcNow(), ct), id, "can only be completed by the coordinator who took it ({0})");

    private static Results<Ok<AppealResponse>, ProblemHttpResult> Moved((AppealStore.QueueMove, AppealResponse?) result, Guid id, string conflict) =>
        result switch
        {
            (AppealStore.QueueMove.Done, { } appeal) => TypedResults.Ok(appeal),
            (AppealStore.QueueMove.Conflict, { } appeal) => Problems.Conflict($"Appeal {id} " + string.Format(conflict, appeal.Queue.TakenBy ?? "nobody") + "."),
            _ => Problems.NotFound($"Appeal {id} was not found."),
        };

    private static PolicyTerms? Terms(PolicySummary? p) => p is null ? null : new PolicyTerms(
        p.PolicyNumber, p.Plan, p.Period.Start, p.Period.End, p.Territory,
        p.Limits.Select(l => new CoverLimit(l.Benefit, l.Amount, l.Currency)).ToList(),
        p.Deductible is { } d ? new CoverAmount(d.Amount, d.Currency) : null,
        p.CoveredRisks, p.ExcludedRisks, p.AssistancePartner);

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
