using Npgsql;
using Platform.OmsRepresentatives.Appeals;

namespace Platform.OmsRepresentatives.Reports;

/// <summary>
/// The report on protecting the rights of the insured for a period: the appeals registered in it by kind (with the
/// complaints and the complaints found justified) and by channel; what tier 2 did with the medical organisations, by
/// outcome; the expertises of the quality of care ordered, concluded and finding violations; the appeals answered, by
/// outcome; and whether the written appeals answered in the period were answered within the law's term (59-FZ: 30
/// days, or the extended term) and how many of them had their term extended.
/// </summary>
public sealed record RightsReport(string Smo, DateOnly From, DateOnly To, string TimeZone, DateTimeOffset FormedAt,
    IReadOnlyList<AppealKindRow> ByKind, AppealKindRow Total, IReadOnlyList<CountRow> ByChannel,
    IReadOnlyList<CountRow> Interventions, ExpertiseFigures Expertises, IReadOnlyList<CountRow> AnsweredByOutcome, WrittenAnswers Written)
{
    public const string Title = "Отчёт о работе по защите прав застрахованных лиц";

    /// <summary>The outcomes of an intervention with a medical organisation, in the report's words.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> InterventionOutcomes =
    [
        ("resolved", "Вопрос решён"), ("partially-resolved", "Вопрос решён частично"),
        ("refused", "Медицинская организация отказала"), ("pending", "Результат ожидается"),
    ];

    /// <summary>The outcomes of an answered appeal, in the report's words.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> AnswerOutcomes =
    [
        ("resolved", "Вопрос решён"), ("partially-resolved", "Вопрос решён частично"), ("not-resolved", "Вопрос не решён"),
        ("explained", "Даны разъяснения"), ("redirected", "Направлено по компетенции"),
    ];

    public static async Task<RightsReport> BuildAsync(NpgsqlConnection connection, string tenantId, string smo, ReportPeriod period,
        DateTimeOffset formedAt, CancellationToken ct)
    {
        // One snapshot for all the statements, so the sections agree with each other.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                // Registered in the period, by kind and channel (the channel totals are summed from it).
                new NpgsqlBatchCommand("""
                    SELECT kind, channel, count(*), count(*) FILTER (WHERE justified)
                    FROM appeals WHERE tenant_id = @tenant AND registered_at >= @start AND registered_at < @end
                    GROUP BY kind, channel
                    """),
                new NpgsqlBatchCommand("""
                    SELECT outcome, count(*) FROM interventions
                    WHERE tenant_id = @tenant AND contacted_at >= @start AND contacted_at < @end
                    GROUP BY outcome
                    """),
                new NpgsqlBatchCommand("""
                    SELECT count(*) FILTER (WHERE ordered_at >= @start AND ordered_at < @end),
                           count(*) FILTER (WHERE concluded_at >= @start AND concluded_at < @end),
                           count(*) FILTER (WHERE concluded_at >= @start AND concluded_at < @end AND violations)
                    FROM expertises
                    WHERE tenant_id = @tenant AND (ordered_at >= @start AND ordered_at < @end OR concluded_at >= @start AND concluded_at < @end)
                    """),
                // Answered in the period: by outcome, and for the written ones against the term (extended, else 30 days).
                new NpgsqlBatchCommand("""
                    SELECT outcome, count(*),
                           count(*) FILTER (WHERE written),
                           count(*) FILTER (WHERE written AND answered_at <= coalesce(extended_to, due_at, answered_at)),
                           count(*) FILTER (WHERE written AND answered_at > coalesce(extended_to, due_at)),
                           count(*) FILTER (WHERE written AND extended_to IS NOT NULL)
                    FROM appeals WHERE tenant_id = @tenant AND answered_at >= @start AND answered_at < @end
                    GROUP BY outcome
                    """),
            },
        };
        foreach (NpgsqlBatchCommand command in batch.BatchCommands)
        {
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("start", period.Start);
            command.Parameters.AddWithValue("end", period.End);
        }
        await using var r = await batch.ExecuteReaderAsync(ct);

        var registered = new List<(string Kind, string Channel, long Count, long Justified)>();
        while (await r.ReadAsync(ct)) registered.Add((r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)));
        await r.NextResultAsync(ct);
        var interventions = new Dictionary<string, long>();
        while (await r.ReadAsync(ct)) interventions[r.GetString(0)] = r.GetInt64(1);
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var expertises = new ExpertiseFigures(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
        await r.NextResultAsync(ct);
        var answered = new Dictionary<string, long>();
        long written = 0, onTime = 0, late = 0, extended = 0;
        while (await r.ReadAsync(ct))
        {
            answered[r.IsDBNull(0) ? "" : r.GetString(0)] = r.GetInt64(1);
            written += r.GetInt64(2);
            onTime += r.GetInt64(3);
            late += r.GetInt64(4);
            extended += r.GetInt64(5);
        }

        // Every kind the SMO works, in the catalogue's order, and any kind the data holds that the catalogue no longer has.
        var kinds = AppealKinds.All.Concat(registered.Select(x => x.Kind).Distinct().Where(k => AppealKinds.Find(k) is null)
            .Order(StringComparer.Ordinal).Select(k => new AppealKind(k, 0, false, k)));
        var byKind = kinds.Select(kind =>
        {
            var of = registered.Where(x => x.Kind == kind.Code).ToList();
            var appeals = of.Sum(x => x.Count);
            return new AppealKindRow(kind.Code, kind.NameRu, kind.Tier, appeals, kind.Complaint ? appeals : 0,
                kind.Complaint ? of.Sum(x => x.Justified) : 0);
        }).ToList();
        var total = new AppealKindRow("total", "Итого", 0, byKind.Sum(k => k.Appeals), byKind.Sum(k => k.Complaints), byKind.Sum(k => k.Justified));
        var byChannel = AppealChannels.All.Select(c => new CountRow(c, AppealChannels.NameRu(c), registered.Where(x => x.Channel == c).Sum(x => x.Count))).ToList();

        return new RightsReport(smo, period.From, period.To, period.Zone.Id, formedAt, byKind, total, byChannel,
            Counted(InterventionOutcomes, interventions), expertises, Counted(AnswerOutcomes, answered),
            new WrittenAnswers(written, onTime, late, extended));
    }

    // The known outcomes in their order, then whatever else the data holds (an answer without an outcome).
    private static List<CountRow> Counted(IReadOnlyList<(string Code, string Name)> known, Dictionary<string, long> counts) =>
    [
        .. known.Select(o => new CountRow(o.Code, o.Name, counts.GetValueOrDefault(o.Code))),
        .. counts.Where(c => known.All(o => o.Code != c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new CountRow(c.Key, c.Key.Length == 0 ? "Результат не указан" : c.Key, c.Value)),
    ];

    /// <summary>The report as its readers see it, for the CSV, XLSX and PDF alike.</summary>
    public ReportDocument ToDocument(ReportPeriod period)
    {
        static ReportRow Count(CountRow row) => new([row.Name, row.Count]);
        static ReportRow Sum(IEnumerable<CountRow> rows) => new(["Итого", rows.Sum(r => r.Count)], Total: true);
        static ReportColumn Name(string header) => new(header, CellKind.Text, 4);
        static ReportColumn Number(string header) => new(header, CellKind.Count, 1.3);
        string Tier(int tier) => tier == 0 ? "" : tier.ToString(ReportPeriod.Russian);

        return new ReportDocument(Title, $"rights-{period.FileText}", "Защита прав", ReportFacts.Of(Smo, period, FormedAt),
        [
            new ReportTable("1. Обращения, зарегистрированные за отчётный период, по видам",
                [Name("Вид обращения"), new("Уровень", CellKind.Text, 0.8), Number("Обращений"), Number("из них жалоб"), Number("из них жалоб обоснованных")],
                [
                    .. ByKind.Select(k => new ReportRow([k.Name, Tier(k.Tier), k.Appeals, k.Complaints, k.Justified])),
                    new ReportRow([Total.Name, "", Total.Appeals, Total.Complaints, Total.Justified], Total: true),
                ]),
            new ReportTable("2. Обращения по каналам поступления", [Name("Канал поступления"), Number("Обращений")],
                [.. ByChannel.Select(Count), Sum(ByChannel)]),
            new ReportTable("3. Взаимодействие с медицинскими организациями (страховые представители 2-го уровня)",
                [Name("Результат"), Number("Обращений в медицинские организации")],
                [.. Interventions.Select(Count), Sum(Interventions)]),
            new ReportTable("4. Экспертизы качества медицинской помощи", [Name("Показатель"), Number("Количество")],
            [
                new(["Назначено экспертиз", Expertises.Ordered]),
                new(["Завершено экспертиз", Expertises.Concluded]),
                new(["из завершённых выявлены нарушения", Expertises.WithViolations]),
            ]),
            new ReportTable("5. Ответы на обращения по результатам рассмотрения", [Name("Результат рассмотрения"), Number("Обращений")],
                [.. AnsweredByOutcome.Select(Count), Sum(AnsweredByOutcome)]),
            new ReportTable("6. Соблюдение сроков ответа на письменные обращения", [Name("Показатель"), Number("Обращений")],
            [
                new(["Дан ответ на письменные обращения", Written.Answered]),
                new(["в том числе в установленный срок", Written.OnTime]),
                new(["в том числе с нарушением срока", Written.Late]),
                new(["срок рассмотрения продлевался (из всех, получивших ответ)", Written.Extended]),
            ]),
        ]);
    }
}

/// <summary>An appeal kind (or the total, <c>Kind</c> "total", tier 0) with the appeals of it registered in the period, the complaints among them and those found justified.</summary>
public sealed record AppealKindRow(string Kind, string Name, int Tier, long Appeals, long Complaints, long Justified);

/// <summary>A count under a code and its Russian name (a channel, an outcome).</summary>
public sealed record CountRow(string Code, string Name, long Count);

/// <summary>Expertises of the quality of care ordered in the period, concluded in it, and of those concluded how many found violations.</summary>
public sealed record ExpertiseFigures(long Ordered, long Concluded, long WithViolations);

/// <summary>Written appeals answered in the period: within their term (the extended one if extended, else 30 days), after it, and how many had it extended.</summary>
public sealed record WrittenAnswers(long Answered, long OnTime, long Late, long Extended);
