namespace Platform.Contracts;

// Coverage consumption: guarantee letters (Clinic network) reserve part of a benefit's limit, adjudicated invoices
// (Billing) spend it, and Cases tells everyone when a case crosses a threshold of a limit. Amounts are in the
// currency named next to them; benefits use the codes of CoverLimit (medical-expenses, repatriation, ...).

/// <summary>Clinic network issued a guarantee of payment (GOP) to a clinic for a case: the amount is reserved against the benefit.</summary>
public sealed record GuaranteeLetterIssued(
    Guid LetterId,
    string TenantId,
    Guid CaseId,
    string Benefit,
    decimal Amount,
    string Currency,
    DateTimeOffset IssuedAt);

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
