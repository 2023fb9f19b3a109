using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.OmsRepresentatives.Sms;

/// <summary>One delivery report of the provider: its message id, our reference, delivered or undelivered, when, why not.</summary>
public sealed record SmsDeliveryReport(string? Id, string? Reference, string? Status, DateTimeOffset? At, string? Error);

/// <summary>The body the provider posts to <c>/sms/delivery-reports</c>.</summary>
public sealed record SmsDeliveryReports(IReadOnlyList<SmsDeliveryReport>? Reports);

/// <summary>How many reports matched an invitation (<c>Applied</c>, also when it already had that outcome) and how many named none.</summary>
public sealed record SmsReportsApplied(int Applied, int Unknown);

public sealed record SmsWindow(TimeSpan From, TimeSpan Until, bool Open);

public sealed record SmsProviderStatus(string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? LastSuccessAt);

/// <summary>
/// The SMO's reminder SMS of today (its local date): invitations scheduled for today by delivery state, those of earlier
/// days still pending, the sending window, and what this replica last heard from the provider.
/// </summary>
public sealed record SmsStatus(
    DateOnly Date, string TimeZone, int Pending, int Sending, int Sent, int Delivered, int Undelivered, int OverduePending,
    SmsWindow Window, SmsProviderStatus Provider);

/// <summary>Fails the start with each problem of the <c>Oms:Sms</c> settings named (<see cref="SmsOptions"/>).</summary>
internal sealed class SmsOptionsValidation : IValidateOptions<SmsOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}

public static class SmsApi
{
    public const string ReportTokenHeader = "X-Report-Token";

    public static IHostApplicationBuilder AddSms(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmsOptions>().BindConfiguration(SmsOptions.Section).ValidateOnStart();
        // Refuses to start with the settings' problems named, each with its key.
        builder.Services.AddSingleton<IValidateOptions<SmsOptions>, SmsOptionsValidation>();
        builder.Services.AddSingleton<SmsProviderState>();
        builder.Services.AddSingleton<SmsThrottle>();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
        builder.Services.AddHttpClient<ISmsProvider, HttpSmsProvider>((sp, client) =>
            {
                var o = sp.GetRequiredService<IOptions<SmsOptions>>().Value;
                client.BaseAddress = new Uri(o.BaseUrl!.TrimEnd('/') + "/");
                client.Timeout = o.Timeout;
            })
            // The dispatcher retries with its own backoff and records every attempt: the standard retries would only
            // hold a batch's claim longer (a resend is harmless, the reference is the same, but useless).
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddHostedService<SmsDispatcher>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSmsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sms").WithTags("Reminder SMS");
        group.MapPost("/delivery-reports", ApplyReportsAsync).AllowAnonymous()
            .WithSummary("The SMS provider's delivery reports (X-Report-Token): each marks its invitation delivered or undelivered; unknown ids are counted and ignored");
        group.MapGet("/status", StatusAsync).RequireAccess(Access.OmsSupervise)
            .WithSummary("Today's reminder SMS by delivery state (the SMO's date), the sending window, the provider's last error");
        return app;
    }

    private static async Task<Results<Ok<SmsReportsApplied>, ValidationProblem, ProblemHttpResult>> ApplyReportsAsync(
        HttpContext http, SmsDeliveryReports body, NpgsqlDataSource db, TimeProvider clock, IOptions<SmsOptions> options, CancellationToken ct)
    {
        // The provider is no caller of the gateway's: it proves itself with the token it was given (compared in constant time).
        if (!TokenMatches(http.Request.Headers[ReportTokenHeader].ToString(), options.Value.ReportToken!))
            return TypedResults.Problem($"The {ReportTokenHeader} header is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthenticated.", type: ProblemTypes.Unauthenticated);

        var reports = body.Reports ?? [];
        var e = new ValidationErrors();
        if (body.Reports is null) e.Required("reports", null);
        if (reports.Count > 10_000) e.Add("reports", "At most 10000 reports per request.");
        for (var i = 0; i < reports.Count && i < 10_000; i++)
        {
            if (e.Required($"reports[{i}].id", reports[i].Id)) e.MaxLength($"reports[{i}].id", reports[i].Id, 100);
            if (e.Required($"reports[{i}].status", reports[i].Status)) e.OneOf($"reports[{i}].status", reports[i].Status, ["delivered", "undelivered"]);
            e.MaxLength($"reports[{i}].error", reports[i].Error, 1000);
        }
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "No report was applied; correct the fields named.");

        // Provider ids are the provider's own and unique; a report names no tenant. A report applies once: an
        // invitation already delivered or undelivered keeps its first outcome (a repeated report changes nothing).
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            WITH r AS (SELECT * FROM unnest(@ids, @statuses, @ats, @errors) AS r(id, status, at, error)),
            applied AS (
                UPDATE invitations i SET delivery = r.status,
                    delivered_at = CASE WHEN r.status = 'delivered' THEN r.at END,
                    last_error = CASE WHEN r.status = 'undelivered' THEN coalesce(r.error, 'Not delivered.') ELSE i.last_error END
                FROM r
                WHERE i.provider_message_id = r.id AND i.provider_message_id IS NOT NULL AND i.delivery IN ('sending', 'sent')
                RETURNING i.id)
            SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM invitations i WHERE i.provider_message_id = r.id))::int,
                   count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM invitations i WHERE i.provider_message_id = r.id))::int,
                   (SELECT count(*) FROM applied)::int
            FROM r
            """);
        cmd.Parameters.AddWithValue("ids", reports.Select(r => r.Id!.Trim()).ToArray());
        cmd.Parameters.AddWithValue("statuses", reports.Select(r => r.Status!).ToArray());
        cmd.Parameters.AddWithValue("ats", reports.Select(r => (r.At ?? now).ToUniversalTime()).ToArray());
        cmd.Parameters.AddWithValue("errors", reports.Select(r => r.Error).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return TypedResults.Ok(new SmsReportsApplied(reader.GetInt32(0), reader.GetInt32(1)));
    }

    private static bool TokenMatches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static async Task<Ok<SmsStatus>> StatusAsync(
        RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, IOptions<SmsOptions> options, SmsProviderState provider, CancellationToken ct)
    {
        var o = options.Value;
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), o.Zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        await using var cmd = db.CreateCommand("""
            SELECT count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'pending')::int,
                   count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'sending')::int,
                   count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'sent')::int,
                   count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'delivered')::int,
                   count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'undelivered')::int,
                   count(*) FILTER (WHERE scheduled_on < @today AND delivery = 'pending')::int
            FROM invitations i JOIN campaigns c ON c.id = i.campaign_id AND c.tenant_id = i.tenant_id
            WHERE i.tenant_id = @tenant AND i.channel = 'sms' AND i.scheduled_on <= @today AND i.delivery <> 'cancelled'
              AND (c.status = 'planned' OR i.delivery <> 'pending') -- a cancelled campaign's unsent invitations will never go
            """);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("today", today);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return TypedResults.Ok(new SmsStatus(today, o.TimeZone, r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5),
            new SmsWindow(o.WindowFrom, o.WindowUntil, SmsDispatcher.InWindow(local.TimeOfDay, o.WindowFrom, o.WindowUntil)),
            new SmsProviderStatus(provider.LastError, provider.LastErrorAt, provider.LastSuccessAt)));
    }
}
