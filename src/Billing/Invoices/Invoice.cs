namespace Platform.Billing.Invoices;

// The billing model: what a clinic (or the insured) bills and what adjudication decided about each line. JSON invoices,
// X12 837P/837I files and the insured's receipts all become an Invoice; the 835, the statements, the US claim forms and
// the FHIR resources are all written from an Invoice and its Adjudication.

/// <summary>Who bills: a clinic of the network (<c>kind</c> clinic) or the insured, paid back for their own receipts (reimbursement).</summary>
public static class InvoiceKinds
{
    public const string Clinic = "clinic";
    public const string Reimbursement = "reimbursement";
}

/// <summary>
/// The claim form the invoice corresponds to: professional (CMS-1500, X12 837P: a doctor's services), institutional
/// (UB-04, 837I: a hospital's stay) or other (a clinic abroad billing from its price list, a receipt).
/// </summary>
public static class ClaimForms
{
    public const string Professional = "professional";
    public const string Institutional = "institutional";
    public const string Other = "other";
}

/// <summary>
/// An invoice as submitted. <c>Number</c>: the biller's own number (X12 CLM01, the patient control number);
/// <c>GuaranteeNumber</c>: the GOP it is billed under (X12 2300 REF*G1, prior authorization), if any; <c>Source</c>:
/// json, x12-837p, x12-837i or receipt. <c>Diagnoses</c>: ICD-10-CM codes without the dot, principal first; lines point
/// at them by 1-based position. <c>FacilityCode</c>: the place of service (professional, e.g. 21 inpatient hospital)
/// or the type of bill (institutional, e.g. 0111).
/// </summary>
public sealed record Invoice(
    Guid Id,
    string TenantId,
    string Kind,
    string Form,
    string Source,
    string Number,
    string? CaseNumber,
    Guid? CaseId,
    string? GuaranteeNumber,
    Party Biller,
    Patient Patient,
    DateOnly ServiceFrom,
    DateOnly ServiceTo,
    string Currency,
    IReadOnlyList<string> Diagnoses,
    IReadOnlyList<InvoiceLine> Lines,
    string? FacilityCode,
    DateTimeOffset ReceivedAt)
{
    public decimal Total => Lines.Sum(l => l.Amount);
}

/// <summary>
/// One billed service. <c>CodeSystem</c>: CPT or HCPCS (X12 qualifier HC) for US clinics, price-list (the clinic's own
/// code) elsewhere; <c>RevenueCode</c>: the UB-04 revenue code of an institutional line (X12 SV201); <c>Amount</c> is
/// what the biller charged for the line (normally <c>Quantity</c> x <c>UnitPrice</c>); <c>Benefit</c>: the policy
/// benefit it is billed against (medical-expenses unless the biller or a coordinator says otherwise, e.g. rehabilitation).
/// </summary>
public sealed record InvoiceLine(
    int Number,
    string ServiceCode,
    string CodeSystem,
    string? RevenueCode,
    string? Description,
    DateOnly ServiceDate,
    decimal Quantity,
    decimal UnitPrice,
    decimal Amount,
    IReadOnlyList<int> DiagnosisPointers,
    string Benefit);

public static class CodeSystems
{
    public const string Cpt = "CPT";
    public const string Hcpcs = "HCPCS";
    public const string PriceList = "price-list";
}

/// <summary>
/// The biller (a clinic, or the insured for a reimbursement) as the invoice names it: <c>Code</c> is the clinic's code
/// in the tenant's network; <c>Npi</c> and <c>TaxId</c> a US provider's National Provider Identifier and EIN;
/// <c>Country</c> ISO 3166 alpha-2; <c>State</c> a US state's two letters.
/// </summary>
public sealed record Party(
    string Name,
    string? Code,
    string? Npi,
    string? TaxId,
    string? Address,
    string? City,
    string? State,
    string? PostalCode,
    string Country);

/// <summary>The patient (the insured): family name first as the case has it ("IVANOVA MARIA"); sex F, M or U.</summary>
public sealed record Patient(string FamilyName, string GivenName, DateOnly? DateOfBirth, string? Sex, string? PolicyNumber)
{
    public string FullName => string.IsNullOrEmpty(GivenName) ? FamilyName : $"{FamilyName} {GivenName}";
}

/// <summary>
/// What adjudication decided about an invoice. <c>Status</c>: adjudicated (every line decided) or returned (sent back to
/// the biller for correction, see <c>ReturnReason</c>: nothing is decided or paid, and a corrected invoice may follow).
/// Amounts are in the invoice's currency; <c>PolicyCurrency</c>, <c>Rate</c> (policy currency units per invoice
/// currency unit) and <c>RateDate</c> say how they were converted to count against the cover
/// (<c>ApprovedInPolicyCurrency</c>). <c>Revision</c> increases with every adjudication of the invoice (an override
/// makes a new one).
/// </summary>
public sealed record Adjudication(
    Guid InvoiceId,
    int Revision,
    string Status,
    string? ReturnReason,
    decimal Billed,
    decimal Approved,
    decimal PatientResponsibility,
    decimal Rejected,
    string PolicyCurrency,
    decimal Rate,
    DateOnly? RateDate,
    decimal ApprovedInPolicyCurrency,
    IReadOnlyList<LineDecision> Lines,
    DateTimeOffset AdjudicatedAt,
    string AdjudicatedBy);

public static class AdjudicationStatuses
{
    public const string Adjudicated = "adjudicated";
    public const string Returned = "returned";
}

/// <summary>
/// The decision on one line. <c>Outcome</c>: approved (paid as billed), reduced (paid in part), rejected (nothing
/// paid). <c>Allowed</c>: what the line may cost (min of billed and tariff, times units); <c>Paid</c>: what the payer
/// pays; <c>PatientPays</c>: the deductible and co-payment taken on this line. Billed = Paid + the sum of the
/// adjustments. <c>Override</c>: a person's decision that replaced the rules' one, with their reason.
/// </summary>
public sealed record LineDecision(
    int Line,
    string Outcome,
    decimal Billed,
    decimal Allowed,
    decimal Paid,
    decimal PatientPays,
    IReadOnlyList<Adjustment> Adjustments,
    LineOverride? Override);

public static class LineOutcomes
{
    public const string Approved = "approved";
    public const string Reduced = "reduced";
    public const string Rejected = "rejected";
}

/// <summary>
/// An adjustment in X12 terms: <c>Group</c> is the claim adjustment group (CO contractual obligation, PR patient
/// responsibility, OA other, PI payer initiated) and <c>Reason</c> the CARC code (45 charge exceeds the fee schedule,
/// 18 duplicate, 27 expenses after coverage ended, 26 before coverage began, 96 non-covered, 119 benefit maximum
/// reached, 1 deductible, 3 co-payment); <c>Amount</c> in the invoice's currency.
/// </summary>
public sealed record Adjustment(string Group, string Reason, decimal Amount);

public sealed record LineOverride(string Outcome, decimal Paid, string Reason, string By, DateTimeOffset At);

/// <summary>
/// An order to pay what adjudication approved: to the clinic, or to the insured (a reimbursement) on the account they
/// gave. <c>Status</c>: pending, sent, paid or failed; <c>Reference</c>: the payment's trace number (X12 TRN02),
/// unique per tenant; <c>Method</c>: ACH (a transfer) or CHK.
/// </summary>
public sealed record PaymentOrder(
    Guid Id,
    Guid InvoiceId,
    string PayeeKind,
    string PayeeName,
    string? PayeeAccount,
    decimal Amount,
    string Currency,
    string Status,
    string Reference,
    string Method,
    DateTimeOffset CreatedAt,
    DateOnly? PaidOn);

public static class PaymentStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Paid = "paid";
    public const string Failed = "failed";
}

/// <summary>One claim of a remittance (an 835, a statement): the invoice and the decision its payment comes from.</summary>
public sealed record RemittanceClaim(Invoice Invoice, Adjudication Adjudication);

/// <summary>The payer's side of an 835 or a statement: the assistance company (or the insurer) paying the claim.</summary>
public sealed record Payer(string Name, string Identifier, string? Address, string? City, string? State, string? PostalCode, string Country);
