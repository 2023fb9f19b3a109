using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Lucene.Net.Tartarus.Snowball;
using Lucene.Net.Tartarus.Snowball.Ext;

namespace Platform.Intake.Appeals;

/// <summary>
/// A red flag with its synonyms: what it is (<paramref name="Code"/>, <paramref name="Name"/>, the name triage reasons
/// give) and the phrases that mean it, per language ("ru", "en").
/// </summary>
public sealed record RedFlagConcept(string Code, string? Name, IReadOnlyDictionary<string, IReadOnlyList<string>> Phrases)
{
    public static readonly string[] Languages = ["ru", "en"];

    /// <summary>The name triage reasons give: <see cref="Name"/>, else the code with spaces for hyphens.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Code.Replace('-', ' ') : Name.Trim();
}

/// <summary>
/// The red flags every insurer starts with: what a relative or a doctor types in a chat or says on the phone, in
/// Russian and English. Each phrase matches its words' other forms (<see cref="RedFlagText"/>); a word ending in
/// <c>*</c> matches every word that begins with it.
/// </summary>
public static class RedFlagCatalogue
{
    private static RedFlagConcept Concept(string code, string name, string[] ru, string[] en) =>
        new(code, name, new Dictionary<string, IReadOnlyList<string>> { ["ru"] = ru, ["en"] = en });

    public static readonly IReadOnlyList<RedFlagConcept> BuiltIn =
    [
        Concept("chest-pain", "chest pain",
            ["боль в груди", "грудь болит", "давит в груди", "давит грудь", "давящая боль в груди", "жжёт в груди",
             "жжение в груди", "печёт в груди", "сдавливает грудь", "сдавило грудь", "сжимает грудь", "тяжесть в груди",
             "боль за грудиной", "давит за грудиной", "жжёт за грудиной", "сжимает за грудиной"],
            ["chest pain", "pain in the chest", "chest pressure", "pressure in the chest", "tight chest", "chest tightness",
             "tightness in the chest", "chest hurts", "crushing chest"]),
        Concept("heart-attack", "heart attack",
            ["инфаркт", "сердечный приступ", "остановка сердца"],
            ["heart attack", "cardiac arrest"]),
        Concept("unconsciousness", "unconsciousness",
            ["потерял сознание", "теряет сознание", "без сознания", "не приходит в себя", "упал в обморок", "обморок",
             "не реагирует"],
            ["unconscious", "passed out", "fainted", "lost consciousness", "unresponsive", "collapsed"]),
        Concept("breathing", "breathing difficulty",
            ["не может дышать", "не дышит", "задыхается", "задыхаюсь", "тяжело дышать", "трудно дышать", "нечем дышать",
             "удушье", "сильная одышка", "синеют губы"],
            ["can't breathe", "cannot breathe", "can not breathe", "couldn't breathe", "unable to breathe",
             "not breathing", "stopped breathing", "shortness of breath", "short of breath", "struggling to breathe",
             "difficulty breathing", "trouble breathing", "gasping for air", "choking"]),
        Concept("stroke", "stroke",
            ["инсульт", "онемела половина лица", "онемела половина тела", "перекосило лицо", "лицо перекосило",
             "не может говорить", "невнятная речь", "отнялась рука", "отнялась нога"],
            ["stroke", "face drooping", "drooping face", "face droop", "slurred speech", "slurring words",
             "one side of the face", "arm weakness"]),
        Concept("seizure", "seizure",
            ["судороги", "судорожный приступ", "приступ эпилепсии", "эпилептический приступ", "эпилептический припадок",
             "припадок"],
            ["seizure", "convulsions", "convulsing", "epileptic fit"]),
        Concept("severe-bleeding", "severe bleeding",
            ["кровотечение", "кровь не останавливается", "не останавливается кровь", "хлещет кровь", "истекает кровью",
             "много крови"],
            ["severe bleeding", "heavy bleeding", "bleeding heavily", "bleeding badly", "won't stop bleeding",
             "bleeding won't stop", "bleeding a lot", "lots of blood"]),
        Concept("anaphylaxis", "anaphylaxis",
            ["анафилак*", "отёк горла", "отекло горло", "горло отекло", "опухло горло", "горло опухло", "отёк Квинке",
             "распух язык", "отёк языка"],
            ["anaphylaxis", "anaphyla*", "throat swelling", "swollen throat", "throat is closing", "throat closing",
             "swollen tongue", "tongue swelling"]),
    ];

    /// <summary>
    /// Reads red flags given as a plain list of phrases (the settings' shape before concepts): a phrase with the words
    /// of a built-in concept's phrase (the defaults of that time among them) brings in the whole concept, with every
    /// synonym in both languages; any other phrase stays the insurer's own.
    /// </summary>
    public static (IReadOnlyList<RedFlagConcept> Concepts, IReadOnlyList<string> OwnPhrases) FromPhrases(IEnumerable<string> phrases)
    {
        var concepts = new List<RedFlagConcept>();
        var own = new List<string>();
        foreach (var phrase in phrases)
        {
            if (ByKey.TryGetValue(RedFlagText.Key(phrase), out var concept))
            {
                if (!concepts.Contains(concept)) concepts.Add(concept);
            }
            else if (!own.Contains(phrase)) own.Add(phrase);
        }
        // In the catalogue's order, as the defaults are.
        return (BuiltIn.Where(concepts.Contains).ToArray(), own);
    }

    private static readonly Dictionary<string, RedFlagConcept> ByKey = BuiltIn
        .SelectMany(c => c.Phrases.Values.SelectMany(p => p).Select(p => (Key: RedFlagText.Key(p), Concept: c)))
        .DistinctBy(p => p.Key)
        .ToDictionary(p => p.Key, p => p.Concept);
}

/// <summary>
/// How red-flag phrases and descriptions are read: lower case, "ё" as "е", apostrophes dropped ("can't" as "cant"), each
/// word reduced to its stem by the Snowball stemmer of its script (Cyrillic: Russian, Latin: English), so "давит в
/// груди" and "сильно давило в груди", "chest pain" and "chest pains" have the same stems.
/// Prepositions, articles, conjunctions and possessives are skipped; negations are not.
/// </summary>
public static partial class RedFlagText
{
    /// <summary>Skipped in phrases and descriptions alike: "боль в груди" matches "боль сильная в груди", "pain in the chest" matches "pain in his chest".</summary>
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal)
    {
        "в", "во", "на", "за", "у", "к", "ко", "с", "со", "о", "об", "от", "до", "по", "под", "над", "из", "при", "и", "а", "же",
        "a", "an", "the", "in", "on", "at", "of", "to", "for", "from", "with", "and", "or",
        "my", "his", "her", "their", "our", "your", "its", "is", "are", "was", "were", "has", "have", "had", "been", "be",
    };

    /// <summary>Words that deny what follows; never skipped over between a phrase's words ("грудь не болит" is not "грудь болит").</summary>
    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal)
    {
        "не", "ни", "нет", "без", "not", "no", "never", "without", "cant", "cannot", "dont", "doesnt", "didnt", "isnt",
        "wasnt", "wont", "couldnt",
    };

    /// <summary>
    /// A phrase's word: its stem and the word itself, or, for a word ending in <c>*</c>, the beginning any word may have.
    /// The stemmer sometimes takes a base form's end for an ending ("перелом" as "перел", while "переломы" is
    /// "перелом"), so a text's word matches when its stem is the phrase word's stem or the word itself, or when the
    /// text's word is the phrase word's stem.
    /// </summary>
    public readonly record struct Term(string Value, string Word, bool IsPrefix);

    /// <summary>A description's words, as matched: stems, the words themselves (for prefixes) and whether each denies.</summary>
    public sealed class Text(string[] words, string[] stems, bool[] negations)
    {
        public int Length => words.Length;
        public bool Matches(int i, Term term) => term.IsPrefix
            ? words[i].StartsWith(term.Value, StringComparison.Ordinal)
            : stems[i] == term.Value || stems[i] == term.Word || words[i] == term.Value;
        public bool IsNegation(int i) => negations[i];
    }

    [ThreadStatic] private static RussianStemmer? _russian;
    [ThreadStatic] private static EnglishStemmer? _english;

    public static Text Read(string description)
    {
        var words = Words(description, allowPrefix: false).Select(w => w.Word).ToArray();
        return new Text(words, words.Select(Stem).ToArray(), words.Select(Negations.Contains).ToArray());
    }

    /// <summary>The terms a phrase's words must match, in order; empty when it has only skipped words.</summary>
    public static Term[] Terms(string phrase) =>
        Words(phrase, allowPrefix: true).Select(w => w.IsPrefix ? new Term(w.Word, w.Word, true) : new Term(Stem(w.Word), w.Word, false)).ToArray();

    /// <summary>Two phrases with the same key match the same texts.</summary>
    public static string Key(string phrase) => string.Join(' ', Terms(phrase).Select(t => t.Value));

    /// <summary>The shortest beginning a <c>*</c> word may have: shorter ones would match too many words.</summary>
    public const int MinPrefix = 4;

    /// <summary>Why a phrase cannot be a red flag, or null when it can.</summary>
    public static string? Problem(string? phrase)
    {
        if (string.IsNullOrWhiteSpace(phrase) || phrase.Length > 100) return "A red flag is a word or phrase of 1 to 100 characters.";
        var folded = Fold(phrase);
        for (var i = folded.IndexOf('*'); i >= 0; i = folded.IndexOf('*', i + 1))
        {
            var letters = 0;
            while (letters < i && char.IsLetterOrDigit(folded[i - 1 - letters])) letters++;
            if (letters < MinPrefix || i + 1 < folded.Length && char.IsLetterOrDigit(folded[i + 1]))
                return $"A '*' ends a word of at least {MinPrefix} letters, as in 'анафилак*'.";
        }
        return Terms(phrase).Length == 0 ? "A red flag needs a word other than a preposition, article or conjunction." : null;
    }

    private static IEnumerable<(string Word, bool IsPrefix)> Words(string text, bool allowPrefix)
    {
        foreach (Match m in (allowPrefix ? PhraseWord() : TextWord()).Matches(Fold(text)))
        {
            var word = m.Groups[1].Value;
            if (Skipped.Contains(word)) continue;
            yield return (word, m.Groups[2].Success);
        }
    }

    private static string Fold(string text) =>
        text.ToLowerInvariant().Replace('ё', 'е').Replace("'", "").Replace("’", "").Replace("ʼ", "");

    private static string Stem(string word)
    {
        SnowballProgram? stemmer = null;
        foreach (var c in word)
        {
            if (c is >= 'а' and <= 'я') { stemmer = _russian ??= new RussianStemmer(); break; }
            if (c is >= 'a' and <= 'z') { stemmer = _english ??= new EnglishStemmer(); break; }
        }
        if (stemmer is null) return word;
        stemmer.SetCurrent(word);
        stemmer.Stem();
        return stemmer.Current;
    }

    [GeneratedRegex(@"([\p{L}\p{N}]+)")]
    private static partial Regex TextWord();

    [GeneratedRegex(@"([\p{L}\p{N}]+)(\*)?")]
    private static partial Regex PhraseWord();
}

/// <summary>
/// An insurer's red flags, read once per settings instance (the settings cache's lifetime), not per appeal.
/// A phrase matches when its words' stems occur in the description in the phrase's order, with at most
/// <see cref="MaxGap"/> other words between two of them and no negation among those.
/// </summary>
public sealed class RedFlagMatcher
{
    /// <summary>Other words allowed between two of a phrase's words: "боль сильная в груди", "pain in his left chest".</summary>
    public const int MaxGap = 2;

    private sealed record Pattern(string Name, string Phrase, RedFlagText.Term[] Terms, bool Own);

    private static readonly ConditionalWeakTable<IntakeSettings, RedFlagMatcher> Compiled = new();

    private readonly Pattern[] _patterns;

    private RedFlagMatcher(IntakeSettings settings)
    {
        var resolved = settings.Resolved();
        _patterns =
        [
            .. resolved.RedFlagConcepts!.SelectMany(c => RedFlagConcept.Languages.Concat(c.Phrases.Keys.Except(RedFlagConcept.Languages))
                .SelectMany(l => c.Phrases.TryGetValue(l, out var ps) ? ps : [])
                .Select(p => new Pattern(c.DisplayName, p.Trim(), RedFlagText.Terms(p), false))),
            .. (resolved.RedFlags ?? []).Select(p => new Pattern(p.Trim(), p.Trim(), RedFlagText.Terms(p), true)),
        ];
    }

    public static RedFlagMatcher For(IntakeSettings settings) => Compiled.GetValue(settings, s => new RedFlagMatcher(s));

    /// <summary>The first red flag the description mentions, as a triage reason: <c>red flag: chest pain ("давит в груди")</c>.</summary>
    public string? FirstMention(string description)
    {
        var text = RedFlagText.Read(description);
        foreach (var p in _patterns)
            if (p.Terms.Length > 0 && Mentions(text, p.Terms))
                return p.Own ? $"red flag: \"{p.Phrase}\"" : $"red flag: {p.Name} (\"{p.Phrase}\")";
        return null;
    }

    private static bool Mentions(RedFlagText.Text text, RedFlagText.Term[] terms)
    {
        for (var start = 0; start < text.Length; start++)
            if (text.Matches(start, terms[0]) && Rest(text, terms, 1, start)) return true;
        return false;
    }

    private static bool Rest(RedFlagText.Text text, RedFlagText.Term[] terms, int next, int after)
    {
        if (next == terms.Length) return true;
        for (var i = after + 1; i < text.Length && i <= after + 1 + MaxGap; i++)
        {
            if (text.Matches(i, terms[next]) && Rest(text, terms, next + 1, i)) return true;
            if (text.IsNegation(i)) return false;
        }
        return false;
    }
}
