namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// A guarantee of payment (GOP) to a clinic for a case: what it guarantees (benefit, amount, currency, period, room
/// type) and what it does not (co-payment, deductible, excluded services), the insured and the clinic as they were at
/// issue, the clinic's answer, and the delivery of the latest e-mail that carried it.
/// </summary>
public sealed record GuaranteeLetter(
    Guid Id,
    string Number,
    Guid CaseId,
    string CaseNumber,
    LetterInsured Insured,
    LetterClinic Clinic,
    string Benefit,
    decimal Amount,
    string Currency,
    DateOnly PeriodFrom,
    DateOnly PeriodTo,
    [property: OneOf(typeof(RoomTypes), nameof(RoomTypes.All))] string RoomType,
    decimal CoPayment,
    decimal Deductible,
    IReadOnlyList<string> ExcludedServices,
    [property: OneOf(typeof(LetterStatuses), nameof(LetterStatuses.All))] string Status,
    string? RevocationReason,
    DateTimeOffset IssuedAt,
    string IssuedBy,
    DateTimeOffset? AmendedAt,
    DateTimeOffset? RevokedAt,
    LetterAcknowledgement? Acknowledgement,
    LetterDelivery? Delivery)
{
    /// <summary>The letter's language: the clinic's (ru or en).</summary>
    public required string Language { get; init; }

    internal string TenantId { get; init; } = "";
    internal string ClinicTimeZone { get; init; } = "UTC";
}

public sealed record LetterInsured(string Name, DateOnly? DateOfBirth, string? PolicyNumber);

public sealed record LetterClinic(Guid Id, string Code, string Name, string Address, string? Email);

/// <summary>The clinic's answer; <c>By</c>: <c>clinic</c> (its signed link), <c>clinic:{code}</c> (its own API key) or the staff member who recorded it.</summary>
public sealed record LetterAcknowledgement(
    [property: OneOf(typeof(AcknowledgementDecisions), nameof(AcknowledgementDecisions.All))] string Decision,
    string? Reason, DateTimeOffset At, string By);

/// <summary>The latest e-mail of the letter to its clinic: what it announced (issued, amended, revoked), and how its delivery went.</summary>
public sealed record LetterDelivery(
    string Kind, string? Address,
    [property: OneOf(typeof(DeliveryStatuses), nameof(DeliveryStatuses.All))] string Status,
    int Attempts, string? LastError, DateTimeOffset? SentAt);

/// <summary>
/// A request to guarantee payment. <c>Currency</c> must be the policy's for the benefit; <c>CoPayment</c> and
/// <c>Deductible</c> are amounts in it that the patient pays; <c>PeriodFrom</c>..<c>PeriodTo</c> inclusive, in the
/// clinic's dates.
/// </summary>
public sealed record IssueGuaranteeRequest(
    string? CaseNumber,
    string? ClinicCode,
    string? Benefit,
    decimal? Amount,
    string? Currency,
    DateOnly? PeriodFrom,
    DateOnly? PeriodTo,
    [property: OneOf(typeof(RoomTypes), nameof(RoomTypes.All))] string? RoomType,
    decimal? CoPayment,
    decimal? Deductible,
    IReadOnlyList<string>? ExcludedServices);

/// <summary>The letter's new amount (it replaces the old; up or down).</summary>
public sealed record AmendGuaranteeRequest(decimal? Amount);

public sealed record RevokeGuaranteeRequest(string? Reason);

/// <summary>The clinic's answer, recorded by staff on its behalf; a reason is required with a refusal.</summary>
public sealed record AcknowledgeGuaranteeRequest(
    [property: OneOf(typeof(AcknowledgementDecisions), nameof(AcknowledgementDecisions.All))] string? Decision,
    string? Reason);
