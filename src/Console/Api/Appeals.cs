namespace Platform.Console.Api;

// The parts of Intake's answers the console shows (GET /api/intake/appeals/queue, /appeals/{id}, /policies).

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
    IReadOnlyList<NextStepView>? NextSteps = null);

public sealed record CallerView(string Name, string Relation, string? Phone, string? Email, string? Language);

public sealed record InsuredView(string? PolicyNumber, string FullName, DateOnly? DateOfBirth);

public sealed record LocationView(string Country, string? City, string? Address)
{
    public override string ToString() => string.Join(", ", new[] { City, Country }.Where(p => !string.IsNullOrWhiteSpace(p)));
}

public sealed record CoverageView(string Status, IReadOnlyList<CoverageReasonView> Reasons);

public sealed record CoverageReasonView(string Code, string Message);

public sealed record CallbackView(DateTimeOffset DueAt, string? Phone);

public sealed record QueueView(string Status, string? TakenBy, DateTimeOffset? TakenAt);

public sealed record NextStepView(string Code, string Text);
