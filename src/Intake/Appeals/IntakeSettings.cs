using Microsoft.Extensions.Caching.Memory;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Intake.Appeals;

/// <summary>
/// What each insurer tunes about intake: red-flag symptoms and how soon each triage level is called back.
/// <paramref name="RedFlagConcepts"/> are red flags with their synonyms per language; <paramref name="RedFlags"/> are
/// phrases of the insurer's own, each a red flag by itself. Settings sent without <paramref name="RedFlagConcepts"/>
/// (the shape before concepts) are a complete list of phrases, read by <see cref="RedFlagCatalogue.FromPhrases"/>.
/// </summary>
public sealed partial record IntakeSettings(
    IReadOnlyList<string>? RedFlags,
    IReadOnlyList<RedFlagConcept>? RedFlagConcepts,
    IReadOnlyDictionary<string, int> CallbackMinutes)
{
    /// <summary>Sensible defaults: minutes for an emergency, hours for a planned case. The built-in red flags in Russian and English.</summary>
    public static readonly IntakeSettings Default = new(
        [],
        RedFlagCatalogue.BuiltIn,
        new Dictionary<string, int>
        {
            [TriageLevels.Emergency] = 15,
            [TriageLevels.Urgent] = 60,
            [TriageLevels.Telemedicine] = 4 * 60,
            [TriageLevels.Planned] = 24 * 60,
        });

    public const int MaxConcepts = 100;
    /// <summary>Phrases per language of a concept.</summary>
    public const int MaxPhrases = 100;
    /// <summary>The insurer's own phrases (before concepts, the only list: kept generous).</summary>
    public const int MaxOwnPhrases = 500;

    /// <summary>These settings with their red flags as concepts and own phrases, whichever shape they were given in.</summary>
    public IntakeSettings Resolved()
    {
        if (RedFlagConcepts is not null) return RedFlags is null ? this with { RedFlags = [] } : this;
        var (concepts, own) = RedFlagCatalogue.FromPhrases(RedFlags ?? []);
        return this with { RedFlags = own, RedFlagConcepts = concepts };
    }

    public TimeSpan CallbackWithin(string level) =>
        TimeSpan.FromMinutes(CallbackMinutes.TryGetValue(level, out var m) ? m : Default.CallbackMinutes[level]);

    public ValidationErrors Validate()
    {
        var e = new ValidationErrors();
        if (RedFlagConcepts is null ? e.Required("redFlags", RedFlags) : RedFlags is not null)
        {
            if (RedFlags!.Count > MaxOwnPhrases) e.Add("redFlags", $"At most {MaxOwnPhrases} phrases.");
            for (var i = 0; i < RedFlags.Count; i++)
                if (RedFlagText.Problem(RedFlags[i]) is { } problem) e.Add($"redFlags[{i}]", problem);
        }
        if (RedFlagConcepts is not null)
        {
            if (RedFlagConcepts.Count > MaxConcepts) e.Add("redFlagConcepts", $"At most {MaxConcepts} concepts.");
            var codes = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < RedFlagConcepts.Count; i++)
            {
                var field = $"redFlagConcepts[{i}]";
                var concept = RedFlagConcepts[i];
                if (!e.Required(field, concept)) continue;
                if (e.Required($"{field}.code", concept.Code)
                    && e.MaxLength($"{field}.code", concept.Code, 50)
                    && e.Matches($"{field}.code", concept.Code, ConceptCode(), "lower-case letters and digits in words joined by hyphens (as 'chest-pain')")
                    && !codes.Add(concept.Code))
                    e.Add($"{field}.code", $"'{concept.Code}' is already the code of another concept.");
                e.MaxLength($"{field}.name", concept.Name, 100);
                if (!e.Required($"{field}.phrases", concept.Phrases)) continue;
                if (concept.Phrases.Values.Sum(p => p?.Count ?? 0) == 0)
                    e.Add($"{field}.phrases", "A concept needs at least one phrase.");
                foreach (var (language, phrases) in concept.Phrases)
                {
                    var at = $"{field}.phrases.{language}";
                    if (!e.OneOf(at, language, RedFlagConcept.Languages) || !e.Required(at, phrases)) continue;
                    if (phrases.Count > MaxPhrases) e.Add(at, $"At most {MaxPhrases} phrases.");
                    for (var j = 0; j < phrases.Count; j++)
                        if (RedFlagText.Problem(phrases[j]) is { } problem) e.Add($"{at}[{j}]", problem);
                }
            }
        }
        if (e.Required("callbackMinutes", CallbackMinutes))
        {
            foreach (var (level, minutes) in CallbackMinutes)
            {
                if (!TriageLevels.All.Contains(level)) e.Add($"callbackMinutes.{level}", $"'{level}' is not one of: {string.Join(", ", TriageLevels.All)}.");
                else if (minutes is < 1 or > 7 * 24 * 60) e.Add($"callbackMinutes.{level}", "Minutes must be between 1 and 10080 (a week).");
            }
        }
        return e;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial System.Text.RegularExpressions.Regex ConceptCode();
}

/// <summary>
/// The tenants' intake settings. Every appeal reads them, so each replica keeps a tenant's settings for
/// <see cref="CacheFor"/>: a change applies at once on the replica that saved it and within that time on the others.
/// </summary>
public sealed class IntakeSettingsStore(NpgsqlDataSource dataSource, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private static (string, string) CacheKey(string tenantId) => ("intake-settings", tenantId);

    /// <summary>The settings appeals are registered with: from this replica's cache, at most <see cref="CacheFor"/> old.</summary>
    public async Task<IntakeSettings> GetCachedAsync(string tenantId, CancellationToken ct) =>
        (await cache.GetOrCreateAsync(CacheKey(tenantId), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            return GetAsync(tenantId, ct);
        }))!;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The tenant's settings, red flags <see cref="IntakeSettings.Resolved"/> (rows saved before concepts are read as their phrases name them).</summary>
    public async Task<IntakeSettings> GetAsync(string tenantId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT red_flags, callback_minutes::text, red_flag_concepts::text FROM intake_settings WHERE tenant_id = @tenant");
        cmd.Parameters.AddWithValue("tenant", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return IntakeSettings.Default;
        var minutes = JsonSerializer.Deserialize<Dictionary<string, int>>(r.GetString(1))!;
        // Levels the insurer did not set keep their defaults.
        foreach (var (level, value) in IntakeSettings.Default.CallbackMinutes) minutes.TryAdd(level, value);
        var concepts = r.IsDBNull(2) ? null : JsonSerializer.Deserialize<RedFlagConcept[]>(r.GetString(2), Json);
        return new IntakeSettings(r.GetFieldValue<string[]>(0), concepts, minutes).Resolved();
    }

    /// <summary>
    /// Saves settings as they were sent: without concepts (the shape before them) <c>red_flag_concepts</c> stays NULL and
    /// the phrases are read into concepts when loaded, so such an insurer gets the built-in concepts as they grow.
    /// </summary>
    public async Task SaveAsync(string tenantId, IntakeSettings settings, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO intake_settings (tenant_id, red_flags, red_flag_concepts, callback_minutes, updated_at)
            VALUES (@tenant, @flags, @concepts, @minutes, now())
            ON CONFLICT (tenant_id) DO UPDATE SET red_flags = excluded.red_flags, red_flag_concepts = excluded.red_flag_concepts,
                callback_minutes = excluded.callback_minutes, updated_at = excluded.updated_at
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("flags", (settings.RedFlags ?? []).Select(f => f.Trim()).Distinct().ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("concepts", NpgsqlDbType.Jsonb)
        {
            Value = settings.RedFlagConcepts is null ? DBNull.Value : JsonSerializer.Serialize(settings.RedFlagConcepts.Select(c => c with
            {
                Code = c.Code.Trim(),
                Name = string.IsNullOrWhiteSpace(c.Name) ? null : c.Name.Trim(),
                Phrases = c.Phrases.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.Select(x => x.Trim()).Distinct().ToArray()),
            }), Json),
        });
        cmd.Parameters.AddWithValue("minutes", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(settings.CallbackMinutes));
        await cmd.ExecuteNonQueryAsync(ct);
        cache.Remove(CacheKey(tenantId));
    }
}

public static class IntakeSettingsApi
{
    public static RouteGroupBuilder MapIntakeSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/settings").RequireAccess(Access.ConfigureInsurer).WithTags("Settings");
        group.MapGet("/", async (RequestIdentity identity, IntakeSettingsStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.GetAsync(identity.TenantId, ct)))
            .WithSummary("The insurer's triage red flags and callback times per triage level")
            .WithDescription("`redFlagConcepts`: red flags with their phrases per language (`ru`, `en`); `redFlags`: phrases of the insurer's own, each a red flag by itself.");
        group.MapPut("/", PutAsync).WithSummary("Replaces the insurer's triage red flags and callback times")
            .WithDescription("""
                Send `redFlagConcepts` (each a `code`, an optional `name` for triage reasons, and `phrases` per language, `ru` and `en`)
                and optionally `redFlags`, phrases of your own. Without `redFlagConcepts`, `redFlags` is the complete list of
                red-flag phrases: a phrase of a built-in concept (as "боль в груди" or "chest pain") brings in that concept with
                all its synonyms, any other phrase stays your own. A phrase matches other forms of its words, in order, with up
                to two other words between them; a word ending in `*` matches every word beginning with it.
                """);
        return group;
    }

    private static async Task<Results<Ok<IntakeSettings>, ValidationProblem>> PutAsync(
        IntakeSettings settings, RequestIdentity identity, IntakeSettingsStore store, CancellationToken ct)
    {
        var errors = settings.Validate();
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());
        await store.SaveAsync(identity.TenantId, settings, ct);
        return TypedResults.Ok(await store.GetAsync(identity.TenantId, ct));
    }
}
