namespace Platform.Contracts;

/// <summary>Cases opened a case for an appeal.</summary>
public sealed record CaseOpened(
    Guid CaseId,
    string TenantId,
    string CaseNumber,
    Guid AppealId,
    DateTimeOffset OpenedAt);
