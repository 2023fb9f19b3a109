namespace Platform.SmsSimulator;

/// <summary>
/// How many SMS a text takes, as networks count (3GPP TS 23.038 and 23.040): a text of the GSM 7-bit default alphabet
/// takes 160 septets in one SMS and 153 per part when split (the characters of the extension table, such as € [ ] { },
/// take two septets, and one is never split between parts); any other character (Cyrillic, emoji) makes the whole text
/// UCS-2: 70 UTF-16 units in one SMS, 67 per part, a surrogate pair never split.
/// </summary>
public static class Segments
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "\f^{}\\[~]|€";

    private static readonly HashSet<char> BasicSet = [.. Basic];
    private static readonly HashSet<char> ExtensionSet = [.. Extension];

    /// <summary>Whether the whole text can be sent in the GSM 7-bit alphabet.</summary>
    public static bool IsGsm7(string text) => text.All(c => BasicSet.Contains(c) || ExtensionSet.Contains(c));

    /// <summary>The number of SMS parts <paramref name="text"/> takes (0 for an empty text).</summary>
    public static int Count(string text)
    {
        if (text.Length == 0) return 0;
        if (IsGsm7(text))
        {
            var septets = text.Sum(c => ExtensionSet.Contains(c) ? 2 : 1);
            if (septets <= 160) return 1;
            return Parts(text.Select(c => ExtensionSet.Contains(c) ? 2 : 1), 153);
        }
        if (text.Length <= 70) return 1;
        // A surrogate pair is one character of two units: it goes whole into one part.
        var units = new List<int>();
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { units.Add(2); i++; }
            else units.Add(1);
        }
        return Parts(units, 67);
    }

    private static int Parts(IEnumerable<int> widths, int perPart)
    {
        var (parts, used) = (1, 0);
        foreach (var w in widths)
        {
            if (used + w > perPart) (parts, used) = (parts + 1, 0);
            used += w;
        }
        return parts;
    }
}
