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

/// <summary>
/// Who called and what they may be told. <c>Relation</c>: one of <see cref="ContactRelations.All"/>. <c>TimeZone</c>:
/// the IANA zone the caller gave (null: inferred from the phone or location, see <see cref="PersonTimeZone"/>).
/// <c>PreferredChannel</c> (one of <see cref="ContactChannels.All"/>) and <c>ConsentsToMessages</c>: how they want to be
/// reached and whether they agreed to be written to (null: not said). The optional ones are last, so messages written
/// before they existed still read.
/// </summary>
public sealed record AppealCaller(
    string Name, string Relation, string? Phone, string? Email, string? Language, bool MayReceiveMedicalDetails, string? TimeZone = null,
    string? PreferredChannel = null, bool? ConsentsToMessages = null);

public sealed record InsuredIdentity(string? PolicyNumber, string FullName, DateOnly? DateOfBirth)
{
    /// <summary>
    /// How Intake and Cases compare names when deciding that two appeals concern one person: case- and
    /// space-insensitively ("IVANOV  Pyotr" = "ivanov pyotr"). One rule for both, or one episode becomes two cases.
    /// </summary>
    public static string NameKey(string fullName) =>
        string.Join(' ', fullName.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToLowerInvariant();
}

public sealed record AppealLocation(string Country, string? City, string? Address);

/// <summary>
/// The coverage check at intake: <c>Status</c> is covered, not-covered or needs-review; reasons are codes
/// (policy-not-found, not-valid-on-date, territory-not-covered, risk-excluded, ...); the terms of the policy found, if any.
/// </summary>
public sealed record CoverageResult(string Status, IReadOnlyList<string> Reasons, PolicyTerms? Policy);

/// <summary>The terms of a policy that apply to a case: its period (inclusive), territory, limits per benefit and risks.</summary>
public sealed record PolicyTerms(
    string PolicyNumber,
    string Plan,
    DateOnly Start,
    DateOnly End,
    IReadOnlyList<string> Territory,
    IReadOnlyList<CoverLimit> Limits,
    CoverAmount? Deductible,
    IReadOnlyList<string> CoveredRisks,
    IReadOnlyList<string> ExcludedRisks,
    string? AssistancePartner);

/// <summary>A limit per benefit: medical-expenses, repatriation, rehabilitation, dental, ...</summary>
public sealed record CoverLimit(string Benefit, decimal Amount, string Currency);

public sealed record CoverAmount(decimal Amount, string Currency);

/// <summary>The coordinator who took the appeal from the queue has called back and handled it: the promise is kept.</summary>
public sealed record AppealHandled(Guid AppealId, string TenantId, string HandledBy, DateTimeOffset HandledAt);
