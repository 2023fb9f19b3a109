using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.OmsRepresentatives.Profile;

namespace Platform.OmsRepresentatives.Reports;

/// <summary>
/// The regulator's reports for the SMO's supervisor: on informing the insured about preventive measures, and on
/// protecting their rights. Each for a period of calendar days in the SMO's time zone, as JSON (the API's document) or
/// as a file to send or print: CSV, XLSX or PDF (<c>format=</c>, else the Accept header), all three drawn from one
/// model so they cannot disagree.
/// </summary>
public static class ReportsApi
{
    public const string Json = "json", Csv = "csv", Xlsx = "xlsx", Pdf = "pdf";

    public static readonly IReadOnlyList<string> Formats = [Json, Csv, Xlsx, Pdf];

    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/reports").WithTags("Reports").RequireAccess(Access.OmsSupervise);
        group.MapGet("/informing", InformingAsync)
            .Produces<InformingReport>(StatusCodes.Status200OK, "application/json", ReportCsv.ContentType, ReportXlsx.ContentType, ReportPdf.ContentType)
            .WithSummary("The report on informing the insured about preventive measures (from=, to= YYYY-MM-DD within one year; " +
                         "format=csv|xlsx|pdf or the Accept header, else JSON): per kind the persons due in the year, informed in the period " +
                         "and since the year's start, the share informed, and who attended");
        group.MapGet("/rights", RightsAsync)
            .Produces<RightsReport>(StatusCodes.Status200OK, "application/json", ReportCsv.ContentType, ReportXlsx.ContentType, ReportPdf.ContentType)
            .WithSummary("The report on protecting the rights of the insured (from=, to= YYYY-MM-DD, at most a year; format=csv|xlsx|pdf " +
                         "or the Accept header, else JSON): appeals by kind and channel, complaints and justified ones, interventions, " +
                         "expertises, answers by outcome and the written appeals' terms");
        return app;
    }

    private static async Task<Results<Ok<InformingReport>, FileContentHttpResult, ValidationProblem>> InformingAsync(
        string? from, string? to, string? format, HttpRequest http, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var profile = await SmoProfiles.GetAsync(connection, identity.TenantId, ct);
        var e = new ValidationErrors();
        var period = ReportPeriod.Parse(from, to, profile.Zone, sameYear: true, e);
        var chosen = Format(format, http, e);
        if (period is null || chosen is null) return Problems.Validation(e.ToDictionary());
        var smo = profile.Name;
        var report = await InformingReport.BuildAsync(connection, identity.TenantId, smo, period, clock.GetUtcNow(), ct);
        return chosen == Json ? TypedResults.Ok(report) : File(report.ToDocument(period), chosen, smo);
    }

    private static async Task<Results<Ok<RightsReport>, FileContentHttpResult, ValidationProblem>> RightsAsync(
        string? from, string? to, string? format, HttpRequest http, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var profile = await SmoProfiles.GetAsync(connection, identity.TenantId, ct);
        var e = new ValidationErrors();
        var period = ReportPeriod.Parse(from, to, profile.Zone, sameYear: false, e);
        var chosen = Format(format, http, e);
        if (period is null || chosen is null) return Problems.Validation(e.ToDictionary());
        var smo = profile.Name;
        var report = await RightsReport.BuildAsync(connection, identity.TenantId, smo, period, clock.GetUtcNow(), ct);
        return chosen == Json ? TypedResults.Ok(report) : File(report.ToDocument(period), chosen, smo);
    }

    /// <summary>The format asked for: <c>format=</c> when given (else a problem naming it), else the first of ours the Accept header names, else JSON.</summary>
    public static string? Format(string? format, HttpRequest http, ValidationErrors e)
    {
        if (!string.IsNullOrWhiteSpace(format))
        {
            var value = format.Trim().ToLowerInvariant();
            return e.OneOf("format", value, Formats) ? value : null;
        }
        foreach (var accepted in http.GetTypedHeaders().Accept.OrderByDescending(a => a.Quality ?? 1))
        {
            var media = accepted.MediaType.Value?.ToLowerInvariant();
            if (media is "application/json" or "application/*" or "*/*") return Json;
            if (media == "text/csv") return Csv;
            if (media == ReportXlsx.ContentType) return Xlsx;
            if (media == ReportPdf.ContentType) return Pdf;
        }
        return Json;
    }

    private static FileContentHttpResult File(ReportDocument document, string format, string smo) => format switch
    {
        Csv => TypedResults.File(ReportCsv.Render(document), ReportCsv.ContentType, $"{document.FileName}.csv"),
        Xlsx => TypedResults.File(ReportXlsx.Render(document), ReportXlsx.ContentType, $"{document.FileName}.xlsx"),
        _ => TypedResults.File(ReportPdf.Render(document, smo), ReportPdf.ContentType, $"{document.FileName}.pdf"),
    };
}
