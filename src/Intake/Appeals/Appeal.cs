using System.Text.RegularExpressions;
using Platform.Contracts;
using Platform.Intake.Policies;

namespace Platform.Intake.Appeals;

public static partial class AppealVocabulary
{
    public static readonly string[] Channels = ["phone", "emergency-line", "clinic-line", "chat", "email", "sms", "messenger", "api"];
    public static readonly string[] Urgencies = ["emergency", "urgent", "planned", "telemedicine"];
    public static readonly string[] Relations = ContactRelations.All;

    [GeneratedRegex("^[A-Z]{2}$")]
    public static partial Regex CountryCode();

    [GeneratedRegex("^[a-z]{2}$")]
    public static partial Regex LanguageCode();

    [GeneratedRegex("^[a-z][a-z0-9-]{1,49}$")]
    public static partial Regex RiskCode();
}

/// <summary>An appeal as a client submits it. Every field is checked by <see cref="Validate"/>; enums travel as strings
/// so a wrong value is reported against its field.</summary>
public sealed record RegisterAppealRequest(
    [property: OneOf(typeof(AppealVocabulary), nameof(AppealVocabulary.Channels))] string? Channel,
    [property: OneOf(typeof(AppealVocabulary), nameof(AppealVocabulary.Urgencies))] string? Urgency,
    CallerDto? Caller,
    InsuredDto? Insured,
    LocationDto? Location,
    string? Description,
    DateOnly? EventDate = null,
    string? Risk = null)
{
    public ValidationErrors Validate()
    {
        var e = new ValidationErrors();
        if (e.Required("channel", Channel)) e.OneOf("channel", Channel, AppealVocabulary.Channels);
        if (Urgency is not null) e.OneOf("urgency", Urgency, AppealVocabulary.Urgencies);

        if (e.Required("caller", Caller))
        {
            if (e.Required("caller.name", Caller!.Name)) e.MaxLength("caller.name", Caller.Name, 200);
            if (e.Required("caller.relation", Caller.Relation)) e.OneOf("caller.relation", Caller.Relation, AppealVocabulary.Relations);
            e.MaxLength("caller.phone", Caller.Phone, 40);
            e.MaxLength("caller.email", Caller.Email, 254);
            if (Caller.Email is not null && !Caller.Email.Contains('@')) e.Add("caller.email", "The field must be an e-mail address.");
            e.Matches("caller.language", Caller.Language, AppealVocabulary.LanguageCode(), "a two-letter ISO 639-1 code such as 'ru' or 'en'");
            if (Caller.TimeZone is not null && !PersonTimeZone.IsKnown(Caller.TimeZone))
                e.Add("caller.timeZone", "The field must be a known IANA time zone id such as 'Europe/Moscow'.");
            e.OneOf("caller.preferredChannel", Caller.PreferredChannel, ContactChannels.All);
            if (Caller.PreferredChannel == ContactChannels.Email && string.IsNullOrWhiteSpace(Caller.Email))
                e.Add("caller.email", "An e-mail address is needed when the preferred channel is email.");
            if (string.IsNullOrWhiteSpace(Caller.Phone) && string.IsNullOrWhiteSpace(Caller.Email))
                e.Add("caller.phone", "A phone number or an e-mail address is needed to call the caller back.");
        }

        if (e.Required("insured", Insured))
        {
            if (e.Required("insured.fullName", Insured!.FullName)) e.MaxLength("insured.fullName", Insured.FullName, 200);
            e.MaxLength("insured.policyNumber", Insured.PolicyNumber, 64);
            if (string.IsNullOrWhiteSpace(Insured.PolicyNumber) && Insured.DateOfBirth is null)
                e.Add("insured.dateOfBirth", "Without a policy number the insured is found by name and date of birth.");
        }

        if (e.Required("location", Location))
        {
            if (e.Required("location.country", Location!.Country))
                e.Matches("location.country", Location.Country, AppealVocabulary.CountryCode(), "an ISO 3166-1 alpha-2 code such as 'US'");
            e.MaxLength("location.city", Location.City, 200);
            e.MaxLength("location.address", Location.Address, 500);
        }

        if (e.Required("description", Description)) e.MaxLength("description", Description, 4000);
        e.Matches("risk", Risk, AppealVocabulary.RiskCode(), "a risk code such as 'illness' or 'accident'");
        return e;
    }
}

/// <summary><c>MayReceiveMedicalDetails</c>: whether the insured allowed this caller to be told medical details
/// (always true for the insured themself; false for anyone else unless stated). <c>TimeZone</c>: the IANA zone the
/// caller is told times in (e.g. Europe/Moscow); when absent it is inferred from the phone number's country, else from
/// the location's country, else UTC. <c>PreferredChannel</c>: how they want to be reached (written messages go by e-mail
/// for email, else by SMS to the phone); <c>ConsentsToMessages</c>: false when they do not want to be written to at all
/// (default: they do).</summary>
public sealed record CallerDto(string? Name,
    [property: OneOf(typeof(AppealVocabulary), nameof(AppealVocabulary.Relations))] string? Relation, string? Phone, string? Email, string? Language,
    bool? MayReceiveMedicalDetails = null, string? TimeZone = null,
    [property: OneOf(typeof(ContactChannels), nameof(ContactChannels.All))] string? PreferredChannel = null,
    bool? ConsentsToMessages = null);

public sealed record InsuredDto(string? PolicyNumber, string? FullName, DateOnly? DateOfBirth);

public sealed record LocationDto(string? Country, string? City, string? Address);

/// <summary>
/// An appeal as Intake answers about it: what the caller must be told before the call ends: the callback promise,
/// the coverage result and the next steps, and the case it belongs to (known at once when the insured already has an
/// open case; otherwise shortly after, when Cases has opened it).
/// </summary>
public sealed record AppealResponse(
    Guid Id,
    [property: OneOf(typeof(AppealVocabulary), nameof(AppealVocabulary.Channels))] string Channel,
    [property: OneOf(typeof(TriageLevels), nameof(TriageLevels.All))] string Triage,
    IReadOnlyList<string> TriageReasons,
    AppealCaller Caller,
    InsuredIdentity Insured,
    AppealLocation Location,
    string Description,
    DateOnly? EventDate,
    AppealCoverage Coverage,
    CallbackPromise Callback,
    IReadOnlyList<NextStep> NextSteps,
    string? CaseNumber,
    bool AttachedToOpenCase,
    DateTimeOffset RegisteredAt,
    QueueState Queue);

/// <summary>The coverage check as the caller may be told it: the decision, its reasons, and the policy's terms.</summary>
public sealed record AppealCoverage(string Status, IReadOnlyList<CoverageReason> Reasons, PolicySummary? Policy);

/// <summary>The promised callback: <c>DueAt</c> is a UTC instant; <c>TimeZone</c> is the zone the caller was told it in, and why.</summary>
public sealed record CallbackPromise(DateTimeOffset DueAt, string? Phone, PersonTimeZone? TimeZone = null);

public sealed record QueueState(string Status, string? TakenBy, DateTimeOffset? TakenAt);
