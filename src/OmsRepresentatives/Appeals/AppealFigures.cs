using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.OmsRepresentatives.Appeals;

public sealed record DayCount(DateOnly Day, string Channel, long Appeals);

/// <summary>First-contact resolution of a group (a tier, a channel, or all): answered at the first contact, of those answered.</summary>
public sealed record FirstContactShare(string Group, long Answered, long FirstContact, double? Share);

/// <summary>How long calls or chats of a channel waited to be answered: mean, 90th percentile, share answered within 30 s.</summary>
public sealed record WaitFigures(string Channel, long Measured, double? MeanSeconds, double? P90Seconds, double? Within30sShare);

public sealed record WrittenFigures(long Answered, long AnsweredOnTime, double? OnTimeShare, long OverdueOpenNow);

public sealed record ComplaintFigures(long Answered, long Justified, double? JustifiedShare);

public sealed record EscalationFigures(long Up, long Down);

/// <summary>
/// The contact centre's figures over the appeals registered from <c>From</c> to <c>To</c> (days in the SMO's time zone):
/// escalations are those made in the period, <c>OverdueOpenNow</c> is the written appeals past their deadline right now.
/// </summary>
public sealed record Figures(
    DateOnly From, DateOnly To, string TimeZone, IReadOnlyList<DayCount> PerDay, FirstContactShare FirstContact,
    IReadOnlyList<FirstContactShare> FirstContactByTier, IReadOnlyList<FirstContactShare> FirstContactByChannel,
    IReadOnlyList<WaitFigures> Waits, WrittenFigures Written, ComplaintFigures Complaints, EscalationFigures Escalations);

internal static class AppealFigures
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/figures", FiguresAsync).RequireAccess(Access.OmsSupervise).WithTags("OMS appeals")
            .WithSummary("Appeals per day and channel, first-contact resolution per tier and channel, waits of calls and chats, written " +
                         "appeals answered on time, complaints justified, escalations; from=, to= (dates, default the last 30 days)");

    private static double? Share(long part, long whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    private static async Task<Results<Ok<Figures>, ValidationProblem>> FiguresAsync(RequestIdentity identity, NpgsqlDataSource db,
        TimeProvider clock, AppealOptions options, CancellationToken ct, DateOnly? from = null, DateOnly? to = null)
    {
        var o = options;
        var now = clock.GetUtcNow();
        var last = to ?? o.LocalDate(now);
        var first = from ?? last.AddDays(-29);
        var e = new ValidationErrors();
        if (first > last) e.Add("from", "The period starts after it ends.");
        else if (last.DayNumber - first.DayNumber > 366) e.Add("to", "The period is at most 367 days.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());

        const string Cohort = "FROM appeals WHERE tenant_id = @tenant AND registered_at >= @start AND registered_at < @end";
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new($"SELECT (registered_at AT TIME ZONE @tz)::date, channel, count(*) {Cohort} GROUP BY 1, 2 ORDER BY 1, 2"),
                new($"""
                    SELECT tier::text, count(*) FILTER (WHERE status = 'answered'), count(*) FILTER (WHERE status = 'answered' AND first_contact)
                    {Cohort} GROUP BY tier ORDER BY tier
                    """),
                new($"""
                    SELECT channel, count(*) FILTER (WHERE status = 'answered'), count(*) FILTER (WHERE status = 'answered' AND first_contact)
                    {Cohort} GROUP BY channel ORDER BY channel
                    """),
                new($"""
                    SELECT channel, count(*), avg(wait_seconds)::float8, percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_seconds),
                           count(*) FILTER (WHERE wait_seconds <= 30)
                    {Cohort} AND channel IN ('phone', 'chat') AND wait_seconds IS NOT NULL GROUP BY channel ORDER BY channel
                    """),
                new($"""
                    SELECT count(*) FILTER (WHERE written AND status = 'answered'),
                           count(*) FILTER (WHERE written AND status = 'answered' AND answered_at <= coalesce(extended_to, due_at)),
                           count(*) FILTER (WHERE status = 'answered' AND kind = ANY(@complaints)),
                           count(*) FILTER (WHERE status = 'answered' AND kind = ANY(@complaints) AND justified)
                    {Cohort}
                    """),
                new("""
                    SELECT count(*) FROM appeals
                    WHERE tenant_id = @tenant AND status = 'open' AND written AND coalesce(extended_to, due_at) < @now
                    """),
                new("""
                    SELECT count(*) FILTER (WHERE kind = 'escalated'), count(*) FILTER (WHERE kind = 'de-escalated')
                    FROM appeal_events WHERE tenant_id = @tenant AND at >= @start AND at < @end
                    """),
            },
        };
        foreach (NpgsqlBatchCommand c in batch.BatchCommands)
        {
            c.Parameters.AddWithValue("tenant", identity.TenantId);
            c.Parameters.AddWithValue("start", o.StartOf(first));
            c.Parameters.AddWithValue("end", o.StartOf(last.AddDays(1)));
            c.Parameters.AddWithValue("tz", o.Zone.Id);
            c.Parameters.AddWithValue("now", now);
            c.Parameters.AddWithValue("complaints", AppealKinds.All.Where(k => k.Complaint).Select(k => k.Code).ToArray());
        }
        var perDay = new List<DayCount>();
        var byTier = new List<FirstContactShare>();
        var byChannel = new List<FirstContactShare>();
        var waits = new List<WaitFigures>();
        await using var r = await batch.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) perDay.Add(new DayCount(r.GetFieldValue<DateOnly>(0), r.GetString(1), r.GetInt64(2)));
        foreach (var list in new[] { byTier, byChannel })
        {
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
                list.Add(new FirstContactShare(r.GetString(0), r.GetInt64(1), r.GetInt64(2), Share(r.GetInt64(2), r.GetInt64(1))));
        }
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct))
            waits.Add(new WaitFigures(r.GetString(0), r.GetInt64(1), Math.Round(r.GetDouble(2), 1), Math.Round(r.GetDouble(3), 1),
                Share(r.GetInt64(4), r.GetInt64(1))));
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var (writtenAnswered, onTime, complaints, justified) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var overdueNow = r.GetInt64(0);
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var escalations = new EscalationFigures(r.GetInt64(0), r.GetInt64(1));

        var answered = byTier.Sum(t => t.Answered);
        var firstContact = byTier.Sum(t => t.FirstContact);
        return TypedResults.Ok(new Figures(first, last, o.Zone.Id, perDay,
            new FirstContactShare("all", answered, firstContact, Share(firstContact, answered)), byTier, byChannel, waits,
            new WrittenFigures(writtenAnswered, onTime, Share(onTime, writtenAnswered), overdueNow),
            new ComplaintFigures(complaints, justified, Share(justified, complaints)), escalations));
    }
}
