using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Intake.Policies;

/// <summary>A policy of an insurer's register, as loaded and as read back (the JSON shape is the same both ways).</summary>
public sealed record Policy(
    string PolicyNumber,
    string Plan,
    PolicyPeriod Period,
    IReadOnlyList<string> Territory,
    IReadOnlyList<InsuredPerson> Insured,
    IReadOnlyList<BenefitLimit> Limits,
    Money? Deductible,
    IReadOnlyList<string> CoveredRisks,
    IReadOnlyList<string> ExcludedRisks,
    string? AssistancePartner)
{
    public PolicySummary ToSummary() => new(PolicyNumber, Plan, Period, Territory, Limits, Deductible, CoveredRisks,
        ExcludedRisks, AssistancePartner);
}

/// <summary>Both dates inclusive.</summary>
public sealed record PolicyPeriod(DateOnly Start, DateOnly End);

public sealed record InsuredPerson(string FullName, DateOnly DateOfBirth, string? Document);

public sealed record BenefitLimit(string Benefit, decimal Amount, string Currency);

public sealed record Money(decimal Amount, string Currency);

/// <summary>What a caller may be told about a policy's cover: the policy without its insured persons.</summary>
public sealed record PolicySummary(
    string PolicyNumber,
    string Plan,
    PolicyPeriod Period,
    IReadOnlyList<string> Territory,
    IReadOnlyList<BenefitLimit> Limits,
    Money? Deductible,
    IReadOnlyList<string> CoveredRisks,
    IReadOnlyList<string> ExcludedRisks,
    string? AssistancePartner);

/// <summary>A policy in a search result.</summary>
public sealed record PolicyListItem(string PolicyNumber, string Plan, PolicyPeriod Period, IReadOnlyList<string> InsuredNames);

/// <summary>What a valid batch changed.</summary>
public sealed record PolicyBatchResult(int Created, int Updated, int Policies, int InsuredPersons);

/// <summary>
/// The rules for each field, shared by the JSON and the CSV readers. Checks return an error message, or null when the
/// value is fine; the readers decide which key (<c>policies[3].territory[1]</c>, <c>rows[12].territory</c>) it goes under.
/// </summary>
public static partial class PolicyRules
{
    public const int MaxPolicyNumber = 64;
    public const int MaxText = 200;
    public const int MaxDocument = 64;
    public const int MaxCode = 64;
    public static readonly DateOnly EarliestBirth = new(1900, 1, 1);
    private const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>Conventional benefit codes; others in the same kebab-case form are accepted too.</summary>
    public static readonly string[] KnownBenefits =
        ["medical-expenses", "repatriation", "repatriation-of-remains", "rehabilitation", "dental", "evacuation", "telemedicine"];

    /// <summary>Conventional risk codes; others in the same kebab-case form are accepted too.</summary>
    public static readonly string[] KnownRisks =
        ["illness", "accident", "pre-existing-conditions", "chronic-conditions", "pregnancy", "extreme-sports", "alcohol", "covid-19"];

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N}._/-]*$")]
    private static partial Regex PolicyNumberPattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public static string? CheckPolicyNumber(string value) =>
        value.Length > MaxPolicyNumber ? $"The policy number must be at most {MaxPolicyNumber} characters long."
        : PolicyNumberPattern().IsMatch(value) ? null
        : "The policy number may hold letters, digits and . _ / - and must start with a letter or digit.";

    public static string? CheckText(string value, int max = MaxText) =>
        value.Length > max ? $"The field must be at most {max} characters long." : null;

    public static string? CheckTerritory(string code) =>
        Territories.IsKnown(code) ? null
        : $"'{code}' is neither an ISO 3166-1 alpha-2 country code nor one of the regions {string.Join(", ", Territories.Regions)}.";

    public static string? CheckCode(string code, string what) =>
        code.Length <= MaxCode && CodePattern().IsMatch(code) ? null
        : $"'{code}' is not a {what} code: lower-case words joined by '-', such as '{(what == "risk" ? "extreme-sports" : "medical-expenses")}'.";

    public static string? CheckCurrency(string code) =>
        IsoCodes.Currencies.Contains(code) ? null : $"'{code}' is not an ISO 4217 currency code such as 'EUR' or 'USD'.";

    public static string? CheckAmount(decimal amount, bool allowZero) =>
        amount < 0 || (!allowZero && amount == 0) ? (allowZero ? "The amount must not be negative." : "The amount must be positive.")
        : amount >= MaxAmount ? "The amount is too large."
        : null;

    public static string? CheckPeriod(DateOnly start, DateOnly end) =>
        end < start ? $"The end date {end:yyyy-MM-dd} is before the start date {start:yyyy-MM-dd}." : null;

    public static string? CheckDateOfBirth(DateOnly dateOfBirth, DateOnly? periodEnd) =>
        dateOfBirth < EarliestBirth ? $"The date of birth must not be before {EarliestBirth:yyyy-MM-dd}."
        : dateOfBirth > periodEnd ? "The date of birth is after the end of the policy period."
        : null;

    /// <summary>Names are compared case-insensitively after trimming and collapsing inner whitespace.</summary>
    public static string NormalizeName(string name) => Whitespace().Replace(name.Trim(), " ");

    public static bool SameName(string a, string b) =>
        string.Equals(NormalizeName(a), NormalizeName(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>Drops trailing zeros (50000.00 becomes 50000), so equal amounts read and compare the same.</summary>
    public static decimal NormalizeAmount(decimal amount) => amount / 1.0000000000000000000000000000m;

    public static string NormalizeCode(string code) => code.Trim().ToLowerInvariant();

    public static string NormalizeUpper(string code) => code.Trim().ToUpperInvariant();

    /// <summary>Checks what concerns several fields at once: a benefit listed twice, a risk both covered and excluded.
    /// <paramref name="report"/> receives the error against the list (limits, excluded risks) and the entry's index.</summary>
    public static void CheckConsistency(IReadOnlyList<BenefitLimit> limits, IReadOnlyList<string> covered,
        IReadOnlyList<string> excluded, Action<string, int, string> report)
    {
        var benefits = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < limits.Count; i++)
            if (!benefits.Add(limits[i].Benefit))
                report("limits", i, $"The benefit '{limits[i].Benefit}' is listed twice.");
        for (var i = 0; i < excluded.Count; i++)
            if (covered.Contains(excluded[i]))
                report("excludedRisks", i, $"The risk '{excluded[i]}' is both covered and excluded.");
    }

    /// <summary>A stable text form of a list field, to compare rows of one policy in a CSV file.</summary>
    internal static string Canonical<T>(IEnumerable<T> values)
    {
        var text = new StringBuilder();
        foreach (var value in values) text.Append(value).Append('\u001f');
        return text.ToString();
    }
}
