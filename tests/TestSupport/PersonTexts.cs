using System.Text.RegularExpressions;
using Xunit;

namespace Platform.Tests;

/// <summary>
/// Checks that person-facing text is wholly in its language: every key in both, no Latin word in Russian text (but for
/// codes a person is asked for by name, such as ROMIF) and no Cyrillic letter in English text. Placeholders in braces are
/// left out.
/// </summary>
public static class PersonTexts
{
    private static readonly HashSet<string> AllowedLatin = ["ROMIF", "MEDIF", "IATA", "HIPAA", "UTC", "EUR", "USD"];

    public static void AssertComplete(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> texts)
    {
        var ru = texts["ru"];
        var en = texts["en"];
        Assert.Equal(en.Keys.Order(), ru.Keys.Order());
        foreach (var (key, text) in ru) AssertRussian(text, key);
        foreach (var (key, text) in en) AssertEnglish(text, key);
    }

    public static void AssertRussian(string text, string key)
    {
        var words = Regex.Matches(Regex.Replace(text, @"\{[a-z-]+\}", ""), "[A-Za-z]+").Select(m => m.Value)
            .Where(w => !AllowedLatin.Contains(w)).ToArray();
        Assert.True(words.Length == 0, $"Russian text '{key}' has Latin words: {string.Join(", ", words)}");
    }

    public static void AssertEnglish(string text, string key) =>
        Assert.False(Regex.IsMatch(text, @"\p{IsCyrillic}"), $"English text '{key}' has Cyrillic letters: {text}");
}
