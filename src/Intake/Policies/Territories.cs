using System.Collections.Frozen;

namespace Platform.Intake.Policies;

/// <summary>
/// A policy's territory is a list of ISO 3166-1 alpha-2 country codes and region codes. The regions are the ones
/// travel insurers sell; a plan that covers something else lists its countries.
/// <list type="table">
/// <item><term>WORLD</term><description>every country</description></item>
/// <item><term>WORLD-EXCL-US-CA</term><description>every country except the United States (US) and Canada (CA)</description></item>
/// <item><term>EUROPE</term><description>the countries wholly or mostly in Europe (see <see cref="Europe"/>); Russia, Turkey,
/// Kazakhstan and the Caucasus states are not included: list them next to EUROPE when a plan covers them</description></item>
/// <item><term>SCHENGEN</term><description>the 29 Schengen states (Bulgaria and Romania since 2025) and the three
/// microstates reached only through them (Monaco, San Marino, the Vatican)</description></item>
/// </list>
/// </summary>
public static class Territories
{
    public const string World = "WORLD";
    public const string WorldExceptUsCanada = "WORLD-EXCL-US-CA";
    public const string EuropeCode = "EUROPE";
    public const string SchengenCode = "SCHENGEN";

    /// <summary>ISO 3166-1 alpha-2, all 249 officially assigned codes.</summary>
    public static FrozenSet<string> Countries => IsoCodes.Countries;

    /// <summary>EU 27, EFTA (IS LI NO CH), GB, AD MC SM VA, the Western Balkans, MD UA BY, and the European
    /// dependencies (GI FO IM JE GG AX SJ).</summary>
    public static readonly FrozenSet<string> Europe = Codes("""
        AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE
        IS LI NO CH GB AD MC SM VA AL BA ME MK RS MD UA BY GI FO IM JE GG AX SJ
        """);

    public static readonly FrozenSet<string> Schengen = Codes("""
        AT BE BG HR CZ DK EE FI FR DE GR HU IS IT LV LI LT LU MT NL NO PL PT RO SK SI ES SE CH
        MC SM VA
        """);

    public static readonly string[] Regions = [World, WorldExceptUsCanada, EuropeCode, SchengenCode];

    /// <summary>Whether <paramref name="code"/> (upper case) is a country or a region code.</summary>
    public static bool IsKnown(string code) => Countries.Contains(code) || Regions.Contains(code);

    /// <summary>Whether a territory (country and region codes, upper case) includes <paramref name="country"/>.</summary>
    public static bool Covers(IEnumerable<string> territory, string country)
    {
        country = country.Trim().ToUpperInvariant();
        return territory.Any(entry => entry switch
        {
            World => true,
            WorldExceptUsCanada => country is not ("US" or "CA"),
            EuropeCode => Europe.Contains(country),
            SchengenCode => Schengen.Contains(country),
            _ => entry == country,
        });
    }

    private static FrozenSet<string> Codes(string list) =>
        list.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);
}
