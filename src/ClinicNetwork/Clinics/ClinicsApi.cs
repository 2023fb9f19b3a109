using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Platform.ClinicNetwork.Register;

namespace Platform.ClinicNetwork.Clinics;

public static class ClinicsApi
{
    /// <summary>The largest register one request may carry (<c>Clinics:MaxBatchBytes</c>), as the gateway's cap on this route.</summary>
    public const long DefaultMaxBatchBytes = 128L * 1024 * 1024;

    public static RouteGroupBuilder MapClinicsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/clinics").WithTags("Clinics");

        group.MapPost("/network/batch", LoadBatchAsync)
            .RequireAccess(Access.ConfigureInsurer)
            // Described for the API documents only: Accepts() would have routing answer other media types itself.
            .AddOpenApiOperationTransformer(async (operation, context, ct) => operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ClinicInput[]), null, ct) },
                    ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            })
            .WithSummary("Loads the clinic network in bulk: upsert by the network's code, all or nothing")
            .WithDescription("""
                JSON: an array of clinics or { "clinics": [...] }. CSV (UTF-8, RFC 4180, header row first): one clinic per row,
                columns code, name, country, city, address, latitude, longitude, and optionally time_zone, phone, email,
                specialties, languages, inpatient, outpatient, admits_24_7, direct_billing, direct_billing_insurers,
                contract_from, contract_to, status, opening_hours ('1-5 08:00-20:00;6 09:00-14:00'), prices
                ('consultation:80:USD:2026-01-01[:2026-12-31]'); lists are ';'-separated. A batch with any bad row writes
                nothing and gets a 400 problem whose errors name each row and field (rows[12].latitude,
                clinics[3].openingHours[1].closes). An existing clinic is replaced; price versions are added, and a new
                version closes the one before it.
                """);
        group.MapGet("/", ListAsync).RequireAccess(Access.ReadCases)
            .WithSummary("Lists the tenant's clinics in code order, a page at a time, optionally by country, city, status or specialty");
        // One path template for the clinic (OpenAPI wants /clinics/{x} once): the code, or the clinic's id in its place.
        group.MapGet("/{code}", GetAsync).RequireAccess(Access.ReadCases)
            .WithSummary("One clinic of the network, by the network's code (or the clinic's id)");
        group.MapPut("/{code}", PutAsync).RequireAccess(Access.ConfigureInsurer)
            .WithSummary("Creates or replaces one clinic (the same fields and rules as a register row; the code is the path's)");
        group.MapGet("/{code}/prices", PricesAsync).RequireAccess(Access.ReadCases)
            .WithSummary("The clinic's prices valid on a date (default today, UTC), or every version with all=true");
        return group;
    }

    private static async Task<Results<Ok<ClinicBatchResult>, ValidationProblem, ProblemHttpResult>> LoadBatchAsync(
        HttpRequest request, RequestIdentity identity, ClinicLoader loader, IConfiguration configuration, CancellationToken ct)
    {
        // Registers are far larger than any other request; the body is streamed, never held whole.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = configuration.GetValue("Clinics:MaxBatchBytes", DefaultMaxBatchBytes);

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
                ? $"Nothing was loaded. The first {ClinicLoader.MaxRowsWithErrors} bad rows are listed; fix them and send the file again."
                : "Nothing was loaded. Fix the rows listed and send the file again.")
            : TypedResults.Ok(outcome.Result!);
    }

    private static async Task<Results<Ok<ClinicPage>, ValidationProblem>> ListAsync(
        RequestIdentity identity, ClinicStore store, string? after, string? country, string? city,
        [OneOf(typeof(ClinicStatuses), nameof(ClinicStatuses.All))] string? status,
        [OneOf(typeof(Specialties), nameof(Specialties.Codes))] string? specialty, int? limit, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.OneOf("status", status, ClinicStatuses.All);
        errors.OneOf("specialty", specialty, Specialties.Codes);
        if (limit is < 1 or > 500) errors.Add("limit", "The limit must be 1 to 500.");
        foreach (var (name, value) in new[] { ("after", after), ("country", country), ("city", city) })
            if (value is not null && (value.Length > ClinicRules.MaxText || PlainText.HasControlCharacters(value))) errors.Add(name, PlainText.Rule);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());
        return TypedResults.Ok(await store.ListAsync(identity.TenantId,
            new ClinicFilter(after, country?.Trim().ToUpperInvariant(), city?.Trim(), status, specialty, limit ?? 100), ct));
    }

    private static async Task<Results<Ok<Clinic>, ProblemHttpResult>> GetAsync(
        string code, RequestIdentity identity, ClinicStore clinics, CancellationToken ct) =>
        await clinics.FindAsync(identity.TenantId, code, ct) is { } clinic
            ? TypedResults.Ok(clinic)
            : Problems.NotFound($"Clinic {code} was not found.");

    private static async Task<Results<Ok<Clinic>, ValidationProblem>> PutAsync(
        string code, ClinicInput clinic, RequestIdentity identity, ClinicLoader loader, ClinicStore clinics, CancellationToken ct)
    {
        if (clinic.Code is { } given && given.Trim() != code)
            return Problems.Validation("code", $"The body's code {given} is not the path's {code}.");
        var outcome = await loader.LoadOneAsync(identity.TenantId, clinic with { Code = code }, ct);
        if (outcome.Errors is { } errors) return Problems.Validation(errors);
        return TypedResults.Ok((await clinics.FindAsync(identity.TenantId, code, ct))!);
    }

    private static async Task<Results<Ok<IReadOnlyList<PriceVersion>>, ProblemHttpResult>> PricesAsync(
        string code, DateOnly? on, bool? all, RequestIdentity identity, PriceStore prices, TimeProvider clock, CancellationToken ct)
    {
        var date = all == true ? (DateOnly?)null : on ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return await prices.ListAsync(identity.TenantId, code, date, ct) is { } list
            ? TypedResults.Ok(list)
            : Problems.NotFound($"Clinic {code} was not found.");
    }

    private static ProblemHttpResult Unsupported(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.",
            type: ProblemTypes.UnsupportedMediaType);
}
