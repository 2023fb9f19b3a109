using Platform.Contracts;

namespace Platform.Cases.Coverage;

/// <summary>
/// Folds the reported facts into figures per benefit. The rules:
/// <list type="bullet">
/// <item>A letter reserves its latest amount (issue or amendment, by their time) until it is revoked.</item>
/// <item>An invoice spends its latest approved amount (a re-adjudication replaces the earlier one).</item>
/// <item>An invoice billed under a letter releases that letter's reservation by the amount approved, down to zero:
///   the money moves from reserved to spent, so used = reserved + spent counts it once. An invoice above its letter
///   releases the whole letter and the excess is spent as well; a revoked letter reserves nothing, but invoices already
///   approved under it stay spent.</item>
/// <item>Amounts in a currency other than the limit's are not converted (no rates yet): they are reported apart, not counted.</item>
/// </list>
/// Folding everything on each change, rather than keeping running totals, makes the order events arrive in irrelevant.
/// </summary>
public static class CoverageCalculation
{
    public static IReadOnlyList<BenefitCoverage> Compute(IReadOnlyList<CoverLimit> limits, IReadOnlyList<CoverageEntry> entries,
        IReadOnlyCollection<(string Benefit, int Threshold)> reached)
    {
        var revoked = entries.Where(e => e.Kind == CoverageEntryKinds.LetterRevoked).Select(e => e.SourceId).ToHashSet();
        var letters = Latest(entries.Where(e => e.Kind is CoverageEntryKinds.LetterIssued or CoverageEntryKinds.LetterAmended));
        var invoices = Latest(entries.Where(e => e.Kind == CoverageEntryKinds.InvoiceAdjudicated));

        var amounts = new List<(string Benefit, string Currency, decimal Reserved, decimal Spent)>();
        foreach (var letter in letters)
        {
            if (revoked.Contains(letter.SourceId)) continue;
            var invoiced = invoices.Where(i => i.LetterId == letter.SourceId && SameCurrency(i.Currency, letter.Currency)).Sum(i => i.Amount ?? 0);
            amounts.Add((Key(letter.Benefit), Currency(letter.Currency), Math.Max(0, (letter.Amount ?? 0) - invoiced), 0));
        }
        amounts.AddRange(invoices.Select(i => (Key(i.Benefit), Currency(i.Currency), 0m, i.Amount ?? 0)));

        var benefits = limits.Select(l => Key(l.Benefit)).Concat(amounts.Select(a => a.Benefit)).Distinct().ToArray();
        return benefits.Select(benefit =>
        {
            var limit = limits.FirstOrDefault(l => Key(l.Benefit) == benefit);
            var mine = amounts.Where(a => a.Benefit == benefit).ToArray();
            var currency = limit is not null ? Currency(limit.Currency) : mine.Select(a => a.Currency).FirstOrDefault() ?? "";
            var counted = mine.Where(a => a.Currency == currency).ToArray();
            var reserved = counted.Sum(a => a.Reserved);
            var spent = counted.Sum(a => a.Spent);
            var used = reserved + spent;
            var unconverted = mine.Where(a => a.Currency != currency).GroupBy(a => a.Currency)
                .Select(g => new UnconvertedAmount(g.Key, g.Sum(a => a.Reserved), g.Sum(a => a.Spent))).ToArray();
            var hasLimit = limit is { Amount: > 0 };
            return new BenefitCoverage(benefit, limit?.Amount, currency, reserved, spent, used,
                limit is null ? null : limit.Amount - used,
                hasLimit ? Math.Round(used * 100 / limit!.Amount, 1) : null,
                reached.Where(r => r.Benefit == benefit).Select(r => r.Threshold).Order().ToArray(),
                unconverted);
        }).ToArray();
    }

    /// <summary>Whether <paramref name="coverage"/> has reached <paramref name="threshold"/> percent of its limit (exactly, no rounding).</summary>
    public static bool Reached(BenefitCoverage coverage, int threshold) =>
        coverage.Limit is > 0 && coverage.Used * 100 >= threshold * coverage.Limit.Value;

    public static string Key(string? benefit) => (benefit ?? "").Trim().ToLowerInvariant();

    private static string Currency(string? currency) => (currency ?? "").Trim().ToUpperInvariant();

    private static bool SameCurrency(string? a, string? b) => Currency(a) == Currency(b);

    /// <summary>The latest fact per letter or invoice; at equal times the one recorded last.</summary>
    private static CoverageEntry[] Latest(IEnumerable<CoverageEntry> entries) =>
        entries.GroupBy(e => e.SourceId).Select(g => g.OrderBy(e => e.At).ThenBy(e => e.Id).Last()).ToArray();
}
