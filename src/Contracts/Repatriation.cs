namespace Platform.Contracts;

// The way home: Cases tells what the attending doctor reported; the repatriation service tells how the patient travels,
// so Cases advances the case's settlement plan, tracks the MEDIF's deadline as a task and tells the caller what happens.

/// <summary>
/// Cases recorded a new version of a case's medical details (<c>Version</c> 1, 2, 3 ... per case; a consumer keeps the
/// highest). <c>FitToFly</c>: unknown, yes, with-escort, stretcher, no. Procedures are as the doctor wrote them.
/// </summary>
public sealed record MedicalDetailsRecorded(
    string TenantId,
    Guid CaseId,
    string CaseNumber,
    long Version,
    string? DiagnosisCode,
    string? DiagnosisText,
    IReadOnlyList<string> Procedures,
    DateOnly? AdmissionOn,
    DateOnly? ExpectedDischargeOn,
    DateOnly? ReturnFlightOn,
    string FitToFly,
    DateTimeOffset RecordedAt);

/// <summary>
/// A transport plan was agreed for a case, or an agreed plan changed: a whole picture, published again on every change
/// with a higher <c>Version</c> (per plan); a consumer keeps the highest. <c>Mode</c> (commercial-stretcher,
/// air-ambulance, ...) and <c>Escort</c> (none, companion, nurse, doctor, paramedic) are the repatriation service's
/// codes; <c>Destination</c>: the receiving hospital's name, or null when the patient goes home; <c>Medif</c>: the
/// airline's medical form and its deadline, when a flight of the plan needs one.
/// </summary>
public sealed record RepatriationPlanned(
    Guid PlanId,
    string TenantId,
    Guid CaseId,
    string CaseNumber,
    string Mode,
    string Escort,
    string? Destination,
    IReadOnlyList<RepatriationLeg> Legs,
    RepatriationMedif? Medif,
    long Version,
    DateTimeOffset ChangedAt);

/// <summary>
/// A leg as the caller is told it. <c>Kind</c> ground or flight; <c>ArrangedBy</c> assistance, clinic, family or
/// provider; <c>Status</c> planned, requested, booked, confirmed, done, cancelled; <c>DepartsAt</c> with the place's offset.
/// </summary>
public sealed record RepatriationLeg(
    int Number,
    string Kind,
    string From,
    string To,
    DateTimeOffset DepartsAt,
    string? Carrier,
    string? FlightNumber,
    string ArrangedBy,
    string Status);

/// <summary>
/// The MEDIF a flight needs: the carrier it goes to, when the carrier must have it (<c>DueAt</c>), and what the airline
/// prepares (a stretcher, oxygen, a wheelchair), which is what the caller is told it is for.
/// </summary>
public sealed record RepatriationMedif(string CarrierCode, string CarrierName, DateTimeOffset DueAt, bool Stretcher, bool Oxygen, bool Wheelchair);

/// <summary>
/// A leg was booked with its provider (<c>Status</c> booked) or the provider confirmed it (confirmed).
/// <c>AllLegsBooked</c>: every leg of the plan that is not cancelled is now booked or confirmed.
/// </summary>
public sealed record RepatriationLegBooked(
    Guid PlanId,
    string TenantId,
    Guid CaseId,
    int LegNumber,
    string Status,
    string? ProviderName,
    bool AllLegsBooked,
    DateTimeOffset At);

/// <summary>The patient arrived: every leg of the plan is done.</summary>
public sealed record RepatriationCompleted(Guid PlanId, string TenantId, Guid CaseId, DateTimeOffset CompletedAt);

/// <summary>An agreed plan was cancelled (<c>Reason</c> as the coordinator gave it): its MEDIF and bookings no longer apply.</summary>
public sealed record RepatriationCancelled(Guid PlanId, string TenantId, Guid CaseId, string Reason, DateTimeOffset CancelledAt);
