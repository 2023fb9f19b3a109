namespace Platform.Console.Api;

// Registering an appeal from a call (POST /api/intake/appeals) and finding the insured in the insurer's register
// (GET /api/intake/policies?search=, GET /api/intake/policies/{number}): the parts the New appeal screen sends and shows.

/// <summary>The body of POST api/intake/appeals; null fields are left out.</summary>
public sealed record RegisterAppealBody(
    string Channel,
    string? Urgency,
    RegisterCallerBody Caller,
    RegisterInsuredBody Insured,
    RegisterLocationBody Location,
    string Description,
    DateOnly? EventDate);

public sealed record RegisterCallerBody(string Name, string Relation, string? Phone, string? Email, string? Language,
    bool? MayReceiveMedicalDetails, string? TimeZone);

public sealed record RegisterInsuredBody(string? PolicyNumber, string FullName, DateOnly? DateOfBirth);

public sealed record RegisterLocationBody(string Country, string? City, string? Address);

/// <summary><c>Source</c>: explicit, phone, phone-country-capital, location or utc.</summary>
public sealed record CallerTimeZone(string Id, string Source);

public sealed record PolicyTermsView(string PolicyNumber, string Plan, PolicyPeriodView Period, IReadOnlyList<string> Territory);

public sealed record PolicyPeriodView(DateOnly Start, DateOnly End);

/// <summary>A policy of a search result (GET api/intake/policies?search=).</summary>
public sealed record PolicyListItemView(string PolicyNumber, string Plan, PolicyPeriodView Period, IReadOnlyList<string> InsuredNames);

/// <summary>One policy with its insured persons (GET api/intake/policies/{number}).</summary>
public sealed record PolicyView(string PolicyNumber, string Plan, PolicyPeriodView Period, IReadOnlyList<string> Territory,
    IReadOnlyList<PolicyInsuredView> Insured);

public sealed record PolicyInsuredView(string FullName, DateOnly DateOfBirth);
