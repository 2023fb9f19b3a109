using System.Globalization;

namespace Platform.OmsRepresentatives.Staffing;

/// <summary>
/// Insured persons per representative of each tier. Unless the SMO sets its own, the seed's figures: one tier-1
/// representative per 41,000 insured, one tier-2 per 35,000, one tier-3 (doctor-expert) per 142,000.
/// </summary>
public sealed record StaffingNorms(int Tier1, int Tier2, int Tier3)
{
    public static readonly StaffingNorms Default = new(41_000, 35_000, 142_000);

    /// <summary>The bounds a norm must lie in: below them a representative would have almost nobody, above them the whole region.</summary>
    public const int Min = 1_000, Max = 1_000_000;

    public int Of(int tier) => tier switch
    {
        1 => Tier1,
        2 => Tier2,
        3 => Tier3,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Tiers are 1 to 3."),
    };
}

/// <summary>
/// One tier's staffing: its norm (insured per representative), the representatives needed for the register (rounded
/// up), the full-time equivalents of the active roster, the gap (needed less on roster: above zero a shortfall, below
/// zero more than the norm asks) and the sentence that tells the supervisor so in Russian.
/// </summary>
public sealed record TierStaffing(int Tier, int Norm, long Needed, decimal OnRoster, decimal Gap, string Message);

/// <summary>The SMO's staffing: how many insured its register holds and, per tier, the staff it needs against the staff it has.</summary>
public sealed record StaffingView(long Insured, IReadOnlyList<TierStaffing> Tiers, DateTimeOffset? NormsUpdatedAt);

/// <summary>The staffing arithmetic and its Russian sentences, apart from the database so that it reads (and is checked) on its own.</summary>
public static class StaffingFigures
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>Needed is the register divided by the norm, rounded up: a part of a representative's load still needs a person.</summary>
    public static long Needed(long insured, int norm) => insured <= 0 ? 0 : (insured + norm - 1) / norm;

    public static TierStaffing Tier(int tier, long insured, int norm, decimal onRoster)
    {
        var needed = Needed(insured, norm);
        var gap = needed - onRoster;
        return new TierStaffing(tier, norm, needed, onRoster, gap, Message(tier, insured, norm, needed, onRoster, gap));
    }

    /// <summary>
    /// E.g. «Страховые представители 1-го уровня: на 1 250 000 застрахованных по норме (1 на 41 000) требуется 31,
    /// в штате 28,5 ставки — не хватает 2,5 ставки.»
    /// </summary>
    public static string Message(int tier, long insured, int norm, long needed, decimal onRoster, decimal gap)
    {
        var head = $"Страховые представители {tier}-го уровня: на {Number(insured)} {Plural(insured, "застрахованного", "застрахованных", "застрахованных")} " +
                   $"по норме (1 на {Number(norm)}) требуется {Number(needed)}, в штате {Rates(onRoster)}";
        return gap switch
        {
            > 0 => $"{head} — не хватает {RatesGenitive(gap)}.",
            < 0 => $"{head} — сверх нормы {Rates(-gap)}.",
            _ when needed == 0 => $"{head}: представители этого уровня по норме не требуются.",
            _ => $"{head} — штат укомплектован по норме.",
        };
    }

    private static string Number(long value) => value.ToString("N0", Russian);

    private static string Fte(decimal value) => value.ToString("0.##", Russian);

    /// <summary>«1 ставка», «2 ставки», «5 ставок», «2,5 ставки» (a fraction takes the genitive singular).</summary>
    private static string Rates(decimal value) => $"{Fte(value)} {RateWord(value, "ставка", "ставки", "ставок")}";

    /// <summary>After «не хватает»: «1 ставки», «2 ставок», «2,5 ставки».</summary>
    private static string RatesGenitive(decimal value) => $"{Fte(value)} {RateWord(value, "ставки", "ставок", "ставок")}";

    private static string RateWord(decimal value, string one, string few, string many) =>
        value != decimal.Truncate(value) ? "ставки" : Plural((long)value, one, few, many);

    /// <summary>The Russian plural form for a count: 1, 21 → one; 2-4, 22-24 → few; 0, 5-20, 25-30 → many.</summary>
    public static string Plural(long count, string one, string few, string many)
    {
        var n = Math.Abs(count) % 100;
        if (n is >= 11 and <= 14) return many;
        return (n % 10) switch
        {
            1 => one,
            >= 2 and <= 4 => few,
            _ => many,
        };
    }
}
