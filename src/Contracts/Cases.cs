namespace Platform.Contracts;

/// <summary>Cases opened a case for an appeal about an insured who had no open case.</summary>
public sealed record CaseOpened(
    Guid CaseId,
    string TenantId,
    string CaseNumber,
    Guid AppealId,
    InsuredIdentity Insured,
    DateTimeOffset OpenedAt);

/// <summary>An appeal about an insured with an open case joined that case (one case per episode).</summary>
public sealed record AppealAttachedToCase(
    Guid CaseId,
    string TenantId,
    string CaseNumber,
    Guid AppealId,
    DateTimeOffset AttachedAt);

/// <summary>A case moved through its life: open, outpatient, hospitalised, awaiting-repatriation, closed.</summary>
public sealed record CaseStatusChanged(
    Guid CaseId,
    string TenantId,
    string CaseNumber,
    string From,
    string To,
    string? Reason,
    DateTimeOffset ChangedAt);

/// <summary>The responsible coordinator changed (first assignment or a handover).</summary>
public sealed record CaseCoordinatorAssigned(
    Guid CaseId,
    string TenantId,
    string CaseNumber,
    string? Previous,
    string Coordinator,
    DateTimeOffset AssignedAt);

/// <summary>
/// A case's settlement plan was set or moved on a step. Intake keeps the latest per case, so the answer to a later
/// appeal about the case states the plan as it is. <c>CurrentStepTitle</c> is null once every step is done.
/// </summary>
public sealed record SettlementPlanChanged(
    Guid CaseId,
    string TenantId,
    string CaseNumber,
    string Kind,
    int CurrentStep,
    int StepCount,
    string? CurrentStepTitle,
    string? CurrentStepOwner,
    DateTimeOffset ChangedAt);
