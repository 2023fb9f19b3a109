using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Platform.Intake.Appeals;

/// <summary>Appeals registered on one channel (in an hour, or over the whole period).</summary>
public sealed record ChannelCount(
    [property: OneOf(typeof(AppealVocabulary), nameof(AppealVocabulary.Channels))] string Channel,
    long Appeals);

/// <summary>
/// One hour (UTC, <c>Hour</c> is its start) with at least one appeal: how many were registered, in all and per channel.
/// </summary>
public sealed record HourFigure(DateTimeOffset Hour, long Appeals, IReadOnlyList<ChannelCount> Channels);

/// <summary>
/// Appeals registered in [From, To): <c>Total</c>; <c>Channels</c>, per channel over the period, the busiest first;
/// <c>Hours</c>, per UTC hour, oldest first, leaving out the hours without any appeal (a client shows them as zero,
/// in the person's own zone).
/// </summary>
public sealed record AppealFiguresResponse(
    DateTimeOffset From,
    DateTimeOffset To,
    long Total,
    IReadOnlyList<ChannelCount> Channels,
    IReadOnlyList<HourFigure> Hours);

/// <summary>
/// How many appeals came in per hour and per channel (seed 003: how the call centre is loaded, and through which
/// lines): what a supervisor staffs the lines by. Counted from the appeals table for any period up to a month.
/// </summary>
public static class AppealFigures
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(31);

    public static RouteHandlerBuilder MapAppealFiguresApi(this RouteGroupBuilder appeals) =>
        appeals.MapGet("/figures", GetAsync)
            .RequireAccess(Access.Supervise)
            .WithSummary("Appeals registered per UTC hour and per channel, with totals per channel (default: the last 24 hours; at most 31 days)");

    private static async Task<Results<Ok<AppealFiguresResponse>, ValidationProblem>> GetAsync(
        RequestIdentity identity, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct,
        DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var end = (to ?? clock.GetUtcNow()).ToUniversalTime();
        var start = (from ?? end - DefaultPeriod).ToUniversalTime();
        var errors = new ValidationErrors();
        if (start >= end) errors.Add("from", "The period must start before it ends ('from' before 'to').");
        else if (end - start > MaxPeriod) errors.Add("to", $"The period can be at most {MaxPeriod.TotalDays:0} days long.");
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        return TypedResults.Ok(await ReadAsync(dataSource, identity.TenantId, start, end, ct));
    }

    public static async Task<AppealFiguresResponse> ReadAsync(NpgsqlDataSource dataSource, string tenantId,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // One pass over the tenant's appeals of the period (the (tenant_id, registered_at) index): hour and channel.
        await using var cmd = dataSource.CreateCommand("""
            SELECT date_trunc('hour', registered_at, 'UTC') AS hour, channel, count(*)
            FROM appeals
            WHERE tenant_id = @tenant AND registered_at >= @from AND registered_at < @to
            GROUP BY 1, 2
            ORDER BY 1, 2
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);

        var rows = new List<(DateTimeOffset Hour, string Channel, long Count)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add((r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetInt64(2)));

        var hours = rows.GroupBy(row => row.Hour)
            .Select(hour => new HourFigure(hour.Key, hour.Sum(row => row.Count),
                hour.OrderByDescending(row => row.Count).ThenBy(row => row.Channel, StringComparer.Ordinal)
                    .Select(row => new ChannelCount(row.Channel, row.Count)).ToList()))
            .ToList();
        var channels = rows.GroupBy(row => row.Channel)
            .Select(channel => new ChannelCount(channel.Key, channel.Sum(row => row.Count)))
            .OrderByDescending(channel => channel.Appeals).ThenBy(channel => channel.Channel, StringComparer.Ordinal)
            .ToList();
        return new AppealFiguresResponse(from, to, rows.Sum(row => row.Count), channels, hours);
    }
}
