using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Platform.OmsRepresentatives.Campaigns;

/// <summary>What a planning run wrote: invitations per kind and channel, the days they span, how long it took (and of
/// that, how long selecting the persons took; the rest is assigning days and writing the invitations).</summary>
public sealed record PlanResult(int Invited, int Days, long ElapsedMs, long SelectMs, IReadOnlyDictionary<(string Kind, string Channel), int> PerKindAndChannel);

/// <summary>
/// Plans a campaign's invitations. The persons to invite come out of PostgreSQL in one set-based SELECT (who is due
/// by <c>oms_due_kinds</c>, the clinics' dispensary lists, only those who consented to reminders, none already invited
/// for the kind and year by another campaign that stands), streamed in the order they are to be served: dispensary
/// patients first by their next visit, then by clinic. <see cref="DaySchedule"/> gives each its day in memory, keeping
/// the SMS, call and per-clinic caps exactly, and the invitations go back by binary COPY. The caller's transaction
/// holds the tenant's campaign lock, so two campaigns planned at once cannot invite a person twice.
/// </summary>
public static class CampaignPlanner
{
    private readonly record struct Candidate(string Enp, string Kind, int Channel, string? Clinic, string Phone, short Wave);

    /// <summary>Takes the tenant's campaign lock for the rest of the transaction.</summary>
    public static async Task LockTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('oms-campaigns:' || @tenant, 0))", connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>Plans the first wave of campaign <paramref name="campaignId"/> (already inserted, in this transaction).</summary>
    public static async Task<PlanResult> PlanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, long campaignId,
        int year, IReadOnlyList<string> kinds, DateOnly startsOn, CampaignCaps caps, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        // oms_due_kinds is a SQL function with a FROM of its own, so PostgreSQL cannot inline it and calls it once per row
        // it is given (about 8 µs a call: seconds over a register). By its definition it looks at the age reached in
        // the year, the disability group, the in-depth entitlement and whether each measure was attended in the year,
        // and at nothing else, so it is called once per distinct profile of those (a few thousand in a register of
        // millions), with representative dates, and the persons are joined to their profile's kinds (a hash join: no
        // function scan per person either). Sorting compares bytes (COLLATE "C"): the order only has to be stable.
        await using var cmd = new NpgsqlCommand("""
            SET LOCAL work_mem = '256MB';
            SET LOCAL jit = off;
            WITH person AS MATERIALIZED (
                SELECT i.enp, i.reminder_channel AS channel, i.clinic_code, i.phone,
                       extract(year FROM i.birth_date)::int AS born, coalesce(i.disability_group, 0) AS disability, i.in_depth,
                       coalesce(extract(year FROM i.last_checkup_on)::int = @year, false) AS checked,
                       coalesce(extract(year FROM i.last_dispanserization_on)::int = @year, false) AS examined
                FROM insured i
                WHERE i.tenant_id = @tenant AND i.reminder_channel IS NOT NULL),
            profile AS MATERIALIZED (
                SELECT p.*, k.kind
                FROM (SELECT DISTINCT born, disability, in_depth, checked, examined FROM person) p
                CROSS JOIN LATERAL unnest(oms_due_kinds(make_date(p.born, 1, 1), nullif(p.disability, 0)::smallint, p.in_depth,
                                                        CASE WHEN p.checked THEN make_date(@year, 1, 1) END,
                                                        CASE WHEN p.examined THEN make_date(@year, 1, 1) END, @year)) AS k(kind)
                WHERE k.kind = ANY(@kinds)),
            due AS (
                SELECT p.enp, f.kind, p.channel, p.clinic_code, p.phone, NULL::date AS visit
                FROM person p
                JOIN profile f ON f.born = p.born AND f.disability = p.disability AND f.in_depth = p.in_depth
                              AND f.checked = p.checked AND f.examined = p.examined
                UNION ALL
                SELECT * FROM (
                    SELECT DISTINCT ON (d.enp) d.enp, 'dispensary', i.reminder_channel, d.clinic_code, i.phone, d.next_visit_on
                    FROM dispensary_observations d
                    JOIN insured i ON i.tenant_id = d.tenant_id AND i.enp = d.enp
                    WHERE d.tenant_id = @tenant AND 'dispensary' = ANY(@kinds) AND i.reminder_channel IS NOT NULL
                      AND d.next_visit_on >= make_date(@year, 1, 1) AND d.next_visit_on < make_date(@year + 1, 1, 1)
                    ORDER BY d.enp, d.next_visit_on, d.clinic_code) dispensary)
            SELECT due.enp, due.kind, due.channel, due.clinic_code, due.phone
            FROM due
            WHERE NOT EXISTS (
                SELECT 1 FROM invitations v JOIN campaigns c ON c.id = v.campaign_id
                WHERE v.tenant_id = @tenant AND c.tenant_id = @tenant AND c.year = @year AND c.status <> 'cancelled'
                  AND c.id <> @campaign AND v.enp = due.enp AND v.kind = due.kind)
            ORDER BY due.kind <> 'dispensary', due.visit, due.clinic_code COLLATE "C", due.kind COLLATE "C", due.enp
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("year", year);
        cmd.Parameters.AddWithValue("kinds", kinds.ToArray());
        cmd.Parameters.AddWithValue("campaign", campaignId);
        var candidates = await ReadAsync(cmd, wave: null, ct);
        return await WriteAsync(connection, transaction, tenantId, campaignId, new DaySchedule(startsOn, caps), candidates, watch, ct);
    }

    /// <summary>
    /// A new wave of campaign <paramref name="campaignId"/>: the persons whose last invitation of a kind in it ended as one
    /// of <paramref name="endings"/> (an outcome, or 'undelivered': the SMS never arrived and nobody recorded an outcome)
    /// and who have not attended, on their channel and phone as the register has them now (none without consent any
    /// more), spread from <paramref name="startsOn"/> with the campaign's caps counting what is already on those days.
    /// </summary>
    public static async Task<PlanResult> ReinviteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, long campaignId,
        IReadOnlyList<string> endings, DateOnly startsOn, CampaignCaps caps, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var schedule = new DaySchedule(startsOn, caps);
        await using (var taken = new NpgsqlCommand("""
            SELECT scheduled_on, channel, clinic_code, count(*)::int FROM invitations
            WHERE tenant_id = @tenant AND campaign_id = @campaign AND delivery <> 'cancelled' AND scheduled_on >= @from
            GROUP BY scheduled_on, channel, clinic_code
            """, connection, transaction))
        {
            taken.Parameters.AddWithValue("tenant", tenantId);
            taken.Parameters.AddWithValue("campaign", campaignId);
            taken.Parameters.AddWithValue("from", startsOn);
            await using var r = await taken.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                schedule.Preload(r.GetFieldValue<DateOnly>(0), DaySchedule.ChannelOf(r.GetString(1)), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3));
        }

        await using var cmd = new NpgsqlCommand("""
            WITH last AS (
                SELECT DISTINCT ON (v.enp, v.kind) v.enp, v.kind, v.clinic_code, v.delivery, v.outcome, v.wave
                FROM invitations v
                WHERE v.tenant_id = @tenant AND v.campaign_id = @campaign
                ORDER BY v.enp, v.kind, v.wave DESC, v.id DESC)
            SELECT l.enp, l.kind, i.reminder_channel, l.clinic_code, i.phone, l.wave + 1
            FROM last l
            JOIN insured i ON i.tenant_id = @tenant AND i.enp = l.enp
            WHERE i.reminder_channel IS NOT NULL
              AND (l.outcome = ANY(@endings) OR (l.outcome IS NULL AND l.delivery = 'undelivered' AND 'undelivered' = ANY(@endings)))
              AND NOT EXISTS (SELECT 1 FROM invitations a
                              WHERE a.campaign_id = @campaign AND a.enp = l.enp AND a.kind = l.kind AND a.outcome = 'attended')
            ORDER BY l.clinic_code COLLATE "C", l.kind COLLATE "C", l.enp
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("campaign", campaignId);
        cmd.Parameters.AddWithValue("endings", endings.ToArray());
        var candidates = await ReadAsync(cmd, wave: 5, ct);
        return await WriteAsync(connection, transaction, tenantId, campaignId, schedule, candidates, watch, ct);
    }

    /// <summary>The candidates in the order the query gives them; <paramref name="wave"/>: the column holding each one's wave (null: wave 1).</summary>
    private static async Task<List<Candidate>> ReadAsync(NpgsqlCommand cmd, int? wave, CancellationToken ct)
    {
        var clinics = new Dictionary<string, string>(StringComparer.Ordinal); // one string per clinic, not one per row
        var list = new List<Candidate>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            string? clinic = null;
            if (!r.IsDBNull(3))
            {
                var code = r.GetString(3);
                if (!clinics.TryGetValue(code, out clinic)) clinics[code] = clinic = code;
            }
            list.Add(new Candidate(r.GetString(0), KindOf(r.GetString(1)), DaySchedule.ChannelOf(r.GetString(2)), clinic, r.GetString(4),
                wave is { } column ? r.GetInt16(column) : (short)1));
        }
        return list;
    }

    private static string KindOf(string kind) => PreventiveKinds.All.FirstOrDefault(k => k == kind) ?? kind;

    private static async Task<PlanResult> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, long campaignId,
        DaySchedule schedule, List<Candidate> candidates, Stopwatch watch, CancellationToken ct)
    {
        var selectMs = watch.ElapsedMilliseconds;
        var perKind = new Dictionary<(string, string), int>();
        await using (var importer = await connection.BeginBinaryImportAsync("""
            COPY invitations (tenant_id, campaign_id, wave, enp, kind, channel, clinic_code, phone, scheduled_on) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var c in candidates)
            {
                var day = schedule.Assign(c.Channel, c.Clinic);
                var channel = c.Channel == DaySchedule.Sms ? "sms" : "call";
                var key = (c.Kind, channel);
                perKind[key] = perKind.GetValueOrDefault(key) + 1;
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(tenantId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(campaignId, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(c.Wave, NpgsqlDbType.Smallint, ct);
                await importer.WriteAsync(c.Enp, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(c.Kind, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(channel, NpgsqlDbType.Text, ct);
                if (c.Clinic is null) await importer.WriteNullAsync(ct);
                else await importer.WriteAsync(c.Clinic, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(c.Phone, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(day, NpgsqlDbType.Date, ct);
            }
            await importer.CompleteAsync(ct);
        }
        return new PlanResult(candidates.Count, schedule.Days, watch.ElapsedMilliseconds, selectMs, perKind);
    }
}
