namespace Platform.Cases.Coverage;

/// <summary>Section <c>Coverage</c>.</summary>
public sealed class CoverageOptions
{
    /// <summary>Percentages of a limit whose first crossing warns the coordinator, the contact and the insurer; 80 and 100 when unset.</summary>
    public int[]? Thresholds { get; set; }

    /// <summary>How soon the coordinator must act on a coverage warning.</summary>
    public TimeSpan WarningTaskDueIn { get; set; } = TimeSpan.FromHours(1);

    public IReadOnlyList<int> EffectiveThresholds =>
        (Thresholds is { Length: > 0 } list ? list : [80, 100]).Where(t => t > 0).Distinct().Order().ToArray();
}

public static class CoverageEntryKinds
{
    public const string LetterIssued = "letter-issued";
    public const string LetterAmended = "letter-amended";
    public const string LetterRevoked = "letter-revoked";
    public const string InvoiceAdjudicated = "invoice-adjudicated";
}

/// <summary>A fact reported by another service, as kept: a letter issued, amended or revoked, or an invoice adjudicated.</summary>
public sealed record CoverageEntry(
    long Id, string Kind, Guid SourceId, Guid? LetterId, string? Benefit, decimal? Amount, string? Currency, DateTimeOffset At);

/// <summary>Amounts in a currency other than the limit's: shown, not counted, since nothing converts them yet.</summary>
public sealed record UnconvertedAmount(string Currency, decimal Reserved, decimal Spent);

/// <summary>
/// One benefit of the case: its limit and how much of it guarantee letters reserve and invoices spent. <c>Used</c> is
/// reserved + spent; <c>Limit</c>, <c>Remaining</c> and <c>Percent</c> are null when the policy terms have no limit for it.
/// </summary>
public sealed record BenefitCoverage(
    string Benefit,
    decimal? Limit,
    string Currency,
    decimal Reserved,
    decimal Spent,
    decimal Used,
    decimal? Remaining,
    decimal? Percent,
    IReadOnlyList<int> ThresholdsReached,
    IReadOnlyList<UnconvertedAmount> Unconverted);

public sealed record CaseCoverage(Guid CaseId, string CaseNumber, IReadOnlyList<BenefitCoverage> Benefits);
