using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Medif;

/// <summary>
/// What the MEDIF is filled from: the plan (legs, mode, escort, oxygen, equipment), what the case knows about the
/// patient and the doctor, who asks (the assistance company) and whom (the carrier of the flights).
/// </summary>
/// <param name="Legs">The plan's legs, flights and ground legs; cancelled ones are left out of the form.</param>
/// <param name="Mode">A <see cref="TransportModes"/> value; commercial-stretcher means a stretcher on board.</param>
/// <param name="Escort">An <see cref="EscortKinds"/> value.</param>
/// <param name="EscortName">The escort's name when known; otherwise the form says "to be named".</param>
/// <param name="Incapacity">The nature of the incapacity in plain words (what the passenger cannot do, and why).</param>
/// <param name="Wheelchair">A <see cref="WheelchairCodes"/> value (<see cref="WheelchairCodes.Propose"/> suggests one).</param>
/// <param name="GroundArrangements">Other ground arrangements (a lift to the aircraft door, a meet-and-assist at the transfer).</param>
/// <param name="OxygenLitresPerMinute">Oxygen in flight; null: none.</param>
/// <param name="Physician">The attending physician; name and contacts may be empty (part 2 is prepared for them).</param>
/// <param name="DiagnosisCode">ICD-10, with or without the dot.</param>
/// <param name="DiagnosisSince">The date of onset (or of the event) when known.</param>
/// <param name="RequestedOn">The date the assistance company asks the carrier.</param>
/// <param name="CarrierCode">The IATA code of the carrier the form goes to (the first flight's, usually).</param>
/// <param name="CabinClass">The class to show on every flight; null: taken from the mode (business for a flat bed, economy otherwise).</param>
public sealed record MedifRequest(
    Passenger Passenger,
    IReadOnlyList<Leg> Legs,
    string Mode,
    string Escort,
    string? EscortName,
    string Incapacity,
    string Wheelchair,
    bool AmbulanceAtDeparture,
    bool AmbulanceAtArrival,
    string? GroundArrangements,
    decimal? OxygenLitresPerMinute,
    IReadOnlyList<string> Equipment,
    Physician Physician,
    string? DiagnosisText,
    string? DiagnosisCode,
    DateOnly? DiagnosisSince,
    DateOnly RequestedOn,
    string AssistanceCompany,
    string AssistancePhone,
    string CarrierCode,
    string CarrierName,
    string? CabinClass = null)
{
    public bool StretcherNeeded => Mode == TransportModes.CommercialStretcher;

    public bool Escorted => Escort != EscortKinds.None;

    /// <summary>The legs that count: not cancelled, in their order.</summary>
    public IReadOnlyList<Leg> ActiveLegs => [.. Legs.Where(l => l.Status != "cancelled").OrderBy(l => l.Number)];

    public IReadOnlyList<Leg> Flights => [.. ActiveLegs.Where(l => l.Kind == "flight")];

    /// <summary>When the first flight leaves: what the carrier's deadline counts back from.</summary>
    public DateTimeOffset FirstDeparture =>
        Flights.Count > 0 ? Flights.Min(f => f.DepartsAt) : throw new InvalidOperationException("The plan has no flight: a MEDIF is for flights.");

    /// <summary>The passenger's age in whole years on the first flight's date (null when the date of birth is not known).</summary>
    public int? AgeAtTravel
    {
        get
        {
            if (Passenger.DateOfBirth is not { } born || Flights.Count == 0) return null;
            var on = DateOnly.FromDateTime(FirstDeparture.DateTime);
            var age = on.Year - born.Year;
            return born.AddYears(age) > on ? age - 1 : age;
        }
    }
}

/// <summary>The attending physician, as far as the case knows them (any part may be missing: the doctor completes it).</summary>
public sealed record Physician(string? Name, string? Phone, string? Email, string? Hospital)
{
    public static readonly Physician Unknown = new(null, null, null, null);
}

/// <summary>
/// The wheelchair codes of the airlines' special service requests: WCHR (can walk short distances and climb stairs,
/// not the length of a terminal), WCHS (cannot climb stairs, can walk to the seat), WCHC (immobile, carried to the seat).
/// </summary>
public static class WheelchairCodes
{
    public const string None = "none";
    public const string Wchr = "WCHR";
    public const string Wchs = "WCHS";
    public const string Wchc = "WCHC";

    public static readonly string[] All = [None, Wchr, Wchs, Wchc];

    /// <summary>
    /// The code to propose for the mode and what the patient can do. A stretcher patient is carried (WCHC); one who
    /// cannot walk is carried too; one who walks but cannot climb stairs is WCHS; one who walks and climbs stairs is
    /// WCHR, since a patient flown home seldom walks a terminal's distances, unless <paramref name="canWalkFar"/>.
    /// Modes that are not airline flights have no code.
    /// </summary>
    public static string Propose(string mode, bool canWalk, bool canClimbStairs, bool canWalkFar = false)
    {
        if (!TransportModes.Commercial.Contains(mode)) return None;
        if (mode == TransportModes.CommercialStretcher || !canWalk) return Wchc;
        if (!canClimbStairs) return Wchs;
        return canWalkFar ? None : Wchr;
    }
}
