namespace Platform.Contracts;

/// <summary>
/// A task (callback promise, control call, document chase, warning) passed its due time without being done and was
/// escalated to the supervisors' queue. Raised once per task. <c>Owner</c> is who had it (null: the case's queue).
/// </summary>
public sealed record TaskOverdue(
    Guid TaskId,
    string TenantId,
    Guid CaseId,
    string Kind,
    DateTimeOffset DueAt,
    DateTimeOffset EscalatedAt,
    string? Owner,
    string CaseNumber,
    string Title);

/// <summary>
/// The case's expected discharge or planned repatriation runs past the end of the policy: the insured needs an
/// extension. Raised once per case and policy end date; the contact has been told and a task created.
/// </summary>
public sealed record PolicyExtensionNeeded(
    Guid CaseId,
    string TenantId,
    string CaseNumber,
    string? PolicyNumber,
    DateOnly PolicyEnd,
    DateOnly? ExpectedDischargeOn,
    DateOnly? RepatriationPlannedOn,
    Guid TaskId,
    DateTimeOffset RaisedAt);
