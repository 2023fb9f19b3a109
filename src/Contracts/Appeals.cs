namespace Platform.Contracts;

/// <summary>An appeal (call, message, API request) was registered by Intake.</summary>
public sealed record AppealRegistered(
    Guid AppealId,
    string TenantId,
    string Channel,
    string Urgency,
    AppealCaller Caller,
    InsuredIdentity Insured,
    AppealLocation Location,
    string Description,
    DateTimeOffset RegisteredAt);

public sealed record AppealCaller(string Name, string Relation, string? Phone, string? Email, string? Language);

public sealed record InsuredIdentity(string? PolicyNumber, string FullName, DateOnly? DateOfBirth);

public sealed record AppealLocation(string Country, string? City, string? Address);
