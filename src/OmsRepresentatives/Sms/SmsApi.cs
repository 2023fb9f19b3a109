using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Mail;
using Platform.OmsRepresentatives.Profile;

namespace Platform.OmsRepresentatives.Sms;

/// <summary>How many receipts named one of our invitations (<c>Applied</c>, also when it already had an outcome) and how many named none.</summary>
public sealed record SmsReceiptsApplied(int Applied, int Unknown);

public sealed record SmsWindow(TimeSpan From, TimeSpan Until, bool Open);

public sealed record SmsProviderStatus(string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? LastSuccessAt);

/// <summary>
/// The SMO's reminder SMS of today (its local date, in its profile's time zone): invitations scheduled for today by
/// delivery state, those of earlier days still pending, the sending window, and what this replica last heard from the provider.
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
    /// <summary>At most this many receipts in one POST.</summary>
    public const int MaxReceipts = 10_000;

    public static IHostApplicationBuilder AddSms(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmsOptions>().BindConfiguration(SmsOptions.Section).ValidateOnStart();
        // Refuses to start with the settings' problems named, each with its key.
        builder.Services.AddSingleton<IValidateOptions<SmsOptions>, SmsOptionsValidation>();
        builder.Services.AddSingleton<SmsProviderState>();
        builder.Services.AddSingleton<SmsThrottle>();
        builder.Services.AddSingleton<ISmsProvider, HttpSmsProvider>();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
        builder.Services.AddHttpClient(HttpSmsProvider.ClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<IOptions<SmsOptions>>().Value.Timeout)
            // The provider is a third party: the dispatcher retries, backs off and records attempts itself, so the
            // standard retries would only hold a batch's claim longer; service discovery does not apply to its address.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear())
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddHostedService<SmsDispatcher>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSmsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sms").WithTags("Reminder SMS");
        group.MapPost("/receipts", ApplyReceiptsAsync).AllowAnonymous()
            .Accepts<SmsReceipts>("application/json")
            .WithSummary("The SMS provider's delivery receipts (the platform's SMS protocol, the body signed with its key in X-Receipt-Signature): each marks its invitation delivered or undelivered, once; unknown references are counted and ignored");
        group.MapGet("/status", StatusAsync).RequireAccess(Access.OmsSupervise)
            .WithSummary("Today's reminder SMS by delivery state (the SMO's date), the sending window, the provider's last error");
        return app;
    }

    private static async Task<Results<Ok<SmsReceiptsApplied>, ValidationProblem, ProblemHttpResult>> ApplyReceiptsAsync(
        HttpContext http, NpgsqlDataSource db, TimeProvider clock, IConfiguration configuration, CancellationToken ct)
    {
        // The provider is no caller of the gateway's: it proves itself by signing the body with the key it shares with
        // us (ConnectionStrings:sms). The body is read whole first, as the signature is over its bytes.
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        SmsProvider? provider;
        try { provider = SmsProvider.From(configuration.GetConnectionString("sms")); }
        catch (InvalidOperationException) { provider = null; }
        if (provider is null || !provider.Signed(http.Request.Headers[SmsProvider.SignatureHeader].ToString(), buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
            return Problems.Unauthenticated($"The {SmsProvider.SignatureHeader} header is missing or is not the body's signature with the SMS provider's key.");
        SmsReceipts body;
        try { body = JsonSerializer.Deserialize<SmsReceipts>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), PlatformJson.Options) ?? new SmsReceipts(null); }
        catch (JsonException error)
        {
            return Problems.Validation(error.Path is { Length: > 1 } path ? path.TrimStart('$', '.') : "receipts", "The body is not the receipts' JSON: " + error.Message);
        }

        var receipts = body.Receipts ?? [];
        var e = new ValidationErrors();
        if (body.Receipts is null) e.Required("receipts", null);
        if (receipts.Count > MaxReceipts) e.Add("receipts", $"At most {MaxReceipts} receipts per request.");
        for (var i = 0; i < receipts.Count && i < MaxReceipts; i++)
        {
            var r = receipts[i];
            if (r is null) { e.Required($"receipts[{i}]", null); continue; }
            if (e.Required($"receipts[{i}].reference", r.Reference)) e.MaxLength($"receipts[{i}].reference", r.Reference, 100);
            e.MaxLength($"receipts[{i}].id", r.Id, 100);
            if (e.Required($"receipts[{i}].status", r.Status))
                e.OneOf($"receipts[{i}].status", r.Status, [SmsReceipt.Delivered, SmsReceipt.Undelivered]);
            e.MaxLength($"receipts[{i}].error", r.Error, 1000);
        }
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "No receipt was applied; correct the fields named.");

        // Applied by our reference (oms-invitation-{id}): a receipt may come before the provider's id was recorded,
        // which it then records. A receipt names no tenant; the invitation's id is ours and unique. It applies once:
        // an invitation already delivered or undelivered keeps its first outcome (a repeated receipt changes nothing).
        // A claim in progress is left to run out (the sender records its attempt without undoing the outcome).
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            WITH src AS (
                SELECT * FROM unnest(@invitations, @provider_ids, @statuses, @ats, @errors) WITH ORDINALITY AS r(invitation, provider_id, status, at, error, n)),
            r AS (SELECT DISTINCT ON (invitation) * FROM src WHERE invitation IS NOT NULL ORDER BY invitation, n),
            applied AS (
                UPDATE invitations i SET delivery = r.status,
                    delivered_at = CASE WHEN r.status = 'delivered' THEN r.at END,
                    last_error = CASE WHEN r.status = 'undelivered' THEN coalesce(r.error, 'Not delivered.') ELSE i.last_error END,
                    provider_message_id = coalesce(i.provider_message_id, r.provider_id),
                    next_attempt_at = CASE WHEN i.delivery = 'sending' THEN i.next_attempt_at END
                FROM r
                WHERE i.id = r.invitation AND i.channel = 'sms' AND i.delivery IN ('pending', 'sending', 'sent')
                RETURNING i.id)
            SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM invitations i WHERE i.id = src.invitation AND i.channel = 'sms'))::int,
                   count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM invitations i WHERE i.id = src.invitation AND i.channel = 'sms'))::int,
                   (SELECT count(*) FROM applied)::int
            FROM src
            """);
        cmd.Parameters.AddWithValue("invitations", receipts.Select(r => SmsReferences.InvitationOf(r.Reference!.Trim())).ToArray());
        cmd.Parameters.AddWithValue("provider_ids", receipts.Select(r => string.IsNullOrWhiteSpace(r.Id) ? null : r.Id.Trim()).ToArray());
        cmd.Parameters.AddWithValue("statuses", receipts.Select(r => r.Status!).ToArray());
        cmd.Parameters.AddWithValue("ats", receipts.Select(r => (r.At ?? now).ToUniversalTime()).ToArray());
        cmd.Parameters.AddWithValue("errors", receipts.Select(r => r.Error).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return TypedResults.Ok(new SmsReceiptsApplied(reader.GetInt32(0), reader.GetInt32(1)));
    }

    private static async Task<Ok<SmsStatus>> StatusAsync(
        RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, IOptions<SmsOptions> options, SmsProviderState provider, CancellationToken ct)
    {
        var o = options.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        var smo = await SmoProfiles.GetAsync(connection, identity.TenantId, ct);
        var now = clock.GetUtcNow();
        var today = smo.DateAt(now);
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'pending')::int,
                   count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'sending')::int,
                   count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'sent')::int,
                   count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'delivered')::int,
                   count(*) FILTER (WHERE scheduled_on = @today AND delivery = 'undelivered')::int,
                   count(*) FILTER (WHERE scheduled_on < @today AND delivery = 'pending')::int
            FROM invitations i JOIN campaigns c ON c.id = i.campaign_id AND c.tenant_id = i.tenant_id
            WHERE i.tenant_id = @tenant AND i.channel = 'sms' AND i.scheduled_on <= @today AND i.delivery <> 'cancelled'
              AND (c.status = 'planned' OR i.delivery <> 'pending') -- a cancelled campaign's unsent invitations will never go
            """, connection);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("today", today);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return TypedResults.Ok(new SmsStatus(today, smo.TimeZone, r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5),
            new SmsWindow(o.WindowFrom, o.WindowUntil, SmsDispatcher.InWindow(smo.Local(now).TimeOfDay, o.WindowFrom, o.WindowUntil)),
            new SmsProviderStatus(provider.LastError, provider.LastErrorAt, provider.LastSuccessAt)));
    }
}
