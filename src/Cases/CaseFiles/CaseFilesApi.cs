using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.Cases.CaseFiles;

public static class CaseFilesApi
{
    public static RouteGroupBuilder MapCasesFileApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases").RequireAccess(Access.ReadCases).WithTags("Cases");
        group.MapGet("/", ListAsync).WithSummary("Lists the tenant's cases, newest first");
        group.MapGet("/{numberOrId}", GetAsync).WithSummary("Reads a case by its number (2026-000042) or id");
        return group;
    }

    private static async Task<Results<Ok<CaseListResponse>, ValidationProblem>> ListAsync(
        RequestIdentity identity, CaseStore store, CancellationToken ct,
        [OneOf(typeof(CaseStatuses), nameof(CaseStatuses.All))] string? status = null, Guid? appealId = null, int page = 1, int pageSize = 50)
    {
        var errors = new ValidationErrors();
        errors.OneOf("status", status, CaseStatuses.All);
        if (page < 1) errors.Add("page", "The page must be 1 or more.");
        if (pageSize is < 1 or > 200) errors.Add("pageSize", "The page size must be between 1 and 200.");
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        return TypedResults.Ok(await store.ListAsync(identity.TenantId, status, appealId, page, pageSize, ct));
    }

    private static async Task<Results<Ok<CaseFileResponse>, ProblemHttpResult>> GetAsync(
        string numberOrId, RequestIdentity identity, CaseStore store, CancellationToken ct) =>
        await store.FindAsync(identity.TenantId, numberOrId, ct) is { } found
            ? TypedResults.Ok(found)
            : Problems.NotFound($"Case {numberOrId} was not found.");
}
