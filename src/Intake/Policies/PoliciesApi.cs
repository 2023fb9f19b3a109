using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Platform.Intake.Policies;

public static class PoliciesApi
{
    /// <summary>The largest register this service takes in one request (<c>Policies:MaxBatchBytes</c>). A register of
    /// 100,000 policies (160,000 insured persons) is about 36 MiB as CSV and 60 MiB as JSON. The gateway caps bodies
    /// separately (<c>Gateway:MaxRequestBodyBytes</c>) and must let this route's through.</summary>
    public const long DefaultMaxBatchBytes = 128L * 1024 * 1024;


    public static IServiceCollection AddPolicies(this IServiceCollection services) => services
        .AddSingleton<PolicyStore>()
        .AddSingleton<PolicyLoader>()
        .AddSingleton<CoverageCheck>();

    public static RouteGroupBuilder MapPoliciesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/policies").WithTags("Policies");

        group.MapPost("/batch", LoadBatchAsync)
            .RequireAccess(Access.ConfigureInsurer)
            // Described for the API documents only: Accepts() would have routing answer other media types itself.
            .AddOpenApiOperationTransformer(async (operation, context, ct) => operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(PolicyInput[]), null, ct) },
                    ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            })
            .WithSummary("Loads policies in bulk: upsert by policy number, all or nothing")
            .WithDescription("""
                JSON: an array of policies or { "policies": [...] }. CSV (UTF-8, RFC 4180, header row first): one row per
                insured person, columns policy_number, plan, start_date, end_date, territory, insured_full_name,
                insured_date_of_birth, and optionally insured_document, limits, deductible, covered_risks, excluded_risks,
                assistance_partner; lists are ';'-separated, limits are benefit:amount:currency, the deductible amount:currency.
                A batch with any bad row writes nothing and gets a 400 problem whose errors name each row and field
                (rows[12].insured_date_of_birth, policies[3].period.end). An existing policy is replaced, its insured
                persons included.
                """);
        group.MapGet("/", SearchAsync).RequireAccess(Access.ReadCases).WithSummary("Lists the tenant's policies, optionally those whose number or insured's name starts with 'search'");
        // Catch-all, since policy numbers may contain '/'.
        group.MapGet("/{**policyNumber}", GetAsync).RequireAccess(Access.ReadCases).WithName("GetPolicy").WithSummary("Reads one policy of the caller's tenant");
        return group;
    }

    private static async Task<Results<Ok<PolicyBatchResult>, ValidationProblem, ProblemHttpResult>> LoadBatchAsync(
        HttpRequest request, RequestIdentity identity, PolicyLoader loader, IConfiguration configuration, CancellationToken ct)
    {
        // Registers are far larger than any other request; the body is streamed, never held whole.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = configuration.GetValue("Policies:MaxBatchBytes", DefaultMaxBatchBytes);

        MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType);
        var charset = contentType?.Charset.Value;
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return Unsupported($"The body must be UTF-8, not {charset}.");
        var outcome = contentType?.MediaType.Value?.ToLowerInvariant() switch
        {
            "application/json" => await loader.LoadJsonAsync(identity.TenantId, request.Body, ct),
            "text/csv" => await loader.LoadCsvAsync(identity.TenantId, request.Body, ct),
            _ => null,
        };
        if (outcome is null) return Unsupported("Send the register as application/json or text/csv.");

        return outcome.Errors is { } errors
            ? Problems.Validation(errors, outcome.ErrorsTruncated
                ? $"Nothing was loaded. The first {PolicyLoader.MaxRowsWithErrors} bad rows are listed; fix them and send the file again."
                : "Nothing was loaded. Fix the rows listed and send the file again.")
            : TypedResults.Ok(outcome.Result!);
    }

    private static async Task<Ok<IReadOnlyList<PolicyListItem>>> SearchAsync(
        RequestIdentity identity, PolicyStore store, string? search, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await store.SearchAsync(identity.TenantId, search, Math.Clamp(limit ?? 50, 1, 500), ct));

    private static async Task<Results<Ok<Policy>, ProblemHttpResult>> GetAsync(
        string policyNumber, RequestIdentity identity, PolicyStore store, CancellationToken ct) =>
        await store.FindAsync(identity.TenantId, Uri.UnescapeDataString(policyNumber), ct) is { } policy
            ? TypedResults.Ok(policy)
            : Problems.NotFound($"Policy {Uri.UnescapeDataString(policyNumber)} was not found.");

    private static ProblemHttpResult Unsupported(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.",
            type: ProblemTypes.UnsupportedMediaType);
}
