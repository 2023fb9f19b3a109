using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Intake.Appeals;

namespace Platform.Intake.Tests;

/// <summary>The built-in red flags against what relatives and doctors really type in a chat, in Russian and English.</summary>
public sealed class Red_flags
{
    private static TriageDecision Chat(string description) => Triage.Assess("chat", null, description, IntakeSettings.Default);

    [Theory]
    [InlineData("давит в груди", "chest pain")]
    [InlineData("сильно давит за грудиной", "chest pain")]
    [InlineData("У отца давящая боль в груди уже час", "chest pain")]
    [InlineData("боль сильная в груди", "chest pain")]
    [InlineData("Отца госпитализировали с болью в груди", "chest pain")]
    [InlineData("жжёт в груди, отдаёт в левую руку", "chest pain")]
    [InlineData("Муж жалуется, что сдавило грудь", "chest pain")]
    [InlineData("у мамы грудь болит и немеет рука", "chest pain")]
    [InlineData("мама потеряла сознание", "unconsciousness")]
    [InlineData("папа упал и не приходит в себя", "unconsciousness")]
    [InlineData("Мама без сознания", "unconsciousness")]
    [InlineData("Мама в обмороке", "unconsciousness")]
    [InlineData("задыхается", "breathing difficulty")]
    [InlineData("ребёнок не может дышать", "breathing difficulty")]
    [InlineData("у папы перекосило лицо", "stroke")]
    [InlineData("у дедушки онемела половина лица", "stroke")]
    [InlineData("подозрение на инсульт", "stroke")]
    [InlineData("у сына начались судороги", "seizure")]
    [InlineData("после укуса осы отекло горло", "anaphylaxis")]
    [InlineData("отёк Квинке у ребёнка", "anaphylaxis")]
    [InlineData("анафилактический шок после антибиотика", "anaphylaxis")]
    [InlineData("кровь не останавливается после пореза", "severe bleeding")]
    [InlineData("у папы инфаркт, скорая едет", "heart attack")]
    [InlineData("my father has chest pains", "chest pain")]
    [InlineData("My mother is complaining of pressure in her chest", "chest pain")]
    [InlineData("Dad says his chest feels tight", "chest pain")]
    [InlineData("she passed out", "unconsciousness")]
    [InlineData("my wife fainted in the hotel lobby", "unconsciousness")]
    [InlineData("she lost consciousness for a minute", "unconsciousness")]
    [InlineData("He is unconscious", "unconsciousness")]
    [InlineData("he can't breathe", "breathing difficulty")]
    [InlineData("he cant breathe properly", "breathing difficulty")]
    [InlineData("shortness of breath since the morning", "breathing difficulty")]
    [InlineData("her face is drooping on one side and her speech is slurred", "stroke")]
    [InlineData("I think he is having a stroke", "stroke")]
    [InlineData("he had a seizure at the beach", "seizure")]
    [InlineData("my son's throat is swelling after eating peanuts", "anaphylaxis")]
    [InlineData("the cut is bleeding heavily", "severe bleeding")]
    [InlineData("suspected heart attack", "heart attack")]
    public void Real_phrasings_are_emergencies_naming_the_red_flag(string description, string concept)
    {
        var decision = Chat(description);

        Assert.Equal(TriageLevels.Emergency, decision.Level);
        Assert.Matches($"^red flag: {concept} \\(\".+\"\\)$", decision.Reasons[^1]);
    }

    [Theory]
    [InlineData("болит горло")]
    [InlineData("сломал руку, гипс наложили")]
    [InlineData("Грудь не болит, болит нога")]
    [InlineData("ударился головой, сознание не терял")]
    [InlineData("потерял паспорт и банковскую карту")]
    [InlineData("давление 140 на 90, просит выписать таблетки")]
    [InlineData("температура 38, болит голова")]
    [InlineData("ребёнок кашляет третий день")]
    [InlineData("Нужна справка для страховой о посещении врача")]
    [InlineData("lost my luggage")]
    [InlineData("chest x-ray was fine, discharged home")]
    [InlineData("Pain in the knee after skiing")]
    [InlineData("sore throat and a runny nose")]
    [InlineData("he twisted his ankle on the stairs")]
    [InlineData("can't find the clinic address")]
    [InlineData("she is breathing normally now")]
    public void Everyday_complaints_are_not_raised(string description)
    {
        var decision = Chat(description);

        Assert.Equal(TriageLevels.Planned, decision.Level);
        Assert.DoesNotContain(decision.Reasons, r => r.StartsWith("red flag", StringComparison.Ordinal));
    }

    [Fact]
    public void The_reason_names_the_concept_and_the_phrase_that_matched()
    {
        Assert.Equal("red flag: chest pain (\"давит в груди\")", Chat("У мамы давит в груди с утра").Reasons[^1]);
        Assert.Equal("red flag: breathing difficulty (\"can't breathe\")", Chat("My father says he can’t breathe").Reasons[^1]);
    }

    [Theory]
    [InlineData("нет боли в груди")]
    [InlineData("no chest pain, only a headache")]
    public void A_negation_before_the_phrase_still_raises_it_over_triage_being_the_safe_side(string description) =>
        Assert.Equal(TriageLevels.Emergency, Chat(description).Level);

    [Theory]
    [InlineData("боль в груди", "боль очень сильная в груди", true)]
    [InlineData("боль в груди", "боль в ноге, руке, спине и груди", false)]
    [InlineData("грудь болит", "грудь не болит", false)]
    [InlineData("chest pain", "pain in the chest", false)]
    [InlineData("pain in the chest", "pain in his left chest", true)]
    [InlineData("перелом", "переломы рёбер", true)]
    [InlineData("перелом", "с переломом ноги", true)]
    [InlineData("переломы", "перелом ноги", true)]
    [InlineData("перелом*", "Открытый переломище", true)]
    [InlineData("перелом*", "Выперелом", false)]
    public void Phrases_match_their_words_in_order_with_at_most_two_words_between(string phrase, string description, bool matches)
    {
        var settings = new IntakeSettings([phrase], [], IntakeSettings.Default.CallbackMinutes);

        Assert.Equal(matches, Triage.Assess("chat", null, description, settings).Level == TriageLevels.Emergency);
    }

    [Fact]
    public void The_red_flag_list_of_old_names_the_built_in_concepts_and_keeps_the_rest_as_own_phrases()
    {
        string[] oldDefaults =
        [
            "chest pain", "heart attack", "unconscious", "not breathing", "stroke", "seizure", "severe bleeding", "anaphylaxis",
            "боль в груди", "инфаркт", "без сознания", "не дышит", "инсульт", "судорог", "кровотечение", "анафилак",
        ];

        var (concepts, own) = RedFlagCatalogue.FromPhrases([.. oldDefaults, "fracture"]);

        Assert.Equal(RedFlagCatalogue.BuiltIn.Select(c => c.Code), concepts.Select(c => c.Code));
        Assert.Equal(["fracture"], own);
        // Each old default alone brings in exactly one concept.
        Assert.All(oldDefaults, p => Assert.Single(RedFlagCatalogue.FromPhrases([p]).Concepts));
    }

    [Fact]
    public void Phrases_are_read_once_per_settings_not_per_appeal()
    {
        var settings = IntakeSettings.Default with { };

        Assert.Same(RedFlagMatcher.For(settings), RedFlagMatcher.For(settings));
        Assert.NotSame(RedFlagMatcher.For(settings), RedFlagMatcher.For(settings with { }));
    }

    [Fact]
    public void Appeals_triaged_at_once_on_many_threads_get_the_answers_of_one_thread()
    {
        string[] descriptions = ["давит в груди", "сломал руку", "задыхается", "lost my luggage", "she passed out", "болит горло"];
        var expected = descriptions.Select(d => Chat(d).Level).ToArray();

        var results = new string[2000];
        Parallel.For(0, results.Length, i => results[i] = Chat(descriptions[i % descriptions.Length]).Level);

        for (var i = 0; i < results.Length; i++) Assert.Equal(expected[i % descriptions.Length], results[i]);
    }
}

/// <summary>Red flags an insurer tunes through <c>PUT /settings</c>: concepts with synonyms, or a plain list of phrases as before.</summary>
public sealed class Red_flag_settings(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    private static object Appeal(string description) => new
    {
        channel = "email",
        caller = new { name = "Ivan", relation = "insured", email = "ivan@example.org" },
        insured = new { policyNumber = "TRV-9", fullName = "Ivan Petrov" },
        location = new { country = "ES" },
        description,
    };

    private static async Task<JsonElement> TriageOf(HttpClient insurer, string description) =>
        await (await insurer.PostAsJsonAsync("/appeals", Appeal(description))).BodyAsync();

    private static readonly Dictionary<string, int> Minutes = new() { ["emergency"] = 10 };

    [Fact]
    public async Task Concepts_with_phrases_per_language_replace_the_red_flags()
    {
        var insurer = intake.ClientFor("flags-concepts");
        var put = await insurer.PutAsJsonAsync("/settings", new
        {
            redFlagConcepts = new[]
            {
                new { code = "open-fracture", name = "open fracture", phrases = new Dictionary<string, string[]> { ["ru"] = ["открытый перелом"], ["en"] = ["open fracture", "bone sticking out"] } },
            },
            callbackMinutes = Minutes,
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = await put.BodyAsync();
        Assert.Empty(saved.GetProperty("redFlags").EnumerateArray());
        var concept = Assert.Single(saved.GetProperty("redFlagConcepts").EnumerateArray());
        Assert.Equal("open-fracture", concept.GetProperty("code").GetString());
        Assert.Equal(["open fracture", "bone sticking out"], concept.GetProperty("phrases").GetProperty("en").EnumerateArray().Select(p => p.GetString()));

        var fracture = await TriageOf(insurer, "У сына открытые переломы ноги");
        Assert.Equal("emergency", fracture.GetProperty("triage").GetString());
        Assert.Contains(fracture.GetProperty("triageReasons").EnumerateArray(), r => r.GetString() == "red flag: open fracture (\"открытый перелом\")");
        Assert.Equal("emergency", (await TriageOf(insurer, "the bone is sticking out of his leg")).GetProperty("triage").GetString());
        // The insurer left chest pain out: it is theirs to tune.
        Assert.Equal("planned", (await TriageOf(insurer, "давит в груди")).GetProperty("triage").GetString());

        var got = await insurer.GetFromJsonAsync<JsonElement>("/settings");
        Assert.Equal("open fracture", Assert.Single(got.GetProperty("redFlagConcepts").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_plain_list_of_phrases_as_before_still_works_and_brings_in_the_concepts_it_names()
    {
        var insurer = intake.ClientFor("flags-old-shape");
        var put = await insurer.PutAsJsonAsync("/settings", new { redFlags = new[] { "боль в груди", "fracture" }, callbackMinutes = Minutes });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var got = await insurer.GetFromJsonAsync<JsonElement>("/settings");
        Assert.Equal(["fracture"], got.GetProperty("redFlags").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("chest-pain", Assert.Single(got.GetProperty("redFlagConcepts").EnumerateArray()).GetProperty("code").GetString());

        // "боль в груди" named the chest-pain concept, whose synonyms now flag too.
        var pressing = await TriageOf(insurer, "давит в груди");
        Assert.Equal("emergency", pressing.GetProperty("triage").GetString());
        Assert.Contains(pressing.GetProperty("triageReasons").EnumerateArray(), r => r.GetString() == "red flag: chest pain (\"давит в груди\")");
        var fracture = await TriageOf(insurer, "Fractured wrist after a fall");
        Assert.Contains(fracture.GetProperty("triageReasons").EnumerateArray(), r => r.GetString() == "red flag: \"fracture\"");
        // Seizures were not in the list.
        Assert.Equal("planned", (await TriageOf(insurer, "he had a seizure")).GetProperty("triage").GetString());
    }

    [Fact]
    public async Task Own_phrases_go_with_concepts()
    {
        var insurer = intake.ClientFor("flags-both");
        var put = await insurer.PutAsJsonAsync("/settings", new
        {
            redFlags = new[] { "укус змеи" },
            redFlagConcepts = new[] { new { code = "stroke", phrases = new Dictionary<string, string[]> { ["ru"] = ["инсульт"] } } },
            callbackMinutes = Minutes,
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        Assert.Contains((await TriageOf(insurer, "подозрение на инсульт")).GetProperty("triageReasons").EnumerateArray(),
            r => r.GetString() == "red flag: stroke (\"инсульт\")");
        Assert.Equal("emergency", (await TriageOf(insurer, "на пляже укус змеи")).GetProperty("triage").GetString());
    }

    [Fact]
    public async Task A_row_saved_before_concepts_is_read_as_the_concepts_its_phrases_name()
    {
        var dataSource = intake.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var cmd = dataSource.CreateCommand("""
            INSERT INTO intake_settings (tenant_id, red_flags, callback_minutes, updated_at)
            VALUES ('flags-legacy-row', '{"chest pain","судорог","укус змеи"}', '{"emergency": 15}', now())
            """))
            await cmd.ExecuteNonQueryAsync();

        var got = await intake.ClientFor("flags-legacy-row").GetFromJsonAsync<JsonElement>("/settings");

        Assert.Equal(["chest-pain", "seizure"], got.GetProperty("redFlagConcepts").EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        Assert.Equal(["укус змеи"], got.GetProperty("redFlags").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("emergency", (await TriageOf(intake.ClientFor("flags-legacy-row"), "у отца сильно давит за грудиной")).GetProperty("triage").GetString());
    }

    [Fact]
    public async Task Without_settings_an_insurer_has_the_built_in_concepts()
    {
        var got = await intake.ClientFor("flags-defaults").GetFromJsonAsync<JsonElement>("/settings");

        Assert.Equal(RedFlagCatalogue.BuiltIn.Select(c => c.Code), got.GetProperty("redFlagConcepts").EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        Assert.Contains("давит в груди", got.GetProperty("redFlagConcepts")[0].GetProperty("phrases").GetProperty("ru").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Bad_concepts_are_refused_naming_each_field()
    {
        var put = await intake.ClientFor("flags-bad").PutAsJsonAsync("/settings", new
        {
            redFlags = new[] { "в", "ан*" },
            redFlagConcepts = new object[]
            {
                new { code = "Chest Pain", phrases = new Dictionary<string, string[]> { ["ru"] = ["боль в груди"] } },
                new { code = "stroke", name = new string('x', 101), phrases = new Dictionary<string, string[]> { ["de"] = ["Schlaganfall"], ["ru"] = [""] } },
                new { code = "stroke", phrases = new Dictionary<string, string[]>() },
                new { code = "seizure" },
            },
            callbackMinutes = Minutes,
        });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var problem = await put.BodyAsync();
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        var errors = problem.GetProperty("errors");
        string[] fields =
        [
            "redFlags[0]", "redFlags[1]", "redFlagConcepts[0].code", "redFlagConcepts[1].name", "redFlagConcepts[1].phrases.de",
            "redFlagConcepts[1].phrases.ru[0]", "redFlagConcepts[2].code", "redFlagConcepts[2].phrases", "redFlagConcepts[3].phrases",
        ];
        Assert.Equal(fields.Order(), errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("already the code", errors.GetProperty("redFlagConcepts[2].code")[0].GetString());
        // Nothing was saved.
        var got = await intake.ClientFor("flags-bad").GetFromJsonAsync<JsonElement>("/settings");
        Assert.Equal(RedFlagCatalogue.BuiltIn.Count, got.GetProperty("redFlagConcepts").GetArrayLength());
    }

    [Fact]
    public async Task Too_many_phrases_are_refused_naming_the_list()
    {
        var put = await intake.ClientFor("flags-many").PutAsJsonAsync("/settings", new
        {
            redFlags = Enumerable.Range(0, IntakeSettings.MaxOwnPhrases + 1).Select(i => $"symptom {i}").ToArray(),
            redFlagConcepts = new[]
            {
                new { code = "many", phrases = new Dictionary<string, string[]> { ["en"] = Enumerable.Range(0, IntakeSettings.MaxPhrases + 1).Select(i => $"sign {i}").ToArray() } },
            },
            callbackMinutes = Minutes,
        });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var errors = (await put.BodyAsync()).GetProperty("errors");
        Assert.Equal(["redFlagConcepts[0].phrases.en", "redFlags"], errors.EnumerateObject().Select(e => e.Name).Order());
    }

    [Fact]
    public async Task Neither_red_flags_nor_concepts_is_refused()
    {
        var put = await intake.ClientFor("flags-none").PutAsJsonAsync("/settings", new { callbackMinutes = Minutes });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.True((await put.BodyAsync()).GetProperty("errors").TryGetProperty("redFlags", out _));
    }

    [Fact]
    public async Task A_null_concept_is_refused_naming_it()
    {
        var put = await intake.ClientFor("flags-null").PutAsync("/settings",
            new StringContent("""{"redFlagConcepts":[null],"callbackMinutes":{"emergency":5}}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.True((await put.BodyAsync()).GetProperty("errors").TryGetProperty("redFlagConcepts[0]", out _));
    }
}
