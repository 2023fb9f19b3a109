using Platform.Contracts;

namespace Platform.Repatriation.Medif;

/// <summary>
/// What the caller (the patient or their family) is told about the MEDIF, in their language (Russian, or English for
/// any other): what it is, why the airline needs it, who fills which part, the carrier's deadline in the caller's time
/// zone, and what is asked of them. The words are <see cref="RepatriationTexts.Medif"/>'s, which Cases' briefing tells too.
/// </summary>
public static class MedifTexts
{
    /// <param name="language">The caller's language (ru; anything else gets English).</param>
    /// <param name="timeZoneId">The caller's IANA time zone (Europe/Moscow); unknown or empty: UTC.</param>
    /// <param name="now">The current instant: the deadline's date is left out when it is the caller's today.</param>
    public static string ForCaller(string language, MedifRequest request, string? timeZoneId, DateTimeOffset now)
    {
        var zone = PersonTimeZone.IsKnown(timeZoneId) ? new PersonTimeZone(timeZoneId!.Trim(), PersonTimeZone.Explicit) : PersonTimeZone.Utc;
        return RepatriationTexts.Medif(request.CarrierName, request.AssistanceCompany, request.AssistancePhone, MedifDeadlines.Due(request),
            request.StretcherNeeded, request.OxygenLitresPerMinute is > 0, request.Wheelchair != WheelchairCodes.None, language, zone, now);
    }
}
