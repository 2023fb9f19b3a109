using Platform.Contracts;

namespace Platform.Cases.CaseFiles;

public static class CaseStatuses
{
    public const string Open = "open";
    public const string Closed = "closed";
    public static readonly string[] All = ["open", "outpatient", "hospitalised", "awaiting-repatriation", "closed"];
}

public sealed record CaseSummary(
    Guid Id,
    string Number,
    [property: OneOf(typeof(CaseStatuses), nameof(CaseStatuses.All))] string Status,
    string Urgency,
    InsuredIdentity Insured,
    string Country,
    string? City,
    DateTimeOffset OpenedAt);

public sealed record CaseAppeal(Guid AppealId, string Channel, string CallerName, string CallerRelation, string Description, DateTimeOffset RegisteredAt);

public sealed record CaseFileResponse(
    Guid Id,
    string Number,
    [property: OneOf(typeof(CaseStatuses), nameof(CaseStatuses.All))] string Status,
    string? StatusReason,
    string Urgency,
    InsuredIdentity Insured,
    string Country,
    string? City,
    DateTimeOffset OpenedAt,
    string? Coordinator,
    PolicyTerms? Policy,
    long Version,
    IReadOnlyList<CaseAppeal> Appeals);

public sealed record CaseListResponse(IReadOnlyList<CaseSummary> Items, int Page, int PageSize, long Total);
