using Microsoft.Extensions.Hosting;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Cases.Contacts;
using Platform.Cases.Timeline;
using Platform.Contracts;

namespace Platform.Cases.Documents;

public static class DocumentsApi
{
    [EnumSchema("ReviewDecision")]
    public static readonly string[] Decisions = [ReviewStates.Accepted, ReviewStates.Rejected];

    // Room for the multipart boundaries, part headers and the type field around the file.
    private const long FormOverhead = 64 * 1024;

    public static IHostApplicationBuilder AddDocuments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DocumentOptions>().BindConfiguration("Documents");
        return builder;
    }

    public static RouteGroupBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}/documents").WithTags("Documents");
        group.MapPost("/", UploadAsync)
            .RequireAccess(Access.TakeCalls)
            .Accepts<UploadDocumentForm>("multipart/form-data")
            .WithSummary("Uploads a document (multipart: file, type, and contactId: the contact who sent it); PDF, JPEG, PNG, HEIC or TIFF, checked by content");
        group.MapGet("/", ListAsync).RequireAccess(Access.ReadCases).WithSummary("The case's documents with their review state");
        group.MapGet("/checklist", ChecklistAsync).RequireAccess(Access.ReadCases).WithSummary("The documents the case needs by its type and country, and where each stands");
        group.MapGet("/{documentId:guid}/content", ContentAsync).RequireAccess(Access.ReadCases).WithSummary("The document's file");
        group.MapPost("/{documentId:guid}/review", ReviewAsync)
            .RequireAccess(Access.Clinical)
            .WithSummary("Accepts or rejects a document (a rejection needs a reason); the contact is told what is still missing");
        return group;
    }

    private static async Task<Results<Created<DocumentResponse>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        string numberOrId, HttpContext http, RequestIdentity identity, NpgsqlDataSource dataSource, IOptions<DocumentOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var request = http.Request;
        if (!request.HasFormContentType)
            return Problems.Validation("file", "Send the document as multipart/form-data with a 'file' part and a 'type' field.");

        // Before reading up to MaxBytes of body, make sure there is a case to put it in; no connection is held while
        // a slow client sends its file.
        CaseRef? found;
        await using (var lookup = await dataSource.OpenConnectionAsync(ct))
            found = await CaseRef.FindAsync(lookup, null, identity.TenantId, numberOrId, forUpdate: false, ct);
        if (found is not { } @case) return Problems.NotFound($"Case {numberOrId} was not found.");

        var max = options.Value.MaxBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = max + FormOverhead;
        http.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = max + 1 }));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return TooLarge(max);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(max);
        }
        catch (InvalidDataException e)
        {
            return Problems.Validation("file", $"The multipart body could not be read: {e.Message}");
        }

        var errors = new ValidationErrors();
        var type = form["type"].ToString();
        if (errors.Required("type", type)) errors.OneOf("type", type, DocumentTypes.Codes);
        Guid? sentBy = null;
        if (form["contactId"].ToString() is { Length: > 0 } contactField)
        {
            if (!Guid.TryParse(contactField, out var contactId)) errors.Add("contactId", "The field must be the id of a contact of the case.");
            else sentBy = contactId;
        }
        var file = form.Files.GetFile("file");
        if (file is null) errors.Add("file", "A file part named 'file' is required.");
        else if (file.Length == 0) errors.Add("file", "The file is empty.");
        else if (file.Length > max) return TooLarge(max);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        var content = new byte[file!.Length];
        await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(content, ct);
        var declared = DocumentContent.Normalise(file.ContentType);
        var sniffed = DocumentContent.Sniff(content);
        var allowed = options.Value.Allowed;
        if (sniffed is null)
            return Problems.Validation("file", $"The file's content is none of the accepted formats ({string.Join(", ", allowed)}).");
        if (sniffed != declared)
            return Problems.Validation("file", $"The file is declared as '{file.ContentType}' but its content is {sniffed}.");
        if (!allowed.Contains(sniffed))
            return Problems.Validation("file", $"{sniffed} files are not accepted; accepted: {string.Join(", ", allowed)}.");

        // A name with control characters is not kept (it is only a label): the document gets one of ours.
        var fileName = Path.GetFileName(file.FileName.Replace('\\', '/')) is { Length: > 0 } name && !PlainText.HasControlCharacters(name)
            ? name : $"{type}{Extension(sniffed)}";
        if (fileName.Length > 255) fileName = fileName[^255..];
        var sha256 = SHA256.HashData(content);
        var now = clock.GetUtcNow();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        CaseContact? sender = null;
        if (sentBy is { } senderId && (sender = await CaseContacts.RecipientAsync(connection, transaction, identity.TenantId, @case.Id, senderId, ct)) is null)
            return Problems.Validation("contactId", $"Contact {senderId} is not a contact of case {@case.Number}.");
        var document = await DocumentStore.InsertAsync(transaction, identity.TenantId, @case.Id, type, fileName, sniffed, content, sha256,
            now, identity.ActorId, sentBy, ct);
        if (document is null)
        {
            // The same bytes twice on one case are one document: a second upload is refused, naming the first, rather
            // than filed again (a duplicate would wait for a second review) or silently accepted under another type.
            await transaction.RollbackAsync(ct);
            var existing = await DocumentStore.FindBySha256Async(connection, identity.TenantId, @case.Id, sha256, ct);
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["file"] = [$"This file is already on the case as document {existing?.Id} ({existing?.Type}, {existing?.Review.State})."],
            })
            {
                Status = StatusCodes.Status409Conflict,
                Type = ProblemTypes.Conflict,
                Title = "The document was already uploaded.",
                Extensions = { ["documentId"] = existing?.Id },
            });
        }

        await CaseTimeline.AppendAsync(transaction, identity.TenantId, @case.Id, now, "document-received",
            string.Create(CultureInfo.InvariantCulture, $"{DocumentTypes.Of(type).English} received{(sender is null ? "" : $" from {sender.Name} ({sender.Relation})")}: {fileName} ({content.Length / 1024.0:0.#} KiB), awaiting review"),
            identity.ActorId,
            new { documentId = document.Id, type, fileName, contentType = sniffed, size = content.Length, document.Sha256, sentByContactId = sentBy }, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"{request.PathBase}/cases/{@case.Number}/documents/{document.Id}", document);
    }

    private static async Task<Results<Ok<IReadOnlyList<DocumentResponse>>, ProblemHttpResult>> ListAsync(
        string numberOrId, RequestIdentity identity, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await CaseRef.FindAsync(connection, null, identity.TenantId, numberOrId, forUpdate: false, ct) is not { } @case)
            return Problems.NotFound($"Case {numberOrId} was not found.");
        return TypedResults.Ok(await DocumentStore.ListAsync(connection, null, identity.TenantId, @case.Id, ct));
    }

    private static async Task<Results<Ok<DocumentChecklist>, ProblemHttpResult>> ChecklistAsync(
        string numberOrId, RequestIdentity identity, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await CaseRef.FindAsync(connection, null, identity.TenantId, numberOrId, forUpdate: false, ct) is not { } @case)
            return Problems.NotFound($"Case {numberOrId} was not found.");
        return TypedResults.Ok((await DocumentChecklists.EvaluateAsync(connection, null, identity.TenantId, @case, ct)).Checklist);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ContentAsync(
        string numberOrId, Guid documentId, HttpResponse response, RequestIdentity identity, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await CaseRef.FindAsync(connection, null, identity.TenantId, numberOrId, forUpdate: false, ct) is not { } @case)
            return Problems.NotFound($"Case {numberOrId} was not found.");
        if (await DocumentStore.ReadContentAsync(connection, identity.TenantId, @case.Id, documentId, ct) is not { } file)
            return Problems.NotFound($"Document {documentId} was not found in case {numberOrId}.");
        // Served as an attachment of its sniffed type, never rendered as something else by a browser.
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    private static async Task<Results<Ok<DocumentResponse>, ValidationProblem, ProblemHttpResult>> ReviewAsync(
        string numberOrId, Guid documentId, ReviewRequest request, RequestIdentity identity, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("decision", request.Decision)) errors.OneOf("decision", request.Decision, Decisions);
        if (request.Decision == ReviewStates.Rejected) errors.Required("reason", request.Reason);
        errors.MaxLength("reason", request.Reason, 1000);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Locked so that two reviews of one case read each other's result for the checklist they tell the contact about.
        if (await CaseRef.FindAsync(connection, transaction, identity.TenantId, numberOrId, forUpdate: true, ct) is not { } @case)
            return Problems.NotFound($"Case {numberOrId} was not found.");
        // A rejection's reason is what the contact is told; an acceptance may carry one too (a note: "legible copy"), kept as given.
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (await DocumentStore.ReviewAsync(transaction, identity.TenantId, @case.Id, documentId, request.Decision!, reason, now,
                identity.ActorId, ct) is not { } document)
            return Problems.NotFound($"Document {documentId} was not found in case {numberOrId}.");

        var label = DocumentTypes.Of(document.Type).English;
        await CaseTimeline.AppendAsync(transaction, identity.TenantId, @case.Id, now, "document-reviewed",
            request.Decision == ReviewStates.Rejected ? $"{label} {document.FileName} rejected: {reason}"
                : reason is null ? $"{label} {document.FileName} accepted" : $"{label} {document.FileName} accepted: {reason}", identity.ActorId,
            new { documentId, document.Type, decision = request.Decision, reason }, ct);

        var (checklist, required) = await DocumentChecklists.EvaluateAsync(connection, transaction, identity.TenantId, @case, ct);
        // Told to whoever sent the document, in their language; a document nobody is named for goes to the latest caller.
        var recipient = await CaseContacts.RecipientAsync(connection, transaction, identity.TenantId, @case.Id, document.SentByContactId, ct);
        await ContactMessages.QueueAsync(transaction, identity.TenantId, @case.Id, recipient, "documents",
            DocumentChecklists.ReviewMessage(recipient?.WrittenLanguage ?? PersonLanguage.English, @case.Number, document, checklist, required),
            now, identity.ActorId, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(document);
    }

    private static ProblemHttpResult TooLarge(long max) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            ["file"] = [string.Create(CultureInfo.InvariantCulture, $"The file is larger than the {max / 1024.0 / 1024.0:0.##} MiB accepted.")],
        })
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Type = ProblemTypes.PayloadTooLarge,
            Title = "The file is too large.",
        });

    private static string Extension(string contentType) => contentType switch
    {
        DocumentContent.Pdf => ".pdf",
        DocumentContent.Jpeg => ".jpg",
        DocumentContent.Png => ".png",
        DocumentContent.Heic => ".heic",
        DocumentContent.Tiff => ".tiff",
        _ => "",
    };
}
