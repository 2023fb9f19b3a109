namespace Platform.Contracts;

// Coverage consumption: guarantee letters (Clinic network) reserve part of a benefit's limit, adjudicated invoices
// (Billing) spend it, and Cases tells everyone when a case crosses a threshold of a limit. Amounts are in the
// currency named next to them; benefits use the codes of CoverLimit (medical-expenses, repatriation, ...).

/// <summary>
/// Clinic network issued a guarantee of payment (GOP) to a clinic for a case: the amount is reserved against the benefit.
/// <c>Number</c> (GOP-2026-000001), <c>ClinicName</c> and <c>CoPayment</c> (what the patient still pays, in the letter's
/// currency) are what the caller is told; <c>ClinicCode</c>, the period of treatment it covers (inclusive),
/// <c>Deductible</c> and <c>ExcludedServices</c> (service codes it does not guarantee) are the terms billing checks
/// invoices against. Optional and last, so messages written before they existed still read.
/// </summary>
public sealed record GuaranteeLetterIssued(
    Guid LetterId,
    string TenantId,
    Guid CaseId,
    string Benefit,
    decimal Amount,
    string Currency,
    DateTimeOffset IssuedAt,
    string? Number = null,
    string? ClinicName = null,
    decimal? CoPayment = null,
    string? ClinicCode = null,
    DateOnly? PeriodFrom = null,
    DateOnly? PeriodTo = null,
    decimal? Deductible = null,
    IReadOnlyList<string>? ExcludedServices = null);

/// <summary>A guarantee letter's amount changed; <c>NewAmount</c> replaces the amount issued (it is not a difference).</summary>
public sealed record GuaranteeLetterAmended(
    Guid LetterId,
    string TenantId,
    Guid CaseId,
    string Benefit,
    decimal NewAmount,
    string Currency,
    DateTimeOffset AmendedAt);

/// <summary>A guarantee letter was withdrawn: what it still reserved is released.</summary>
public sealed record GuaranteeLetterRevoked(
    Guid LetterId,
    string TenantId,
    Guid CaseId,
    DateTimeOffset RevokedAt);

/// <summary>
/// Billing adjudicated an invoice (or the insured's receipt): <c>ApprovedAmount</c> is spent against the benefit. When
/// it was billed under a guarantee letter, that letter's reservation is released by the same amount. A later
/// adjudication of the same invoice (an appeal, a correction) replaces the earlier one.
/// </summary>
public sealed record InvoiceAdjudicated(
    Guid InvoiceId,
    string TenantId,
    Guid CaseId,
    string Benefit,
    decimal ApprovedAmount,
    string Currency,
    Guid? GuaranteeLetterId,
    DateTimeOffset AdjudicatedAt);

/// <summary>
/// A case's use of a benefit (reserved + spent) reached <c>ThresholdPercent</c> of its limit for the first time.
/// Published once per case, benefit and threshold.
/// </summary>
public sealed record CoverageThresholdReached(
    string TenantId,
    Guid CaseId,
    string CaseNumber,
    string Benefit,
    int ThresholdPercent,
    decimal Reserved,
    decimal Spent,
    decimal Limit,
    string Currency,
    DateTimeOffset ReachedAt);

/// <summary>
/// Cases' account of a case's cover: published when a case opens with policy terms and whenever its coverage ledger
/// changes, so that another service (the clinic network, issuing guarantee letters within the remaining cover) keeps
/// its own view without reading Cases' database. A whole picture, not a difference: a consumer keeps the one with the
/// highest <c>Version</c> (increasing per case; messages may arrive out of order) and drops older ones. <c>Location</c>:
/// where the case is (country and city, no address), for finding clinics near it; <c>Policy</c>: the policy's terms
/// (period, deductible, limits, risks), for adjudicating invoices. Both optional and last, so messages written before
/// they existed still read.
/// </summary>
public sealed record CaseCoverageChanged(
    string TenantId,
    Guid CaseId,
    string CaseNumber,
    InsuredIdentity Insured,
    IReadOnlyList<BenefitCover> Benefits,
    long Version,
    DateTimeOffset ChangedAt,
    AppealLocation? Location = null,
    PolicyTerms? Policy = null);

/// <summary>
/// One benefit of a case's cover: its limit (null when the policy sets none for it) and currency, what guarantee
/// letters reserve and invoices spent, as Cases counts them (amounts in other currencies are not counted).
/// </summary>
public sealed record BenefitCover(string Benefit, decimal? Limit, string Currency, decimal Reserved, decimal Spent);

/// <summary>
/// The clinic accepted or refused a guarantee letter (through its signed link, or staff recording its answer).
/// <c>Decision</c>: accepted or refused; <c>Reason</c>: the clinic's, when it refused.
/// </summary>
public sealed record GuaranteeLetterAcknowledged(
    Guid LetterId,
    string TenantId,
    Guid CaseId,
    string LetterNumber,
    string ClinicCode,
    string Decision,
    string? Reason,
    DateTimeOffset AcknowledgedAt);

/// <summary>
/// A clinic's price list changed (a register load or an edit): every version of every price it has, a whole picture,
/// not a difference. <c>ChangedAt</c> orders the pictures of one clinic; a consumer keeps the latest. Billing checks
/// invoices against the price valid on each line's date of service.
/// </summary>
public sealed record ClinicPriceListChanged(
    string TenantId,
    string ClinicCode,
    string ClinicName,
    string Country,
    IReadOnlyList<ClinicPrice> Prices,
    DateTimeOffset ChangedAt);

/// <summary>One version of a price: valid from <c>ValidFrom</c> to <c>ValidTo</c> inclusive (open-ended when null).</summary>
public sealed record ClinicPrice(string ServiceCode, decimal Price, string Currency, DateOnly ValidFrom, DateOnly? ValidTo);
