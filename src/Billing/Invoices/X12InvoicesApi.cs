using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Billing.X12;

namespace Platform.Billing.Invoices;

/// <summary>
/// Claims from US clinics as X12 837P or 837I files: parsed into invoices (every error naming its segment and element),
/// then submitted and adjudicated as JSON invoices are, all of a file's claims or none.
/// </summary>
public static class X12InvoicesApi
{
    public const int MaxFileBytes = 16 * 1024 * 1024;

    public static void MapX12InvoicesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/invoices/x12", (HttpRequest http, string? clinicCode, string? language, RequestIdentity identity, NpgsqlDataSource db,
                    InvoiceIntake intake, TimeProvider clock, CancellationToken ct) =>
                SubmitAsync(http, clinicCode?.Trim(), language, identity, db, intake, clock, ct))
            .WithTags("Invoices").RequireAccess(Access.Adjudicate)
            .Accepts<string>("application/edi-x12", "text/plain")
            .WithSummary("Submits a US clinic's X12 837P or 837I file on its behalf (clinicCode: the clinic in the network); each claim becomes an invoice, adjudicated at once");
        app.MapPost("/clinic/invoices/x12", (HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db,
                    InvoiceIntake intake, TimeProvider clock, CancellationToken ct) =>
                SubmitAsync(http, identity.ClinicCode, language, identity, db, intake, clock, ct))
            .WithTags("Invoices").RequireAccess(Access.ActAsClinic)
            .Accepts<string>("application/edi-x12", "text/plain")
            .WithSummary("The calling clinic submits its X12 837P or 837I file; each claim becomes an invoice, adjudicated at once");
    }

    private static async Task<Results<Created<IReadOnlyList<InvoiceView>>, ValidationProblem, ProblemHttpResult>> SubmitAsync(HttpRequest http,
        string? clinicCode, string? language, RequestIdentity identity, NpgsqlDataSource db, InvoiceIntake intake, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(clinicCode)) return Problems.Validation("clinicCode", "The field is required: the clinic in your network that sends the file.");
        if (http.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxFileBytes;
        string text;
        try
        {
            using var reader = new StreamReader(http.Body, System.Text.Encoding.ASCII);
            text = await reader.ReadToEndAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Validation("file", $"An X12 file is at most {MaxFileBytes / 1024 / 1024} MB: send its claims in several files.");
        }
        var parsed = Claim837.Parse(text, identity.TenantId, clock.GetUtcNow());
        if (!parsed.Ok)
            return Problems.Validation(parsed.Errors.GroupBy(e => e.Element ?? e.SegmentId)
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ToString()).ToArray()),
                $"The file was not accepted: {parsed.Errors.Count} error(s), each named by its segment and element (and the segment's position).");
        if (parsed.Invoices.Count == 0) return Problems.Validation("file", "The file carries no claim.");

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The file is kept once, as received; each of its invoices points at it.
        var fileId = Guid.CreateVersion7();
        await using (var keep = new NpgsqlCommand(
            "INSERT INTO x12_files (id, tenant_id, content, received_at, received_by) VALUES (@id, @tenant, @content, @at, @by)",
            connection, transaction))
        {
            keep.Parameters.AddWithValue("id", fileId);
            keep.Parameters.AddWithValue("tenant", identity.TenantId);
            keep.Parameters.AddWithValue("content", text);
            keep.Parameters.AddWithValue("at", clock.GetUtcNow());
            keep.Parameters.AddWithValue("by", identity.ActorId);
            await keep.ExecuteNonQueryAsync(ct);
        }
        var submitted = new List<InvoiceView>();
        var lang = ReaderLanguage.Of(http, language);
        foreach (var (claim, index) in parsed.Invoices.Select((c, i) => (c, i)))
        {
            var (target, field, error) = await InvoiceIntake.FindTargetAsync(transaction, identity.TenantId, claim.CaseNumber, claim.GuaranteeNumber,
                clinicCode, ct);
            if (target is null)
                return Problems.Validation(field == "guaranteeNumber" ? "REF*G1" : "REF*9F",
                    $"Claim {claim.Number} (claim {index + 1} of the file): {error} " +
                    "A claim names our guarantee letter in 2300 REF*G1 (prior authorization) or our case in REF*9F (referral number).");
            // An 837 does not say which benefit a line is billed against: its code does (ServiceBenefits).
            var invoice = claim with
            {
                Biller = claim.Biller with { Code = clinicCode },
                Lines = claim.Lines.Select(l => l with { Benefit = ServiceBenefits.Of(l.CodeSystem, l.ServiceCode) }).ToArray(),
            };
            var outcome = await intake.SubmitAsync(transaction, invoice, target, null, identity.ActorId, fileId, ct);
            if (outcome.Conflict is { } conflict) return Problems.Conflict($"Claim {claim.Number}: {conflict}");
            submitted.Add(InvoiceViews.Of(outcome.Invoice!, outcome.Adjudication, lang));
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/invoices?caseNumber={Uri.EscapeDataString(submitted[0].CaseNumber)}", (IReadOnlyList<InvoiceView>)submitted);
    }
}
