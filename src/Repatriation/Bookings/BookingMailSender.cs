using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;
using Platform.Contracts;
using Platform.Mail;
using Platform.Messaging;

namespace Platform.Repatriation.Bookings;

/// <summary>
/// Sends booking requests to providers through <c>ConnectionStrings:mail</c> with the platform's <see cref="Smtp"/>, as the
/// clinic network sends guarantee letters: rows are claimed with FOR UPDATE SKIP LOCKED and leased before sending, so
/// replicas share the work and a replica that dies mid-send leaves the row to be taken again; a failure is retried on
/// the platform's retry schedule for <see cref="RepatriationOptions.MailRetryFor"/>, a refused recipient fails at once.
/// </summary>
public sealed partial class BookingMailSender(
    NpgsqlDataSource dataSource, IConfiguration configuration, IOptions<RepatriationOptions> options, TimeProvider clock,
    ILogger<BookingMailSender> logger) : BackgroundService
{
    private const int BatchSize = 10;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private sealed record Claimed(Guid Id, string TenantId, string Address, int Attempts, DateTimeOffset CreatedAt);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BatchPolling.RunAsync(SendBatchAsync, BatchSize, options.Value.MailPollInterval, LogSendFailed, stoppingToken);

    internal async Task<int> SendBatchAsync(CancellationToken ct)
    {
        var token = Guid.NewGuid();
        var now = clock.GetUtcNow();
        var claimed = new List<Claimed>();
        await using (var cmd = dataSource.CreateCommand("""
            WITH due AS (
                SELECT id FROM booking_requests WHERE status = 'pending' AND next_attempt_at <= @now
                ORDER BY next_attempt_at LIMIT @batch FOR UPDATE SKIP LOCKED)
            UPDATE booking_requests b SET claim_token = @token, next_attempt_at = @lease_until
            FROM due WHERE b.id = due.id
            RETURNING b.id, b.tenant_id, b.address, b.attempts, b.created_at
            """))
        {
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("batch", BatchSize);
            cmd.Parameters.AddWithValue("token", token);
            cmd.Parameters.AddWithValue("lease_until", now + 2 * Timeout + TimeSpan.FromSeconds(30));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                claimed.Add(new Claimed(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetFieldValue<DateTimeOffset>(4)));
        }
        if (claimed.Count == 0) return 0;

        var from = MailboxAddress.Parse(options.Value.MailFrom!);
        var results = await Smtp.SendAsync(configuration.GetConnectionString("mail"), Timeout,
            claimed.Select(mail => new OutgoingMail(mail.Id, mail.Address, async c => await ComposeAsync(mail, from, c))).ToList(), ct);
        foreach (var mail in claimed)
            await RecordAsync(mail, token, results.GetValueOrDefault(mail.Id) ?? SendResult.Retry("No outcome."), ct);
        return claimed.Count;
    }

    private async Task<MimeMessage?> ComposeAsync(Claimed mail, MailboxAddress from, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await BookingRequests.FindAsync(connection, mail.TenantId, mail.Id, ct) is not { } found) return null;
        var o = options.Value;
        var t = BookingTexts.For(found.Provider.Language);
        var leg = found.Plan.Legs.First(l => l.Number == found.LegNumber);
        (string, string?)[] values =
        [
            ("case", found.Plan.CaseNumber), ("leg", t.LegLine(leg)), ("assistance", o.AssistanceName), ("phone", o.AssistancePhone),
            ("details", string.Join("\n", t.Rows(found.Plan, leg, found.Case).Select(r => $"{r.Label}: {r.Value}"))),
            ("link", BookingRequests.Url(o, mail.TenantId, mail.Id, clock.GetUtcNow())),
        ];
        var message = new MimeMessage
        {
            Subject = PersonLanguage.Fill(t.Subject, values),
            MessageId = $"{mail.Id:N}@{from.Domain}", // the same on a resend after a crash: recognisable as one message
            Body = new TextPart("plain") { Text = PersonLanguage.Fill(t.Body, values) },
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress(found.Provider.Name, mail.Address));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add(HeaderId.ContentLanguage, found.Provider.Language);
        return message;
    }

    private async Task RecordAsync(Claimed mail, Guid token, SendResult result, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var attempt = mail.Attempts + 1;
        var (status, next, error) = result switch
        {
            { Sent: true } => ("sent", (DateTimeOffset?)null, (string?)null),
            { Permanent: true } => ("failed", null, result.Error),
            _ when RetrySchedule.NextAttempt(attempt, now, mail.CreatedAt, new RetryWindow(o.MailRetryFor, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(30)),
                Random.Shared.NextDouble()) is { } at => ("pending", at, result.Error),
            _ => ("failed", null, $"Gave up after {attempt} attempt(s); the last: {result.Error}"),
        };
        await using var cmd = dataSource.CreateCommand("""
            UPDATE booking_requests
            SET status = @status, attempts = @attempts, last_error = @error, claim_token = NULL, next_attempt_at = coalesce(@next, next_attempt_at),
                sent_at = CASE WHEN @status = 'sent' THEN @now ELSE sent_at END, provider_message_id = coalesce(@provider_id, provider_message_id)
            WHERE id = @id AND claim_token = @token
            """);
        cmd.Parameters.AddWithValue("status", status);
        cmd.Parameters.AddWithValue("attempts", attempt);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("error", error));
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("next", next));
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("provider_id", result.ProviderId));
        cmd.Parameters.AddWithValue("id", mail.Id);
        cmd.Parameters.AddWithValue("token", token);
        await cmd.ExecuteNonQueryAsync(ct);
        if (status == "failed") LogGaveUp(mail.Id, mail.Address, error!);
    }

    [LoggerMessage(LogLevel.Warning, "The booking request {RequestId} to {Address} failed: {Error}")]
    private partial void LogGaveUp(Guid requestId, string address, string error);

    [LoggerMessage(LogLevel.Error, "Sending booking requests failed; retrying")]
    private partial void LogSendFailed(Exception e);
}
