using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Billing.Forms;

namespace Platform.Billing.Authorizations;

/// <summary>
/// The US treating provider the ROMIF authorises to disclose (<c>providerName</c>, <c>providerAddress</c>), what it
/// may disclose (<c>information</c>; default: the records of this episode of care), until when (<c>expiresOn</c>;
/// default one year from today) and the caller's language for the explanation after it (ru or en; default ru).
/// </summary>
public sealed record ReleaseAuthorizationRequest(string? ProviderName, string? ProviderAddress, string? Information, DateOnly? ExpiresOn,
    string? Language, string? InsurerName);

public static class ReleaseAuthorizationApi
{
    public const string DefaultInformation =
        "Medical records of this episode of care: emergency and admission notes, diagnoses, procedures and operative reports, test and " +
        "imaging results, discharge summary, itemised bills and claim forms.";

    public const string Purpose =
        "To decide on and pay the claim for this treatment under the patient's travel medical insurance, to arrange further care and " +
        "the patient's return home.";

    public static void MapReleaseAuthorizationApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/cases/{caseNumber}/romif", CreateAsync).WithTags("Statements").RequireAccess(Access.WorkCases)
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .WithSummary("The ROMIF (authorization to release medical information, 45 CFR 164.508) for a case in the US, for the patient to sign, " +
                         "with an explanation for the caller in their language");

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(string caseNumber,
        ReleaseAuthorizationRequest request, RequestIdentity identity, NpgsqlDataSource db, IOptions<BillingOptions> options, TimeProvider clock,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("providerName", request.ProviderName)) errors.MaxLength("providerName", request.ProviderName, 200);
        if (errors.Required("providerAddress", request.ProviderAddress)) errors.MaxLength("providerAddress", request.ProviderAddress, 300);
        errors.MaxLength("information", request.Information, 2000);
        errors.MaxLength("insurerName", request.InsurerName, 200);
        var language = request.Language?.Trim().ToLowerInvariant() ?? "ru";
        errors.OneOf("language", language, ["ru", "en"]);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (request.ExpiresOn is { } expires && (expires <= today || expires > today.AddYears(2)))
            errors.Add("expiresOn", "The authorization must expire after today and within two years.");
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        await using var cmd = db.CreateCommand("""
            SELECT case_number, insured_name, insured_date_of_birth, policy_number, country FROM case_covers WHERE tenant_id = @tenant AND case_number = @case
            """);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("case", caseNumber.Trim());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return Problems.NotFound($"Case {caseNumber} was not found.");
        if ((r.IsDBNull(4) ? null : r.GetString(4)) != "US")
            return Problems.Conflict($"Case {caseNumber} is not in the US: a ROMIF (HIPAA authorization) is asked for by US providers only.");
        var o = options.Value;
        var pdf = ReleaseAuthorizationPdf.Render(new ReleaseAuthorization(r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateOnly>(2),
            r.IsDBNull(3) ? null : r.GetString(3), r.GetString(0), request.ProviderName!.Trim(), request.ProviderAddress!.Trim(), o.PayerName!,
            o.PayerAddress!, o.PayerEmail, request.InsurerName?.Trim() is { Length: > 0 } insurer ? insurer : o.PayerName!,
            request.Information?.Trim() is { Length: > 0 } information ? information : DefaultInformation, Purpose,
            request.ExpiresOn ?? today.AddYears(1), language));
        return TypedResults.File(pdf, "application/pdf", $"ROMIF {caseNumber}.pdf");
    }
}
