using System.Text.Json;

namespace Platform.Console.Api;

// The parts of the Cases service's answers the case screens show (GET /api/cases/cases, /cases/{n}, /cases/{n}/briefing,
// /tasks, /documents, /timeline, /contacts, /messages, /medical-details, /coverage, /settlement-plan).

public sealed record CaseListPage(IReadOnlyList<CaseListItem> Items, int Page, int PageSize, long Total);

public sealed record CaseListItem(Guid Id, string Number, string Status, string Urgency, InsuredView Insured, string Country, string? City,
    DateTimeOffset OpenedAt)
{
    public string Place => string.Join(", ", new[] { City, Country }.Where(p => !string.IsNullOrWhiteSpace(p)));
}

public sealed record CaseFileView(Guid Id, string Number, string Status, string? StatusReason, string Urgency, InsuredView Insured,
    string Country, string? City, DateTimeOffset OpenedAt, string? Coordinator, CasePolicyView? Policy, long Version,
    IReadOnlyList<CaseAppealView> Appeals)
{
    public string Place => string.Join(", ", new[] { City, Country }.Where(p => !string.IsNullOrWhiteSpace(p)));
}

public sealed record CaseAppealView(Guid AppealId, string Channel, string CallerName, string CallerRelation, string Description, DateTimeOffset RegisteredAt);

public sealed record CasePolicyView(string PolicyNumber, string Plan, DateOnly Start, DateOnly End, IReadOnlyList<string> Territory,
    IReadOnlyList<CaseLimitView> Limits, IReadOnlyList<string> CoveredRisks, IReadOnlyList<string> ExcludedRisks, string? AssistancePartner);

public sealed record CaseLimitView(string Benefit, decimal Amount, string Currency);

public sealed record AssignCoordinatorBody(string Coordinator, string? Note);

public sealed record ChangeStatusBody(string Status, string? Reason);

// The briefing: what to tell the contact on the line, in their language and time zone (nextStepsForCaller, speakingTo).

public sealed record CaseBriefingView(
    string CaseNumber, string Status, string? StatusReason, string Urgency, string? Coordinator, InsuredView Insured, string Country,
    string? City, DateTimeOffset OpenedAt, IReadOnlyList<string> MedicalWarnings, IReadOnlyList<CaseBriefingTask> Promises,
    IReadOnlyList<CaseBriefingTask> Pending, IReadOnlyList<CaseContactView> Contacts, IReadOnlyList<CaseBriefingContact> LastContacts,
    IReadOnlyList<CaseChecklistItem> Documents, CaseBriefingAudience? SpeakingTo, IReadOnlyList<CaseCallerStep> NextStepsForCaller,
    long Version, DateTimeOffset GeneratedAt);

public sealed record CaseBriefingTask(Guid Id, string Kind, string Title, DateTimeOffset DueAt, string? Owner, bool Overdue);

public sealed record CaseBriefingContact(DateTimeOffset At, string Kind, string Summary, string Actor);

public sealed record CaseCallerStep(string Code, string Text);

public sealed record CaseBriefingAudience(Guid ContactId, string Name, string Relation, string Language, CasePersonZone TimeZone);

/// <summary>A person's time zone (IANA id) and where it was taken from: explicit, phone, phone-country-capital, location, utc.</summary>
public sealed record CasePersonZone(string Id, string Source);

// Tasks.

public sealed record CaseTaskView(Guid Id, Guid CaseId, string CaseNumber, string Kind, string Title, DateTimeOffset DueAt, string? Owner,
    string Status, bool Overdue, bool? OnTime, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? CompletedBy, string? Note,
    string? Result, DateTimeOffset? EscalatedAt, string? EscalatedTo);

public sealed record CompleteTaskBody(string Note, string? Result);

// Documents.

public sealed record CaseDocumentView(Guid Id, string Type, string FileName, string ContentType, long Size, DateTimeOffset UploadedAt,
    string UploadedBy, CaseDocumentReview Review, Guid? SentByContactId = null);

public sealed record CaseDocumentReview(string State, string? Reason, DateTimeOffset? ReviewedAt, string? ReviewedBy);

public sealed record CaseChecklistView(string CaseNumber, string Status, string Country, bool Complete, IReadOnlyList<CaseChecklistItem> Items);

/// <summary>One required document: state missing, received (awaiting review), accepted or rejected (with the reason).</summary>
public sealed record CaseChecklistItem(string Type, string Why, string State, Guid? DocumentId, string? Reason);

public sealed record ReviewDocumentBody(string Decision, string? Reason);

// Timeline, contacts and messages.

public sealed record CaseTimelineEntry(long Id, DateTimeOffset At, string Kind, string Summary, string Actor, JsonElement? Data);

public sealed record CaseContactView(Guid Id, string Name, string Relation, string? Phone, string? Email, string? Language,
    string PreferredChannel, bool MayReceiveMedicalDetails, DateTimeOffset UpdatedAt, string? TimeZone = null,
    CasePersonZone? ToldTimesIn = null, DateTimeOffset? LastCalledAt = null, bool ConsentsToMessages = true);

public sealed record CaseMessageView(Guid Id, string Kind, Guid? ContactId, string? Recipient, string? Channel, string? Address,
    string? Language, string Status, string Text, string? Note, int Attempts, string? LastError, DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt, DateTimeOffset? NextAttemptAt);

// Medical details.

public sealed record CaseDiagnosis(string? Code, string? Text);

public sealed record CaseMedicalRecord(long Version, DateTimeOffset RecordedAt, string RecordedBy, CaseDiagnosis? Diagnosis,
    IReadOnlyList<string> Procedures, DateOnly? AdmissionOn, DateOnly? ExpectedDischargeOn, DateOnly? ReturnFlightOn,
    string? Recommendations, string FitToFly, bool? RehabilitationNeeded);

public sealed record CaseMedicalView(CaseMedicalRecord? Current, IReadOnlyList<string> Warnings, IReadOnlyList<CaseMedicalRecord> History);

public sealed record MedicalDetailsBody(CaseDiagnosis? Diagnosis, IReadOnlyList<string> Procedures, DateOnly? AdmissionOn,
    DateOnly? ExpectedDischargeOn, DateOnly? ReturnFlightOn, string? Recommendations, string FitToFly, bool? RehabilitationNeeded);

// Coverage.

public sealed record CaseCoverageView(Guid CaseId, string CaseNumber, IReadOnlyList<CaseBenefitCoverage> Benefits);

/// <summary>One benefit: limit (null when the policy has none), reserved by letters, spent by invoices, remaining, and the warning thresholds crossed.</summary>
public sealed record CaseBenefitCoverage(string Benefit, decimal? Limit, string Currency, decimal Reserved, decimal Spent, decimal Used,
    decimal? Remaining, decimal? Percent, IReadOnlyList<int> ThresholdsReached, IReadOnlyList<CaseUnconvertedAmount> Unconverted);

public sealed record CaseUnconvertedAmount(string Currency, decimal Reserved, decimal Spent);

// Settlement plan.

public sealed record CasePlanStep(string Title, string Owner, string Status);

/// <summary>State: not-set, in-progress (Current is the step now) or completed.</summary>
public sealed record CaseSettlementView(string State, string? Kind, IReadOnlyList<CasePlanStep> Steps, int CurrentStep, CasePlanStep? Current,
    DateTimeOffset? UpdatedAt, string? UpdatedBy);

public sealed record SetPlanBody(string Kind);

public sealed record AdvancePlanBody(string? Note);
