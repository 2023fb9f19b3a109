using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Platform.Billing.Invoices;

/// <summary>
/// The insured's own claim for what they paid in an emergency: <c>receiptNumber</c> (the receipt's own number, or one
/// they choose, unique per case), <c>paidTo</c> (the clinic or pharmacy they paid), the lines as on an invoice, and
/// the account to pay them back on.
/// </summary>
public sealed record ReimbursementRequest(
    string? CaseNumber,
    string? ReceiptNumber,
    string? PaidTo,
    DateOnly? ServiceFrom,
    DateOnly? ServiceTo,
    string? Currency,
    IReadOnlyList<string>? Diagnoses,
    IReadOnlyList<InvoiceLineRequest>? Lines,
    PayeeAccount? Payee);

/// <summary>The multipart form: <c>claim</c>, the JSON of a <see cref="ReimbursementRequest"/>; <c>receipt</c>, the receipt (PDF, JPEG or PNG).</summary>
public sealed record ReimbursementForm(string Claim, IFormFile Receipt);

public static class ReimbursementsApi
{
    public const long MaxReceiptBytes = 10 * 1024 * 1024;
    private static readonly string[] ReceiptTypes = [DocumentContent.Pdf, DocumentContent.Jpeg, DocumentContent.Png];

    public static void MapReimbursementsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/reimbursements").WithTags("Invoices");
        group.MapPost("/", SubmitAsync).RequireAccess(Access.TakeCalls).DisableAntiforgery()
            .Accepts<ReimbursementForm>("multipart/form-data")
            .WithSummary("The insured's claim for what they paid themselves, with the receipt attached and the account to pay back on; adjudicated at once");
        group.MapGet("/{id:guid}/receipt", ReceiptAsync).RequireAccess(Access.ReadCases)
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .WithSummary("The receipt attached to a reimbursement claim, as uploaded");
    }

    private static async Task<Results<Created<InvoiceView>, ValidationProblem, ProblemHttpResult>> SubmitAsync(HttpContext http, string? language,
        RequestIdentity identity, NpgsqlDataSource db, InvoiceIntake intake, TimeProvider clock, CancellationToken ct)
    {
        var request = http.Request;
        if (!request.HasFormContentType)
            return Problems.Validation("receipt", "Send the claim as multipart/form-data with a 'claim' field (JSON) and a 'receipt' file.");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit) bodyLimit.MaxRequestBodySize = MaxReceiptBytes + 1024 * 1024;
        http.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = MaxReceiptBytes + 1 }));
        IFormCollection form;
        try { form = await request.ReadFormAsync(ct); }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return Problems.Validation("receipt", $"The form could not be read (a receipt is at most {MaxReceiptBytes / 1024 / 1024} MB): {e.Message}");
        }

        var errors = new ValidationErrors();
        ReimbursementRequest? claim = null;
        if (errors.Required("claim", form["claim"].ToString()))
            try { claim = JsonSerializer.Deserialize<ReimbursementRequest>(form["claim"].ToString(), PlatformJson.Options); }
            catch (JsonException e) { errors.Add(e.Path is { Length: > 2 } p ? $"claim.{p[2..]}" : "claim", "The JSON is not valid here."); }
        var file = form.Files.GetFile("receipt");
        byte[]? content = null;
        string? type = null;
        if (file is null || file.Length == 0) errors.Add("receipt", "Attach the receipt as a file part named 'receipt'.");
        else if (file.Length > MaxReceiptBytes) errors.Add("receipt", $"A receipt is at most {MaxReceiptBytes / 1024 / 1024} MB.");
        else
        {
            content = new byte[file.Length];
            await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(content, ct);
            type = DocumentContent.Sniff(content);
            if (type is null || !ReceiptTypes.Contains(type)) errors.Add("receipt", "The receipt must be a PDF, JPEG or PNG file.");
        }
        if (claim is null) return Problems.Validation(errors.ToDictionary());

        if (errors.Required("claim.payee", claim.Payee) && claim.Payee is { } payee)
        {
            if (errors.Required("claim.payee.holder", payee.Holder)) errors.MaxLength("claim.payee.holder", payee.Holder, 200);
            if (errors.Required("claim.payee.account", payee.Account)) errors.MaxLength("claim.payee.account", payee.Account, 64);
            errors.MaxLength("claim.payee.bank", payee.Bank, 200);
        }
        if (errors.Required("claim.caseNumber", claim.CaseNumber)) errors.MaxLength("claim.caseNumber", claim.CaseNumber, 50);
        errors.MaxLength("claim.paidTo", claim.PaidTo, 200);
        var lineErrors = new ValidationErrors();
        var draft = InvoiceRules.ToInvoice(new InvoiceRequest(null, claim.CaseNumber, null, claim.ReceiptNumber, claim.ServiceFrom, claim.ServiceTo,
                claim.Currency, null, claim.Diagnoses, null, claim.Lines),
            identity.TenantId, InvoiceKinds.Reimbursement, new Party(claim.PaidTo?.Trim() ?? "", null, null, null, null, null, null, null, ""),
            clock.GetUtcNow(), lineErrors);
        foreach (var (field, messages) in lineErrors.ToDictionary())
            foreach (var message in messages) errors.Add(field == "invoiceNumber" ? "claim.receiptNumber" : $"claim.{field}", message);
        if (draft is null || !errors.IsValid) return Problems.Validation(errors.ToDictionary());

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var (target, _, error) = await InvoiceIntake.FindTargetAsync(transaction, identity.TenantId, draft.CaseNumber, null, null, ct);
        if (target is null) return Problems.Validation("claim.caseNumber", error!);
        var account = new PayeeAccount(claim.Payee!.Holder.Trim(), claim.Payee.Account.Trim(), claim.Payee.Bank?.Trim());
        var outcome = await intake.SubmitAsync(transaction, draft, target, account, identity.ActorId, null, ct);
        if (outcome.Conflict is { } conflict) return Problems.Conflict(conflict);
        await using (var receipt = new NpgsqlCommand("""
            INSERT INTO receipts (id, invoice_id, tenant_id, file_name, content_type, content, uploaded_at)
            VALUES (@id, @invoice, @tenant, @name, @type, @content, @at)
            """, connection, transaction))
        {
            receipt.Parameters.AddWithValue("id", Guid.CreateVersion7());
            receipt.Parameters.AddWithValue("invoice", draft.Id);
            receipt.Parameters.AddWithValue("tenant", identity.TenantId);
            receipt.Parameters.AddWithValue("name", Path.GetFileName(file!.FileName) is { Length: > 0 and <= 255 } n && !PlainText.HasControlCharacters(n) ? n : "receipt");
            receipt.Parameters.AddWithValue("type", type!);
            receipt.Parameters.AddWithValue("content", content!);
            receipt.Parameters.AddWithValue("at", clock.GetUtcNow());
            await receipt.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/invoices/{draft.Id}", InvoiceViews.Of(outcome.Invoice!, outcome.Adjudication, ReaderLanguage.Of(request, language)));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReceiptAsync(Guid id, HttpResponse response, RequestIdentity identity,
        NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT file_name, content_type, content FROM receipts WHERE invoice_id = @id AND tenant_id = @tenant ORDER BY uploaded_at LIMIT 1
            """);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return Problems.NotFound($"No receipt of claim {id} was found.");
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(r.GetFieldValue<byte[]>(2), r.GetString(1), r.GetString(0));
    }
}
