using System.Text.RegularExpressions;
using Platform.Contracts;

namespace Platform.Intake.Appeals;

public static partial class AppealVocabulary
{
    public static readonly string[] Channels = ["phone", "emergency-line", "clinic-line", "chat", "email", "sms", "messenger", "api"];
    public static readonly string[] Urgencies = ["emergency", "urgent", "planned", "telemedicine"];
    public static readonly string[] Relations = ["insured", "relative", "clinic-doctor", "other"];

    [GeneratedRegex("^[A-Z]{2}$")]
    public static partial Regex CountryCode();

    [GeneratedRegex("^[a-z]{2}$")]
    public static partial Regex LanguageCode();
}

/// <summary>An appeal as a client submits it. Every field is checked by <see cref="Validate"/>; enums travel as strings
/// so a wrong value is reported against its field.</summary>
public sealed record RegisterAppealRequest(
    string? Channel,
    string? Urgency,
    CallerDto? Caller,
    InsuredDto? Insured,
    LocationDto? Location,
    string? Description)
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
        return e;
    }
}

public sealed record CallerDto(string? Name, string? Relation, string? Phone, string? Email, string? Language);

public sealed record InsuredDto(string? PolicyNumber, string? FullName, DateOnly? DateOfBirth);

public sealed record LocationDto(string? Country, string? City, string? Address);

/// <summary>An appeal as Intake answers about it.</summary>
public sealed record AppealResponse(
    Guid Id,
    string Channel,
    string Urgency,
    AppealCaller Caller,
    InsuredIdentity Insured,
    AppealLocation Location,
    string Description,
    DateTimeOffset RegisteredAt,
    string? CaseNumber);
