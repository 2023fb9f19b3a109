using Microsoft.Extensions.Caching.Memory;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Intake.Appeals;

/// <summary>What each insurer tunes about intake: red-flag symptoms and how soon each triage level is called back.</summary>
public sealed record IntakeSettings(IReadOnlyList<string> RedFlags, IReadOnlyDictionary<string, int> CallbackMinutes)
{
    /// <summary>Sensible defaults: minutes for an emergency, hours for a planned case. Red flags in Russian and English.</summary>
    public static readonly IntakeSettings Default = new(
        [
            "chest pain", "heart attack", "unconscious", "not breathing", "stroke", "seizure", "severe bleeding", "anaphylaxis",
            "боль в груди", "инфаркт", "без сознания", "не дышит", "инсульт", "судорог", "кровотечение", "анафилак",
        ],
        new Dictionary<string, int>
        {
            [TriageLevels.Emergency] = 15,
            [TriageLevels.Urgent] = 60,
            [TriageLevels.Telemedicine] = 4 * 60,
            [TriageLevels.Planned] = 24 * 60,
        });

    public TimeSpan CallbackWithin(string level) =>
        TimeSpan.FromMinutes(CallbackMinutes.TryGetValue(level, out var m) ? m : Default.CallbackMinutes[level]);

    public ValidationErrors Validate()
    {
        var e = new ValidationErrors();
        if (e.Required("redFlags", RedFlags))
        {
            for (var i = 0; i < RedFlags.Count; i++)
                if (string.IsNullOrWhiteSpace(RedFlags[i]) || RedFlags[i].Length > 100)
                    e.Add($"redFlags[{i}]", "A red flag is a word or phrase of 1 to 100 characters.");
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

    public async Task<IntakeSettings> GetAsync(string tenantId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT red_flags, callback_minutes::text FROM intake_settings WHERE tenant_id = @tenant");
        cmd.Parameters.AddWithValue("tenant", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return IntakeSettings.Default;
        var minutes = JsonSerializer.Deserialize<Dictionary<string, int>>(r.GetString(1))!;
        // Levels the insurer did not set keep their defaults.
        foreach (var (level, value) in IntakeSettings.Default.CallbackMinutes) minutes.TryAdd(level, value);
        return new IntakeSettings(r.GetFieldValue<string[]>(0), minutes);
    }

    public async Task SaveAsync(string tenantId, IntakeSettings settings, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO intake_settings (tenant_id, red_flags, callback_minutes, updated_at)
            VALUES (@tenant, @flags, @minutes, now())
            ON CONFLICT (tenant_id) DO UPDATE SET red_flags = excluded.red_flags,
                callback_minutes = excluded.callback_minutes, updated_at = excluded.updated_at
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("flags", settings.RedFlags.Select(f => f.Trim()).ToArray());
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
            .WithSummary("The insurer's triage red flags and callback times per triage level");
        group.MapPut("/", PutAsync).WithSummary("Replaces the insurer's triage red flags and callback times");
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
