namespace Platform.Contracts;

/// <summary>An appeal (call, message, API request) was registered by Intake, triaged, checked against the policy and promised a callback.</summary>
public sealed record AppealRegistered(
    Guid AppealId,
    string TenantId,
    string Channel,
    string Triage,
    IReadOnlyList<string> TriageReasons,
    AppealCaller Caller,
    InsuredIdentity Insured,
    AppealLocation Location,
    string Description,
    DateOnly? EventDate,
    CoverageResult Coverage,
    DateTimeOffset CallbackDueAt,
    DateTimeOffset RegisteredAt);

/// <summary>Who called and what they may be told. <c>Relation</c>: insured, relative, clinic-doctor, other.</summary>
public sealed record AppealCaller(
    string Name, string Relation, string? Phone, string? Email, string? Language, bool MayReceiveMedicalDetails);

public sealed record InsuredIdentity(string? PolicyNumber, string FullName, DateOnly? DateOfBirth);

public sealed record AppealLocation(string Country, string? City, string? Address);

/// <summary>The coverage check at intake: <c>Status</c> is covered, not-covered or needs-review; reasons are codes.</summary>
public sealed record CoverageResult(string Status, IReadOnlyList<string> Reasons, string? PolicyNumber);
