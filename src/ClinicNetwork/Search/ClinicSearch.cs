using System.Globalization;
using Npgsql;
using Platform.ClinicNetwork.Clinics;
using Platform.ClinicNetwork.Quality;
using Platform.ClinicNetwork.Register;

namespace Platform.ClinicNetwork.Search;

public static class Urgencies
{
    public const string Emergency = "emergency", Urgent = "urgent", Planned = "planned";

    [EnumSchema("Urgency")]
    public static readonly string[] All = [Emergency, Urgent, Planned];
}

public static class CareKinds
{
    [EnumSchema("Care")]
    public static readonly string[] All = ["inpatient", "outpatient"];
}

/// <summary>A checked search: a point, a radius and the need.</summary>
public sealed record SearchQuery(double Latitude, double Longitude, double RadiusKm, int Limit, string? Specialty, string? Urgency,
    string? Language, string? Care, bool DirectBilling)
{
    /// <summary>Emergency and urgent needs go to a clinic that is open now or admits around the clock.</summary>
    public bool MustBeOpen => Urgency is Urgencies.Emergency or Urgencies.Urgent;
}

/// <summary>A clinic found: its distance from the point, its quality score, what it was ranked by and why it matches.</summary>
public sealed record ClinicMatch(Clinic Clinic, double DistanceKm, int QualityScore, double Rank, bool OpenNow, IReadOnlyList<string> Matches);

/// <summary>Where the search was made from: the point given, or the centroid of the tenant's clinics in a city.</summary>
public sealed record SearchOrigin(double Latitude, double Longitude, string Source);

public sealed record SearchResult(SearchOrigin Origin, double RadiusKm, IReadOnlyList<ClinicMatch> Results);

/// <summary>
/// Finds the right clinics for a need: the nearest that qualify by PostGIS KNN (<c>ORDER BY location &lt;-&gt; point</c>
/// on the GiST index, so the index hands clinics over nearest first and the scan stops once enough qualify), then
/// ranked by distance and quality: rank = (distanceKm + 1) × (1.5 − score/100), lower first. The nearest
/// <see cref="Candidates"/> qualifying clinics are ranked, so quality reorders clinics at comparable distances and never
/// brings a far clinic ahead of many near ones.
/// </summary>
public sealed class ClinicSearch(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const double MaxRadiusKm = 1000, DefaultRadiusKm = 50;
    public const int MaxLimit = 100, DefaultLimit = 10;

    /// <summary>How many of the nearest qualifying clinics are ranked for <paramref name="limit"/> results.</summary>
    public static int Candidates(int limit) => Math.Clamp(limit * 4, 50, 400);

    public static double Rank(double distanceKm, int score) => (distanceKm + 1) * (1.5 - score / 100.0);

    /// <summary>Whether the clinic is open at the local time, as the SQL below decides: opening hours in the clinic's zone,
    /// hours that close at or before they open run past midnight.</summary>
    internal const string OpenNowSql = """
        EXISTS (SELECT 1 FROM jsonb_to_recordset(c.opening_hours) AS h(day int, opens time, closes time)
                WHERE (h.day = extract(isodow FROM (@now AT TIME ZONE c.time_zone))
                       AND h.opens <= (@now AT TIME ZONE c.time_zone)::time
                       AND (h.closes > (@now AT TIME ZONE c.time_zone)::time OR h.closes <= h.opens))
                   OR (h.day = (extract(isodow FROM (@now AT TIME ZONE c.time_zone))::int + 5) % 7 + 1
                       AND h.closes <= h.opens AND (@now AT TIME ZONE c.time_zone)::time < h.closes))
        """;

    private const string Point = "ST_SetSRID(ST_MakePoint(@longitude, @latitude), 4326)::geography";

    /// <summary>The candidate query: the same text for the service and the benchmark (which runs it with index scans off).</summary>
    public const string CandidatesSql = $"""
        SELECT {ClinicStore.Columns}, ST_Distance(c.location, {Point}) AS meters, {OpenNowSql} AS open_now
        FROM clinics c
        WHERE c.tenant_id = @tenant
          AND c.status = 'active'
          AND (c.contract_from IS NULL OR c.contract_from <= (@now AT TIME ZONE c.time_zone)::date)
          AND (c.contract_to IS NULL OR c.contract_to >= (@now AT TIME ZONE c.time_zone)::date)
          AND ST_DWithin(c.location, {Point}, @radius)
          AND (@specialty::text IS NULL OR @specialty = ANY (c.specialties))
          AND (@language::text IS NULL OR @language = ANY (c.languages))
          AND (NOT @inpatient OR c.inpatient)
          AND (NOT @outpatient OR c.outpatient)
          AND (NOT @billing OR (c.direct_billing AND (cardinality(c.direct_billing_insurers) = 0 OR @tenant = ANY (c.direct_billing_insurers))))
          AND (NOT @open OR c.admits_24_7 OR {OpenNowSql})
        ORDER BY c.location <-> {Point}
        LIMIT @candidates
        """;

    public async Task<SearchResult> SearchAsync(string tenantId, SearchQuery query, SearchOrigin origin, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return new SearchResult(origin, query.RadiusKm, await SearchAsync(connection, tenantId, query, clock.GetUtcNow(), ct));
    }

    /// <summary>The search on a given connection (the benchmark's, whose planner settings differ).</summary>
    public static async Task<IReadOnlyList<ClinicMatch>> SearchAsync(NpgsqlConnection connection, string tenantId, SearchQuery query,
        DateTimeOffset now, CancellationToken ct)
    {
        var found = new List<(Clinic Clinic, double Km, bool Open)>();
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            // Filters on hours, contract dates and lists defeat the planner's row estimates, and it then prefers a bitmap
            // scan of every clinic within the radius followed by a sort (185 ms for a 500 km search of 100,000 clinics).
            // Without bitmap scans it takes the GiST scan that applies the radius as an index condition and hands the
            // clinics over nearest first, stopping after the candidates (1-2 ms). LOCAL: for this transaction only.
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands = { new NpgsqlBatchCommand("SET LOCAL enable_bitmapscan = off"), new NpgsqlBatchCommand(CandidatesSql) },
            };
            Bind(batch.BatchCommands[1].Parameters, tenantId, query, now);
            await using (var r = await batch.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) found.Add((ClinicStore.Read(r), r.GetDouble(23) / 1000, r.GetBoolean(24)));
            await transaction.CommitAsync(ct);
        }
        if (found.Count == 0) return [];

        var scores = await QualityStore.ScoresAsync(connection, tenantId, found.Select(f => f.Clinic.Id).ToList(), now, ct);
        return found
            .Select(f => (f.Clinic, f.Km, f.Open, Score: scores[f.Clinic.Id], Rank: Rank(f.Km, scores[f.Clinic.Id])))
            .OrderBy(f => f.Rank).ThenBy(f => f.Km)
            .Take(query.Limit)
            .Select(f => new ClinicMatch(f.Clinic, Math.Round(f.Km, 3), f.Score, Math.Round(f.Rank, 3), f.Open,
                Reasons(f.Clinic, f.Km, f.Open, tenantId, query, now)))
            .ToList();
    }

    public static void Bind(NpgsqlParameterCollection p, string tenantId, SearchQuery query, DateTimeOffset now)
    {
        p.AddWithValue("tenant", tenantId);
        p.AddWithValue("now", now);
        p.AddWithValue("latitude", query.Latitude);
        p.AddWithValue("longitude", query.Longitude);
        p.AddWithValue("radius", query.RadiusKm * 1000);
        p.Add(new NpgsqlParameter<string?>("specialty", query.Specialty));
        p.Add(new NpgsqlParameter<string?>("language", query.Language));
        p.AddWithValue("inpatient", query.Care == "inpatient");
        p.AddWithValue("outpatient", query.Care == "outpatient");
        p.AddWithValue("billing", query.DirectBilling);
        p.AddWithValue("open", query.MustBeOpen);
        p.AddWithValue("candidates", Candidates(query.Limit));
    }

    /// <summary>The centroid of the tenant's clinics in a city (any status), or null when it has none there.</summary>
    public async Task<SearchOrigin?> CityCentroidAsync(string tenantId, string country, string city, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT ST_Y(centre), ST_X(centre) FROM (
                SELECT ST_Centroid(ST_Collect(location::geometry)) AS centre
                FROM clinics WHERE tenant_id = @tenant AND country = @country AND lower(city) = lower(@city)) s
            WHERE centre IS NOT NULL
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("country", country);
        cmd.Parameters.AddWithValue("city", city);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new SearchOrigin(r.GetDouble(0), r.GetDouble(1), "city-centroid") : null;
    }

    private static List<string> Reasons(Clinic c, double km, bool open, string tenantId, SearchQuery q, DateTimeOffset now)
    {
        var reasons = new List<string> { string.Create(CultureInfo.InvariantCulture, $"{km:0.0} km away") };
        if (q.Specialty is not null) reasons.Add($"specialty {q.Specialty}");
        if (q.Language is not null) reasons.Add($"speaks {q.Language}");
        if (q.Care is not null) reasons.Add($"{q.Care} care");
        if (c.Admits247) reasons.Add("admits 24/7");
        if (open) reasons.Add(OpenUntil(c, now) is { } until ? $"open now until {until}" : "open now");
        else if (!c.Admits247) reasons.Add("closed now");
        if (q.DirectBilling) reasons.Add($"direct billing with {tenantId}");
        return reasons;
    }

    /// <summary>The closing time (HH:mm, local) of the opening interval that holds <paramref name="now"/>, if any.</summary>
    internal static string? OpenUntil(Clinic clinic, DateTimeOffset now)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(clinic.TimeZone, out var zone)) return null;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var day = local.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)local.DayOfWeek;
        var previous = day == 1 ? 7 : day - 1;
        var time = TimeOnly.FromDateTime(local.DateTime);
        foreach (var h in clinic.OpeningHours)
        {
            var opens = TimeOnly.ParseExact(h.Opens, "HH:mm", CultureInfo.InvariantCulture);
            var closes = TimeOnly.ParseExact(h.Closes, "HH:mm", CultureInfo.InvariantCulture);
            var overnight = closes <= opens;
            if (h.Day == day && opens <= time && (closes > time || overnight)) return overnight ? $"{h.Closes} tomorrow" : h.Closes;
            if (h.Day == previous && overnight && time < closes) return h.Closes;
        }
        return null;
    }
}
