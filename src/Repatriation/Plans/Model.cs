namespace Platform.Repatriation.Plans;

// The repatriation model: how a patient travels home, what their medical facts allow, and the papers the carrier needs.

/// <summary>How the patient travels.</summary>
public static class TransportModes
{
    public const string CommercialSeated = "commercial-seated";
    /// <summary>Seated with extra seats (a leg kept straight) or business class lying flat.</summary>
    public const string CommercialExtraSeats = "commercial-extra-seats";
    public const string CommercialBusinessFlat = "commercial-business-flat";
    public const string CommercialStretcher = "commercial-stretcher";
    public const string AirAmbulance = "air-ambulance";
    public const string GroundAmbulance = "ground-ambulance";
    public const string Remains = "remains";

    public static readonly string[] All =
        [CommercialSeated, CommercialExtraSeats, CommercialBusinessFlat, CommercialStretcher, AirAmbulance, GroundAmbulance, Remains];

    /// <summary>Scheduled airline flights: the modes a carrier's fitness-to-fly rules and the MEDIF apply to.</summary>
    public static readonly string[] Commercial = [CommercialSeated, CommercialExtraSeats, CommercialBusinessFlat, CommercialStretcher];
}

public static class EscortKinds
{
    public const string None = "none";
    public const string Companion = "companion";
    public const string Nurse = "nurse";
    public const string Doctor = "doctor";
    public const string Paramedic = "paramedic";

    public static readonly string[] All = [None, Companion, Nurse, Doctor, Paramedic];
}

/// <summary>
/// What the case's medical details say, as fitness to fly needs it. <c>Diagnoses</c>: ICD-10 codes (with or without
/// the dot) and the date each began (onset, or the event: the infarction, the stroke); <c>Procedures</c>: what was done
/// and when (a <c>Code</c> from <see cref="ProcedureCodes"/>, free text kept in <c>Text</c>); <c>Haemoglobin</c> in
/// g/dl; <c>PregnancyWeeksOn</c>: weeks of pregnancy on a given date; <c>Risk</c>: the treating doctor's risk class for
/// a cardiac event (low, medium, high) when known.
/// </summary>
public sealed record MedicalFacts(
    IReadOnlyList<DiagnosisFact> Diagnoses,
    IReadOnlyList<ProcedureFact> Procedures,
    DateOnly? ExpectedDischarge,
    decimal? Haemoglobin,
    (int Weeks, DateOnly On)? Pregnancy,
    string? Risk);

public sealed record DiagnosisFact(string Code, string? Text, DateOnly Since);

public sealed record ProcedureFact(string Code, string? Text, DateOnly On);

/// <summary>The procedures the rules know by code (what a doctor records; free text is kept beside it).</summary>
public static class ProcedureCodes
{
    public const string Pci = "pci";                       // percutaneous coronary intervention, stent
    public const string Cabg = "cabg";                     // coronary artery bypass graft
    public const string ChestDrain = "chest-drain";        // pneumothorax drained
    public const string AbdominalSurgery = "abdominal-surgery";
    public const string LaparoscopicSurgery = "laparoscopic-surgery";
    public const string PlasterCast = "plaster-cast";
    public const string Pacemaker = "pacemaker";
    public const string EyeSurgery = "eye-surgery";

    public static readonly string[] All = [Pci, Cabg, ChestDrain, AbdominalSurgery, LaparoscopicSurgery, PlasterCast, Pacemaker, EyeSurgery];
}

/// <summary>
/// A leg of the way home. <c>Kind</c> ground or flight; a flight names <c>Carrier</c> (IATA code), <c>FlightNumber</c>,
/// <c>Seats</c> (stretcher: the seats it takes); <c>ArrangedBy</c> (assistance, clinic, family, provider) and
/// <c>PaidBy</c> (insurer, insured); <c>Status</c> planned, requested, booked, confirmed, done, cancelled.
/// </summary>
public sealed record Leg(
    int Number,
    string Kind,
    string From,
    string To,
    DateTimeOffset DepartsAt,
    string? Carrier,
    string? FlightNumber,
    int? Seats,
    string ArrangedBy,
    string PaidBy,
    string Status);

/// <summary>
/// A transport plan for a case: the mode, the escort, the legs, where the patient goes (a receiving hospital of the
/// network by its code, or home at an address), oxygen in litres per minute (null: none) and equipment; its status
/// (draft, proposed, agreed, in-progress, completed, cancelled).
/// </summary>
public sealed record TransportPlan(
    Guid Id,
    string TenantId,
    string CaseNumber,
    string Mode,
    string Escort,
    IReadOnlyList<Leg> Legs,
    string? ReceivingClinicCode,
    string? ReceivingAddress,
    decimal? OxygenLitresPerMinute,
    IReadOnlyList<string> Equipment,
    string Status);

/// <summary>The passenger as a MEDIF names them: family name first, as the case has them; sex F, M or U.</summary>
public sealed record Passenger(string FamilyName, string GivenName, DateOnly? DateOfBirth, string? Sex, string CaseNumber);

public static class LegKinds
{
    public const string Ground = "ground";
    public const string Flight = "flight";
    public static readonly string[] All = [Ground, Flight];
}

/// <summary>
/// A leg's status: planned, requested (a booking request went to its provider), booked (we booked it), confirmed (the
/// provider confirmed it), done (travelled), cancelled.
/// </summary>
public static class LegStatuses
{
    public const string Planned = "planned";
    public const string Requested = "requested";
    public const string Booked = "booked";
    public const string Confirmed = "confirmed";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
    public static readonly string[] All = [Planned, Requested, Booked, Confirmed, Done, Cancelled];

    /// <summary>What a coordinator may set by hand (requested is set by sending a booking request).</summary>
    public static readonly string[] Settable = [Planned, Booked, Confirmed, Done, Cancelled];

    public static bool IsBooked(string status) => status is Booked or Confirmed or Done;
}

/// <summary>A plan's status: draft (being worked out), agreed, in-progress (a leg done), completed, cancelled.</summary>
public static class PlanStatuses
{
    public const string Draft = "draft";
    public const string Agreed = "agreed";
    public const string InProgress = "in-progress";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public static readonly string[] All = [Draft, Agreed, InProgress, Completed, Cancelled];

    public static bool IsLive(string status) => status is Agreed or InProgress;
}

/// <summary>Who arranges a leg and who pays for it.</summary>
public static class LegParties
{
    public static readonly string[] ArrangedBy = ["assistance", "clinic", "family", "provider"];
    public static readonly string[] PaidBy = ["insurer", "insured"];
}

/// <summary>
/// How far the patient travels, as providers price it: domestic (within a country), short-haul (up to about 1,500 km),
/// medium-haul (about 1,500 to 4,000 km), long-haul (beyond).
/// </summary>
public static class RouteClasses
{
    public const string Domestic = "domestic";
    public const string ShortHaul = "short-haul";
    public const string MediumHaul = "medium-haul";
    public const string LongHaul = "long-haul";
    public static readonly string[] All = [Domestic, ShortHaul, MediumHaul, LongHaul];
}

/// <summary>Who a transport provider is: an air ambulance operator, a ground ambulance company, an escort agency, an airline's medical desk.</summary>
public static class ProviderKinds
{
    public static readonly string[] All = ["air-ambulance", "ground-ambulance", "escort-agency", "airline"];
}
