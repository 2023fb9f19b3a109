using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts;

namespace Platform.Intake.Appeals;

public static class AppealsApi
{
    public static RouteGroupBuilder MapAppealsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/appeals").RequireTenant().WithTags("Appeals");

        group.MapPost("/", RegisterAsync)
            .WithSummary("Registers an appeal from any channel")
            .WithDescription("Stores the appeal and announces it; Cases opens a case for it within moments. Read the appeal back to learn the case number.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetAppeal").WithSummary("Reads one appeal of the caller's tenant");
        return group;
    }

    private static async Task<Results<Created<AppealResponse>, ValidationProblem>> RegisterAsync(
        RegisterAppealRequest request, RequestIdentity identity, AppealStore store, TimeProvider clock, CancellationToken ct)
    {
        var errors = request.Validate();
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        var appeal = new AppealRegistered(
            Guid.CreateVersion7(),
            identity.TenantId,
            request.Channel!,
            request.Urgency ?? (request.Channel == "emergency-line" ? "emergency" : "urgent"),
            new AppealCaller(request.Caller!.Name!.Trim(), request.Caller.Relation!, Trim(request.Caller.Phone),
                Trim(request.Caller.Email), request.Caller.Language),
            new InsuredIdentity(Trim(request.Insured!.PolicyNumber), request.Insured.FullName!.Trim(), request.Insured.DateOfBirth),
            new AppealLocation(request.Location!.Country!, Trim(request.Location.City), Trim(request.Location.Address)),
            request.Description!.Trim(),
            clock.GetUtcNow());
        await store.RegisterAsync(appeal, identity.ActorId, ct);

        var response = new AppealResponse(appeal.AppealId, appeal.Channel, appeal.Urgency, appeal.Caller, appeal.Insured,
            appeal.Location, appeal.Description, appeal.RegisteredAt, CaseNumber: null);
        return TypedResults.Created($"appeals/{appeal.AppealId}", response);
    }

    private static async Task<Results<Ok<AppealResponse>, ProblemHttpResult>> GetAsync(
        Guid id, RequestIdentity identity, AppealStore store, CancellationToken ct) =>
        await store.FindAsync(identity.TenantId, id, ct) is { } appeal
            ? TypedResults.Ok(appeal)
            : Problems.NotFound($"Appeal {id} was not found.");

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
