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
    public static readonly FrozenSet<string> Countries = Codes("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
        FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
        JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
        MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
        PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM
        TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """);

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
