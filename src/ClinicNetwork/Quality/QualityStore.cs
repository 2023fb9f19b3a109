using System.Globalization;
using Npgsql;

namespace Platform.ClinicNetwork.Quality;

/// <summary>What one kind of event says about a clinic: how many, their weight after decay, their weighted mean signal.</summary>
public sealed record QualityEvidence(string Kind, int Events, double Weight, double Signal, DateTimeOffset Last, string Summary);

/// <summary>A clinic's score and what it rests on; <c>why</c> lists what pulls it down, worst first.</summary>
public sealed record QualityReport(string ClinicCode, string ClinicName, int Score, int Events, double HalfLifeDays,
    IReadOnlyList<QualityEvidence> Evidence, IReadOnlyList<string> Why);

public sealed class QualityStore(NpgsqlDataSource dataSource)
{
    private sealed record Aggregate(Guid ClinicId, string Code, string Name, string Kind, int Events, double Weight, double Good,
        int PaymentAsked, int CareNotRendered, double? Assessment, double? Minutes, DateTimeOffset Last);

    /// <summary>Scores of the given clinics at <paramref name="now"/> (clinics without events score <see cref="ClinicQuality.NeutralScore"/>).</summary>
    public static async Task<Dictionary<Guid, int>> ScoresAsync(NpgsqlConnection connection, string tenantId, IReadOnlyCollection<Guid> clinicIds,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT e.clinic_id, sum({ClinicQuality.DecayedWeight}), sum({ClinicQuality.DecayedWeight} * e.signal)
            FROM clinic_quality_events e
            WHERE e.tenant_id = @tenant AND e.clinic_id = ANY (@ids) AND e.occurred_at <= @now
            GROUP BY e.clinic_id
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("ids", clinicIds.ToArray());
        cmd.Parameters.AddWithValue("now", now);
        var scores = clinicIds.Distinct().ToDictionary(id => id, _ => ClinicQuality.NeutralScore);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) scores[r.GetGuid(0)] = ClinicQuality.Score(r.GetDouble(1), r.GetDouble(2));
        return scores;
    }

    public async Task<QualityReport?> ReportAsync(string tenantId, string code, DateTimeOffset now, CancellationToken ct)
    {
        var reports = await ReportsAsync(tenantId, code, now, ct);
        if (reports.Count > 0) return reports[0];
        await using var cmd = dataSource.CreateCommand("SELECT name FROM clinics WHERE tenant_id = @tenant AND code = @code");
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("code", code);
        return await cmd.ExecuteScalarAsync(ct) is string name
            ? new QualityReport(code, name, ClinicQuality.NeutralScore, 0, ClinicQuality.HalfLifeDays, [], [])
            : null;
    }

    /// <summary>The clinics with the lowest scores (among those with any event), lowest first.</summary>
    public async Task<IReadOnlyList<QualityReport>> WorstAsync(string tenantId, int limit, DateTimeOffset now, CancellationToken ct) =>
        (await ReportsAsync(tenantId, null, now, ct)).OrderBy(r => r.Score).ThenBy(r => r.ClinicCode, StringComparer.Ordinal).Take(limit).ToList();

    private async Task<List<QualityReport>> ReportsAsync(string tenantId, string? code, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT c.id, c.code, c.name, e.kind, count(*), sum(e.dw), sum(e.dw * e.signal),
                count(*) FILTER (WHERE e.payment_asked), count(*) FILTER (WHERE NOT e.care_rendered),
                avg(e.assessment)::double precision, avg(e.minutes)::double precision, max(e.occurred_at)
            FROM (SELECT e.*, {ClinicQuality.DecayedWeight} AS dw FROM clinic_quality_events e
                  WHERE e.tenant_id = @tenant AND e.occurred_at <= @now) e
            JOIN clinics c ON c.id = e.clinic_id AND c.tenant_id = @tenant
            WHERE @code::text IS NULL OR c.code = @code
            GROUP BY c.id, c.code, c.name, e.kind
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("code", code));
        var rows = new List<Aggregate>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add(new Aggregate(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), (int)r.GetInt64(4), r.GetDouble(5),
                    r.GetDouble(6), (int)r.GetInt64(7), (int)r.GetInt64(8), r.IsDBNull(9) ? null : r.GetDouble(9),
                    r.IsDBNull(10) ? null : r.GetDouble(10), r.GetFieldValue<DateTimeOffset>(11)));

        return rows.GroupBy(a => a.ClinicId).Select(clinic =>
        {
            var kinds = clinic.OrderBy(a => Array.IndexOf(QualityKinds.All, a.Kind)).ToList();
            var evidence = kinds.Select(a => new QualityEvidence(a.Kind, a.Events, Math.Round(a.Weight, 3),
                a.Weight > 0 ? Math.Round(a.Good / a.Weight, 3) : 0, a.Last, Summary(a))).ToList();
            var why = kinds.Where(a => a.Weight - a.Good > 1e-6).OrderByDescending(a => a.Weight - a.Good).Select(Summary).ToList();
            return new QualityReport(kinds[0].Code, kinds[0].Name, ClinicQuality.Score(kinds.Sum(a => a.Weight), kinds.Sum(a => a.Good)),
                kinds.Sum(a => a.Events), ClinicQuality.HalfLifeDays, evidence, why);
        }).ToList();
    }

    private static string Summary(Aggregate a)
    {
        string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";
        return a.Kind switch
        {
            QualityKinds.FollowUp => string.Join("; ", new[]
            {
                Count(a.Events, "follow-up call", "follow-up calls"),
                a.CareNotRendered > 0 ? $"care not rendered in {a.CareNotRendered}" : null,
                a.PaymentAsked > 0 ? $"the patient was asked to pay in {a.PaymentAsked}" : null,
                a.Assessment is { } assessment ? string.Create(CultureInfo.InvariantCulture, $"assessed {assessment:0.0} of 5 on average") : null,
            }.OfType<string>()),
            QualityKinds.Complaint => Count(a.Events, "complaint", "complaints"),
            QualityKinds.HelpOrganised => string.Create(CultureInfo.InvariantCulture,
                $"help organised in {a.Minutes ?? 0:0} minutes on average ({Count(a.Events, "case", "cases")})"),
            QualityKinds.GopRefusal => Count(a.Events, "guarantee letter refused", "guarantee letters refused"),
            QualityKinds.InvoiceDispute => Count(a.Events, "invoice disputed", "invoices disputed"),
            _ => Count(a.Events, a.Kind, a.Kind),
        };
    }
}
