using System.Reflection;
using System.Text.RegularExpressions;
using Platform.Console.Session;
using Platform.Console.Texts;

namespace Platform.Console.Tests;

/// <summary>Every text of the console in both languages: Russian in Russian, English in English.</summary>
public sealed partial class The_console_texts
{
    /// <summary>Latin words a Russian screen may show: codes, names of settings, and examples of what to type.</summary>
    private static readonly HashSet<string> LatinInRussian =
    [
        "SMS", "API", "UTC", "IANA", "ID", "PDF", "GOP", "MEDIF", "ROMIF", "IATA", "ICD", "OMS", "CSV", "XLSX", "E",
        "acme", "Auth", "Oidc", "Jwt", "SigningKey", "Console", "DevSignIn", "English",
        // Keys to press and examples of what to type (time zones, ISO codes).
        "Enter", "Ctrl", "Esc", "Tab", "ISO", "Europe", "Moscow",
    ];

    /// <summary>English texts that name a Russian term on purpose: OMS staff search the SMO's Russian knowledge base
    /// and use the law's abbreviations whatever the screen's language.</summary>
    private static readonly HashSet<string> RussianTermsInEnglish = ["T.OmsEnp", "T.OmsExpertiseShort", "T.OmsKnowledgeHelp"];

    /// <summary>Texts that are the same in both languages by nature.</summary>
    private static readonly HashSet<string> Neutral = ["SMS", "API", "English", "Русский"];

    /// <summary>The texts of T and of its screens' nested classes (T.Case, T.Oms, ...), as "Class.Property".</summary>
    public static TheoryData<string> Properties() =>
        [.. new[] { typeof(T) }.Concat(typeof(T).GetNestedTypes(BindingFlags.Public))
            .SelectMany(type => type.GetProperties(BindingFlags.Public | BindingFlags.Static)
                .Where(p => p.PropertyType == typeof(string) && !(type == typeof(T) && p.Name == nameof(T.Language)))
                .Select(p => $"{type.Name}.{p.Name}"))];

    [Theory]
    [MemberData(nameof(Properties))]
    public void Each_text_is_written_in_both_languages(string property)
    {
        var (typeName, name) = (property[..property.IndexOf('.')], property[(property.IndexOf('.') + 1)..]);
        var type = typeName == nameof(T) ? typeof(T) : typeof(T).GetNestedType(typeName)!;
        var text = type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)!;
        AssertBoth(property, () => (string)text.GetValue(null)!);
    }

    [Fact]
    public void Names_of_roles_levels_channels_and_decisions_are_translated()
    {
        foreach (var role in Staff.ConsoleRoles) AssertBoth($"RoleName({role})", () => T.RoleName(role));
        foreach (var level in new[] { "emergency", "urgent", "planned", "telemedicine" }) AssertBoth($"TriageName({level})", () => T.TriageName(level));
        foreach (var channel in new[] { "phone", "emergency-line", "clinic-line", "chat", "email", "messenger" }) AssertBoth($"ChannelName({channel})", () => T.ChannelName(channel));
        foreach (var status in new[] { "covered", "not-covered", "needs-review" }) AssertBoth($"CoverageName({status})", () => T.CoverageName(status));
    }

    private static void AssertBoth(string name, Func<string> text)
    {
        string english, russian;
        using (new CultureScope("en")) english = text();
        using (new CultureScope("ru")) russian = text();

        Assert.False(string.IsNullOrWhiteSpace(english), $"{name}: no English text.");
        if (!RussianTermsInEnglish.Contains(name))
            Assert.False(Cyrillic().IsMatch(english), $"{name}: the English text has Cyrillic letters: {english}");
        if (Neutral.Contains(russian)) return;
        Assert.True(Cyrillic().IsMatch(russian), $"{name}: the Russian text is not in Russian: {russian}");
        // Words of one or two letters are codes given as examples (US, de, I21.4).
        var latin = LatinWord().Matches(russian).Select(m => m.Value).Where(w => w.Length > 2 && !LatinInRussian.Contains(w)).ToList();
        Assert.True(latin.Count == 0, $"{name}: the Russian text has Latin words {string.Join(", ", latin)}: {russian}");
    }

    [GeneratedRegex(@"\p{IsCyrillic}")]
    private static partial Regex Cyrillic();

    [GeneratedRegex("[A-Za-z]+")]
    private static partial Regex LatinWord();
}
