namespace Platform.Console.Api;

// The parts of the other services' answers the case screen shows, read-only: guarantee letters (Clinic network,
// GET /api/clinics/guarantees?case=), the case's statement (Billing, GET /api/billing/cases/{n}/statement), transport
// plans (Repatriation, GET /api/repatriation/plans?caseNumber=) and clinics near the case (GET /api/clinics/clinics/search).

public sealed record CaseGuaranteeLetter(Guid Id, string Number, string CaseNumber, CaseLetterClinic Clinic, string Benefit, decimal Amount,
    string Currency, DateOnly PeriodFrom, DateOnly PeriodTo, string RoomType, decimal CoPayment, decimal Deductible, string Status,
    string? RevocationReason, DateTimeOffset IssuedAt, string IssuedBy, DateTimeOffset? RevokedAt, CaseLetterAnswer? Acknowledgement,
    CaseLetterDelivery? Delivery);

public sealed record CaseLetterClinic(string Code, string Name, string Address, string? Email);

public sealed record CaseLetterAnswer(string Decision, string? Reason, DateTimeOffset At, string By);

public sealed record CaseLetterDelivery(string Kind, string? Address, string Status, int Attempts, string? LastError, DateTimeOffset? SentAt);

public sealed record CaseStatementView(string CaseNumber, string? Currency, decimal Billed, decimal Approved, decimal Rejected,
    decimal PatientResponsibility, decimal Paid, decimal Open, int PendingInvoices, int ReturnedInvoices, IReadOnlyList<CaseStatementInvoice> Invoices);

public sealed record CaseStatementInvoice(Guid InvoiceId, string Number, string Biller, string Status, string Currency, decimal Billed,
    decimal? Approved, decimal? Rejected, decimal? PatientResponsibility, string? PaymentStatus, string? PaymentReference);

public sealed record CaseTransportPlan(Guid Id, string CaseNumber, string Status, string Mode, string ModeName, string Escort, string? ReceivingName,
    string? ReceivingAddress, IReadOnlyList<CaseTransportLeg> Legs, IReadOnlyList<CaseTransportWarning> Warnings, CaseTransportMedif? MedifDue,
    DateTimeOffset ChangedAt, string ChangedBy, string? CancelReason);

public sealed record CaseTransportLeg(int Number, string Kind, string From, string To, DateTimeOffset DepartsAt, string? Carrier, string? FlightNumber,
    string ArrangedBy, string Status, string? Reference);

public sealed record CaseTransportWarning(string Code, int? Leg, string Message);

public sealed record CaseTransportMedif(string Carrier, string CarrierName, DateTimeOffset DueAt, bool Late);

public sealed record CaseClinicSearch(CaseSearchOrigin Origin, double RadiusKm, IReadOnlyList<CaseClinicMatch> Results);

public sealed record CaseSearchOrigin(double Latitude, double Longitude, string Source);

public sealed record CaseClinicMatch(CaseClinic Clinic, double DistanceKm, int QualityScore, double Rank, bool OpenNow, IReadOnlyList<string> Matches);

public sealed record CaseClinic(string Code, string Name, string Country, string City, string Address, string? Phone, string? Email,
    IReadOnlyList<string> Specialties, IReadOnlyList<string> Languages, bool Inpatient, bool Outpatient, bool Admits247, bool DirectBilling);
