using Npgsql;
using Platform.OmsRepresentatives.Campaigns;

namespace Platform.OmsRepresentatives.Reports;

/// <summary>
/// The report on informing the insured about preventive measures (Minzdrav order 404n), for a period within one year:
/// one row per preventive kind and the total (persons, each counted once).
/// </summary>
/// <param name="Smo">The SMO's name as printed on the report.</param>
/// <param name="Year">The calendar year of the period, whose due persons are counted.</param>
/// <param name="TimeZone">The time zone whose calendar days the period is.</param>
public sealed record InformingReport(string Smo, DateOnly From, DateOnly To, int Year, string TimeZone, DateTimeOffset FormedAt,
    IReadOnlyList<InformingRow> Rows, InformingRow Total)
{
    public const string Title = "Отчёт об информировании застрахованных лиц о прохождении профилактических мероприятий";

    /// <summary>
    /// Counts it in two statements sent together: the register and the clinics' lists in one pass (who is due in the
    /// year, by <c>oms_due_kinds</c>, regardless of consent to reminders), and the tenant's invitations of the year to
    /// the period's end in one pass (who was informed: delivered, or reached by phone, in the period and since the
    /// year's start; who attended).
    /// </summary>
    public static async Task<InformingReport> BuildAsync(NpgsqlConnection connection, string tenantId, string smo, ReportPeriod period,
        DateTimeOffset formedAt, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    SELECT count(*) FILTER (WHERE 'checkup' = ANY (p.kinds)),
                           count(*) FILTER (WHERE 'dispanserization' = ANY (p.kinds)),
                           count(*) FILTER (WHERE 'in-depth' = ANY (p.kinds)),
                           count(d.enp),
                           count(*)
                    FROM (SELECT enp, kinds
                          FROM (SELECT enp, oms_due_kinds(birth_date, disability_group, in_depth, last_checkup_on, last_dispanserization_on, @year) AS kinds
                                FROM insured WHERE tenant_id = @tenant) r
                          WHERE cardinality(kinds) > 0) p
                    FULL JOIN (SELECT DISTINCT enp FROM dispensary_observations
                               WHERE tenant_id = @tenant AND next_visit_on BETWEEN @year_first AND @year_last) d ON d.enp = p.enp
                    """),
                new NpgsqlBatchCommand("""
                    SELECT kind,
                           count(DISTINCT enp) FILTER (WHERE in_period),
                           count(DISTINCT enp) FILTER (WHERE in_year),
                           count(DISTINCT enp) FILTER (WHERE attended)
                    FROM (SELECT kind, enp,
                                 delivery = 'delivered' AND delivered_at >= @start AND delivered_at < @end
                                 OR outcome IN ('reached', 'attended') AND outcome_at >= @start AND outcome_at < @end AS in_period,
                                 delivery = 'delivered' AND delivered_at >= @year_start AND delivered_at < @end
                                 OR outcome IN ('reached', 'attended') AND outcome_at >= @year_start AND outcome_at < @end AS in_year,
                                 outcome = 'attended' AND outcome_at >= @start AND outcome_at < @end AS attended
                          FROM invitations
                          WHERE tenant_id = @tenant
                            AND (delivered_at >= @year_start AND delivered_at < @end OR outcome_at >= @year_start AND outcome_at < @end)) i
                    GROUP BY GROUPING SETS ((kind), ())
                    """),
            },
        };
        foreach (NpgsqlBatchCommand command in batch.BatchCommands)
        {
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("year", period.Year);
            command.Parameters.AddWithValue("year_first", new DateOnly(period.Year, 1, 1));
            command.Parameters.AddWithValue("year_last", new DateOnly(period.Year, 12, 31));
            command.Parameters.AddWithValue("year_start", period.YearStart);
            command.Parameters.AddWithValue("start", period.Start);
            command.Parameters.AddWithValue("end", period.End);
        }
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var due = new Dictionary<string, long>
        {
            [PreventiveKinds.Checkup] = r.GetInt64(0), [PreventiveKinds.Dispanserization] = r.GetInt64(1),
            [PreventiveKinds.InDepth] = r.GetInt64(2), [PreventiveKinds.Dispensary] = r.GetInt64(3),
        };
        var dueAny = r.GetInt64(4);
        await r.NextResultAsync(ct);
        var informed = new Dictionary<string, (long Period, long Year, long Attended)>();
        (long Period, long Year, long Attended) all = default;
        while (await r.ReadAsync(ct))
        {
            var figures = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
            if (r.IsDBNull(0)) all = figures;
            else informed[r.GetString(0)] = figures;
        }

        var rows = PreventiveKinds.All.Select(kind =>
        {
            var (inPeriod, inYear, attended) = informed.GetValueOrDefault(kind);
            return Row(kind, PreventiveKinds.NameRu(kind), due[kind], inPeriod, inYear, attended);
        }).ToList();
        return new InformingReport(smo, period.From, period.To, period.Year, period.Zone.Id, formedAt, rows,
            Row("total", "Всего застрахованных лиц (каждое лицо один раз)", dueAny, all.Period, all.Year, all.Attended));
    }

    private static InformingRow Row(string kind, string name, long due, long inPeriod, long inYear, long attended) =>
        new(kind, name, due, inPeriod, inYear, ReportCells.Percent(inYear, due), attended);

    /// <summary>The report as its readers see it, for the CSV, XLSX and PDF alike.</summary>
    public ReportDocument ToDocument(ReportPeriod period)
    {
        ReportColumn[] columns =
        [
            new("Профилактическое мероприятие", CellKind.Text, 3),
            new($"Подлежат в {Year} году, чел.", CellKind.Count, 1.2),
            new("Проинформированы за отчётный период, чел.", CellKind.Count, 1.4),
            new("Проинформированы с начала года, чел.", CellKind.Count, 1.4),
            new("Доля проинформированных с начала года от подлежащих, %", CellKind.Percent, 1.6),
            new("Прошли мероприятие за отчётный период, чел.", CellKind.Count, 1.4),
        ];
        static ReportRow Line(InformingRow r, bool total = false) =>
            new([r.Name, r.Due, r.InformedInPeriod, r.InformedSinceYearStart, r.InformedSharePercent, r.Attended], total);
        return new ReportDocument(Title, $"informing-{period.FileText}", "Информирование",
            ReportFacts.Of(Smo, period, FormedAt),
            [new ReportTable(null, columns, [.. Rows.Select(r => Line(r)), Line(Total, total: true)])]);
    }
}

/// <summary>
/// One preventive kind (or the total, <c>Kind</c> "total"): persons due in the year, persons informed in the period and
/// since the year's start (an SMS delivered or a call that reached them), the share of the due informed since the
/// year's start (per cent; null when nobody is due), and persons who attended in the period.
/// </summary>
public sealed record InformingRow(string Kind, string Name, long Due, long InformedInPeriod, long InformedSinceYearStart,
    decimal? InformedSharePercent, long Attended);

/// <summary>The lines under every report's title.</summary>
public static class ReportFacts
{
    public static IReadOnlyList<ReportFact> Of(string smo, ReportPeriod period, DateTimeOffset formedAt) =>
    [
        new("Страховая медицинская организация", smo),
        new("Отчётный период", period.Text),
        new("Дата формирования", TimeZoneInfo.ConvertTime(formedAt, period.Zone).ToString("dd.MM.yyyy HH:mm", ReportPeriod.Russian)),
    ];
}
