namespace Platform.Console.Api;

// Intake's answer about an appeal, as the console shows it (the queue, GET /appeals/{id}, the answer to POST /appeals).

public sealed record AppealView(
    Guid Id,
    string Channel,
    string Triage,
    IReadOnlyList<string> TriageReasons,
    CallerView Caller,
    InsuredView Insured,
    LocationView Location,
    string Description,
    CoverageView Coverage,
    CallbackView Callback,
    string? CaseNumber,
    bool AttachedToOpenCase,
    DateTimeOffset RegisteredAt,
    QueueView Queue,
    IReadOnlyList<NextStepView> NextSteps);

public sealed record CallerView(string Name, string Relation, string? Phone, string? Email, string? Language);

public sealed record InsuredView(string? PolicyNumber, string FullName, DateOnly? DateOfBirth);

public sealed record LocationView(string Country, string? City, string? Address)
{
    public override string ToString() => string.Join(", ", new[] { City, Country }.Where(p => !string.IsNullOrWhiteSpace(p)));
}

/// <summary>The coverage check as the caller may be told it; <c>Policy</c> is the policy the decision is about, if any.</summary>
public sealed record CoverageView(string Status, IReadOnlyList<CoverageReasonView> Reasons, PolicyTermsView? Policy);

public sealed record CoverageReasonView(string Code, string Message, string? Detail);

/// <summary>The promised callback; <c>TimeZone</c> is the zone the caller was told it in and where it came from.</summary>
public sealed record CallbackView(DateTimeOffset DueAt, string? Phone, CallerTimeZone? TimeZone);

public sealed record QueueView(string Status, string? TakenBy, DateTimeOffset? TakenAt);

public sealed record NextStepView(string Code, string Text);
