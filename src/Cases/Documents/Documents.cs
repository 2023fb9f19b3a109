using Npgsql;
using Platform.Cases.CaseFiles;
using Platform.Contracts;

namespace Platform.Cases.Documents;

/// <summary>Section <c>Documents</c>.</summary>
public sealed class DocumentOptions
{
    public const long DefaultMaxBytes = 20 * 1024 * 1024;

    /// <summary>The largest file accepted, in bytes (a phone photo of a bill is a few MiB; a scanned report rarely more).</summary>
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>The formats accepted; all that <see cref="DocumentContent"/> recognises when unset.</summary>
    public string[]? AllowedContentTypes { get; set; }

    public IReadOnlyCollection<string> Allowed => AllowedContentTypes is { Length: > 0 } list ? list : DocumentContent.All;
}

public static class ReviewStates
{
    public const string Received = "received";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public static readonly string[] All = [Received, Accepted, Rejected];
}

public sealed record DocumentReview([property: OneOf(typeof(ReviewStates), nameof(ReviewStates.All))] string State, string? Reason, DateTimeOffset? ReviewedAt, string? ReviewedBy);

public sealed record DocumentResponse(
    Guid Id,
    [property: OneOf(typeof(DocumentTypes), nameof(DocumentTypes.Codes))] string Type,
    string FileName,
    string ContentType,
    long Size,
    string Sha256,
    DateTimeOffset UploadedAt,
    string UploadedBy,
    DocumentReview Review,
    Guid? SentByContactId = null);

/// <summary>A review: <c>Decision</c> accepted or rejected; <c>Reason</c> is required for a rejection and kept, as a note, with an acceptance.</summary>
public sealed record ReviewRequest([property: OneOf(typeof(DocumentsApi), nameof(DocumentsApi.Decisions))] string? Decision, string? Reason);

/// <summary>One required document: <c>State</c> is missing, received (awaiting review), accepted or rejected (with the reason).</summary>
public sealed record ChecklistItem([property: OneOf(typeof(DocumentTypes), nameof(DocumentTypes.Codes))] string Type, string Why, string State, Guid? DocumentId, string? Reason);

public sealed record DocumentChecklist(Guid CaseId, string CaseNumber, string Status, string Country, bool Complete, IReadOnlyList<ChecklistItem> Items);

/// <summary>Form of the upload, for the API document; the handler reads the form itself to name the offending part.
/// <c>ContactId</c>: the contact of the case who sent the document; the review is told to them.</summary>
public sealed record UploadDocumentForm(IFormFile File, [property: OneOf(typeof(DocumentTypes), nameof(DocumentTypes.Codes))] string Type, Guid? ContactId);

/// <summary>The case as features outside the case file need it.</summary>
public sealed record CaseRef(Guid Id, string Number, string Status, string Country)
{
    /// <summary>The tenant's case by number or id, optionally locked for the transaction; null for a missing or another tenant's case.</summary>
    public static async Task<CaseRef?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId,
        string numberOrId, bool forUpdate, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT id, number, status, country FROM cases
            WHERE {CaseKey.Filter}
            {(forUpdate ? "FOR UPDATE" : "")}
            """, connection, transaction);
        CaseKey.Bind(cmd, tenantId, numberOrId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new CaseRef(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3).Trim().ToUpperInvariant())
            : null;
    }
}
