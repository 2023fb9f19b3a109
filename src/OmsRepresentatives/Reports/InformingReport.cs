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
        // One snapshot for both statements (repeatable read), and as a report reads a whole register, the memory its sorts
        // and hashes of a million rows need, for this transaction only.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var memory = new NpgsqlCommand("SET LOCAL work_mem = '64MB'", connection, transaction)) await memory.ExecuteNonQueryAsync(ct);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                // One pass over the register (in parallel): each person's due kinds computed once, unnested (the first
                // one, n = 1, counts the person), and whether the person is on a clinic's list for the year. Persons on
                // the lists but not on the register are added from the lists' own count.
                new NpgsqlBatchCommand("""
                    SELECT count(*) FILTER (WHERE k.kind = 'checkup'),
                           count(*) FILTER (WHERE k.kind = 'dispanserization'),
                           count(*) FILTER (WHERE k.kind = 'in-depth'),
                           (SELECT count(DISTINCT enp) FROM dispensary_observations
                            WHERE tenant_id = @tenant AND next_visit_on BETWEEN @year_first AND @year_last),
                           count(*) FILTER (WHERE k.n = 1 OR k.n IS NULL AND l.enp IS NOT NULL),
                           count(*) FILTER (WHERE l.enp IS NOT NULL AND (k.n = 1 OR k.n IS NULL))
                    FROM insured i
                    LEFT JOIN LATERAL unnest(oms_due_kinds(i.birth_date, i.disability_group, i.in_depth, i.last_checkup_on,
                                                           i.last_dispanserization_on, @year)) WITH ORDINALITY AS k (kind, n) ON true
                    LEFT JOIN (SELECT DISTINCT enp FROM dispensary_observations
                               WHERE tenant_id = @tenant AND next_visit_on BETWEEN @year_first AND @year_last) l ON l.enp = i.enp
                    WHERE i.tenant_id = @tenant
                    """),
                // One pass over the tenant's invitations of the year up to the period's end.
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
        // Due anything: the register's persons due a measure or listed, and the listed persons the register lacks.
        var dueAny = r.GetInt64(4) + (r.GetInt64(3) - r.GetInt64(5));
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
            Row("total", "Итого (лиц без повторного счёта)", dueAny, all.Period, all.Year, all.Attended));
    }

    private static InformingRow Row(string kind, string name, long due, long inPeriod, long inYear, long attended) =>
        new(kind, name, due, inPeriod, inYear, ReportCells.Percent(inYear, due), attended);

    /// <summary>The report as its readers see it, for the CSV, XLSX and PDF alike.</summary>
    public ReportDocument ToDocument(ReportPeriod period)
    {
        ReportColumn[] columns =
        [
            new("Профилактическое мероприятие", CellKind.Text, 1.25),
            new($"Подлежат в {Year} году, чел.", CellKind.Count),
            new("Информированы за отчётный период, чел.", CellKind.Count),
            new("Информированы с начала года, чел.", CellKind.Count),
            new("Доля информированных с начала года, % от подлежащих", CellKind.Percent, 1.15),
            new("Прошли мероприятие за отчётный период, чел.", CellKind.Count),
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
