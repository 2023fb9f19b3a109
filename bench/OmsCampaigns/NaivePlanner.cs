using System.Diagnostics;
using Npgsql;
using Platform.OmsRepresentatives.Campaigns;

namespace Platform.Bench.OmsCampaigns;

/// <summary>
/// The planner as it is first written: for each insured person, read the row, decide the due kinds in C# (order 404n,
/// as <c>oms_due_kinds</c>), look up the dispensary list, check with a SELECT that nobody invited them yet, then find
/// the day by counting, day after day from the start, the campaign's invitations of that channel and of that clinic
/// on it, and INSERT the invitation. Same rules and caps as <see cref="CampaignPlanner"/>; one round trip per decision.
/// </summary>
public sealed class NaivePlanner(NpgsqlDataSource dataSource, string tenant, int year, string[] kinds, DateOnly startsOn, CampaignCaps caps)
{
    public sealed record Run(long Campaign, string[] Persons, int Invitations, TimeSpan Elapsed);

    public async Task<Run> RunAsync(int sample, TimeSpan budget)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var campaign = await OmsCampaignsBenchmark.NewCampaignAsync(connection, null, "naive", year, startsOn);
        var enps = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT enp FROM insured WHERE tenant_id = @tenant ORDER BY enp LIMIT @n", connection))
        {
            list.Parameters.AddWithValue("tenant", tenant);
            list.Parameters.AddWithValue("n", sample);
            await using var r = await list.ExecuteReaderAsync();
            while (await r.ReadAsync()) enps.Add(r.GetString(0));
        }

        var watch = Stopwatch.StartNew();
        var done = 0;
        var invitations = 0;
        foreach (var enp in enps)
        {
            if (watch.Elapsed > budget) break;
            await using var tx = await connection.BeginTransactionAsync();
            string? channel, clinic, phone;
            DateOnly birth;
            short? disability;
            bool inDepth;
            DateOnly? checkup, dispanserization;
            await using (var read = new NpgsqlCommand("""
                SELECT birth_date, disability_group, in_depth, last_checkup_on, last_dispanserization_on, reminder_channel, clinic_code, phone
                FROM insured WHERE tenant_id = @tenant AND enp = @enp
                """, connection, tx))
            {
                read.Parameters.AddWithValue("tenant", tenant);
                read.Parameters.AddWithValue("enp", enp);
                await using var r = await read.ExecuteReaderAsync();
                await r.ReadAsync();
                birth = r.GetFieldValue<DateOnly>(0);
                disability = r.IsDBNull(1) ? null : r.GetInt16(1);
                inDepth = r.GetBoolean(2);
                checkup = r.IsDBNull(3) ? null : r.GetFieldValue<DateOnly>(3);
                dispanserization = r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4);
                channel = r.IsDBNull(5) ? null : r.GetString(5);
                clinic = r.IsDBNull(6) ? null : r.GetString(6);
                phone = r.IsDBNull(7) ? null : r.GetString(7);
            }
            done++;
            if (channel is null) { await tx.CommitAsync(); continue; }

            var due = new List<(string Kind, string? Clinic)>();
            var age = year - birth.Year;
            if (age >= 18)
            {
                var dispanserizationYear = age >= 40 || disability is not null || (age - 18) % 3 == 0;
                if (dispanserizationYear && dispanserization?.Year != year) due.Add((PreventiveKinds.Dispanserization, clinic));
                if (!dispanserizationYear && checkup?.Year != year) due.Add((PreventiveKinds.Checkup, clinic));
                if (inDepth) due.Add((PreventiveKinds.InDepth, clinic));
            }
            await using (var list = new NpgsqlCommand("""
                SELECT clinic_code FROM dispensary_observations
                WHERE tenant_id = @tenant AND enp = @enp AND next_visit_on >= make_date(@year, 1, 1) AND next_visit_on < make_date(@year + 1, 1, 1)
                ORDER BY next_visit_on, clinic_code LIMIT 1
                """, connection, tx))
            {
                list.Parameters.AddWithValue("tenant", tenant);
                list.Parameters.AddWithValue("enp", enp);
                list.Parameters.AddWithValue("year", year);
                if (await list.ExecuteScalarAsync() is string dispensaryClinic) due.Add((PreventiveKinds.Dispensary, dispensaryClinic));
            }

            foreach (var (kind, at) in due.Where(d => kinds.Contains(d.Kind)))
            {
                await using (var exists = new NpgsqlCommand("""
                    SELECT EXISTS (SELECT 1 FROM invitations v JOIN campaigns c ON c.id = v.campaign_id
                                   WHERE v.tenant_id = @tenant AND v.enp = @enp AND v.kind = @kind AND c.year = @year AND c.status <> 'cancelled')
                    """, connection, tx))
                {
                    exists.Parameters.AddWithValue("tenant", tenant);
                    exists.Parameters.AddWithValue("enp", enp);
                    exists.Parameters.AddWithValue("kind", kind);
                    exists.Parameters.AddWithValue("year", year);
                    if ((bool)(await exists.ExecuteScalarAsync())!) continue;
                }
                var day = startsOn;
                while (true)
                {
                    await using var count = new NpgsqlCommand("""
                        SELECT (SELECT count(*) FROM invitations WHERE campaign_id = @campaign AND scheduled_on = @day AND channel = @channel),
                               (SELECT count(*) FROM invitations WHERE campaign_id = @campaign AND scheduled_on = @day AND clinic_code = @clinic)
                        """, connection, tx);
                    count.Parameters.AddWithValue("campaign", campaign);
                    count.Parameters.AddWithValue("day", day);
                    count.Parameters.AddWithValue("channel", channel);
                    count.Parameters.Add(new NpgsqlParameter<string?>("clinic", at));
                    await using var r = await count.ExecuteReaderAsync();
                    await r.ReadAsync();
                    var full = r.GetInt64(0) >= (channel == "sms" ? caps.SmsPerDay : caps.CallsPerDay) || (at is not null && r.GetInt64(1) >= caps.ClinicPerDay);
                    await r.CloseAsync();
                    if (!full) break;
                    day = day.AddDays(1);
                }
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO invitations (tenant_id, campaign_id, enp, kind, channel, clinic_code, phone, scheduled_on)
                    VALUES (@tenant, @campaign, @enp, @kind, @channel, @clinic, @phone, @day)
                    """, connection, tx);
                insert.Parameters.AddWithValue("tenant", tenant);
                insert.Parameters.AddWithValue("campaign", campaign);
                insert.Parameters.AddWithValue("enp", enp);
                insert.Parameters.AddWithValue("kind", kind);
                insert.Parameters.AddWithValue("channel", channel);
                insert.Parameters.Add(new NpgsqlParameter<string?>("clinic", at));
                insert.Parameters.AddWithValue("phone", phone!);
                insert.Parameters.AddWithValue("day", day);
                await insert.ExecuteNonQueryAsync();
                invitations++;
            }
            await tx.CommitAsync();
        }
        return new Run(campaign, [.. enps.Take(done)], invitations, watch.Elapsed);
    }
}
