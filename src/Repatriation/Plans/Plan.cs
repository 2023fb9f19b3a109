using Platform.Repatriation.Medif;

namespace Platform.Repatriation.Plans;

public sealed record LegRequest(
    [property: OneOf(typeof(LegKinds), nameof(LegKinds.All))] string? Kind,
    string? From,
    string? To,
    DateTimeOffset? DepartsAt,
    string? Carrier,
    string? FlightNumber,
    int? Seats,
    [property: OneOf(typeof(LegParties), nameof(LegParties.ArrangedBy))] string? ArrangedBy,
    [property: OneOf(typeof(LegParties), nameof(LegParties.PaidBy))] string? PaidBy,
    string? ProviderCode);

/// <summary>
/// What the MEDIF needs besides the legs: the incapacity in plain words, the wheelchair code (null: proposed from the
/// mode), ambulances at the airports, other ground arrangements, the attending physician and hospital as far as known,
/// the escort's name, and the airline's name as the form is addressed (else its IATA code).
/// </summary>
public sealed record MedifDetails(
    string? Incapacity,
    [property: OneOf(typeof(WheelchairCodes), nameof(WheelchairCodes.All))] string? Wheelchair,
    bool? AmbulanceAtDeparture,
    bool? AmbulanceAtArrival,
    string? GroundArrangements,
    string? PhysicianName,
    string? PhysicianPhone,
    string? PhysicianEmail,
    string? Hospital,
    string? EscortName,
    string? CarrierName);

/// <summary>
/// A transport plan as a coordinator writes it: the case, mode, escort, the route's class (for the price), the provider
/// that transports (air ambulance operator, escort agency...), where the patient goes (a receiving hospital, or home at
/// an address), oxygen and equipment, the legs in order, and what the MEDIF needs.
/// </summary>
public sealed record PlanRequest(
    string? CaseNumber,
    [property: OneOf(typeof(TransportModes), nameof(TransportModes.All))] string? Mode,
    [property: OneOf(typeof(EscortKinds), nameof(EscortKinds.All))] string? Escort,
    [property: OneOf(typeof(RouteClasses), nameof(RouteClasses.All))] string? RouteClass,
    string? ProviderCode,
    string? ReceivingClinicCode,
    string? ReceivingName,
    string? ReceivingAddress,
    decimal? OxygenLitresPerMinute,
    IReadOnlyList<string>? Equipment,
    IReadOnlyList<LegRequest>? Legs,
    MedifDetails? Medif);

/// <summary>A leg as kept: the library's <see cref="Leg"/> with the provider that runs it and the booking's reference.</summary>
public sealed record PlanLeg(
    int Number, string Kind, string From, string To, DateTimeOffset DepartsAt, string? Carrier, string? FlightNumber, int? Seats,
    string ArrangedBy, string PaidBy, string? ProviderCode, string Status, string? Reference)
{
    public Leg ToLeg() => new(Number, Kind, From, To, DepartsAt, Carrier, FlightNumber, Seats, ArrangedBy, PaidBy, Status);
}

/// <summary>A price: the provider's rate for the mode over the route's class, and its escort's, in one currency.</summary>
public sealed record Estimate(string ProviderCode, string ProviderName, decimal Amount, string Currency, IReadOnlyList<EstimatePart> Parts);

public sealed record EstimatePart(string What, decimal Amount);

public sealed record StoredPlan(
    Guid Id, string TenantId, Guid CaseId, string CaseNumber, string Mode, string Escort, string RouteClass, string? ProviderCode,
    string? ReceivingClinicCode, string? ReceivingName, string? ReceivingAddress, decimal? OxygenLitresPerMinute, IReadOnlyList<string> Equipment,
    MedifDetails Medif, decimal? EstimateAmount, string? EstimateCurrency, string Status, long Version, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset ChangedAt, string ChangedBy, string? CancelReason, IReadOnlyList<PlanLeg> Legs)
{
    public IReadOnlyList<PlanLeg> ActiveLegs => [.. Legs.Where(l => l.Status != LegStatuses.Cancelled).OrderBy(l => l.Number)];

    public IReadOnlyList<PlanLeg> Flights => [.. ActiveLegs.Where(l => l.Kind == LegKinds.Flight)];

    /// <summary>
    /// Whether the carrier needs a MEDIF: a flight on a scheduled airline with a stretcher, extra seats or a flat bed,
    /// oxygen, a wheelchair, or a medical escort. A seated passenger who needs none of these flies without one.
    /// </summary>
    public bool NeedsMedif => Flights.Count > 0 && TransportModes.Commercial.Contains(Mode) &&
        (Mode != TransportModes.CommercialSeated || OxygenLitresPerMinute is > 0 || Escort is EscortKinds.Nurse or EscortKinds.Doctor or EscortKinds.Paramedic ||
         Wheelchair != WheelchairCodes.None);

    /// <summary>The wheelchair code asked for, or the one the mode suggests (a stretcher patient is carried: WCHC).</summary>
    public string Wheelchair => Medif.Wheelchair ?? WheelchairCodes.Propose(Mode, canWalk: Mode != TransportModes.CommercialStretcher, canClimbStairs: false);

    /// <summary>The carrier of the first flight (the MEDIF goes to it), and its name as the form is addressed.</summary>
    public string? MedifCarrier => Flights.OrderBy(f => f.DepartsAt).FirstOrDefault()?.Carrier;

    public string? MedifCarrierName => Medif.CarrierName ?? MedifCarrier;

    public DateTimeOffset? MedifDueAt => NeedsMedif ? MedifDeadlines.Due(MedifCarrier, Flights.Min(f => f.DepartsAt)) : null;
}
