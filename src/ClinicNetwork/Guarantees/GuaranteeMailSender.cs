using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;
using Platform.Contracts;
using Platform.Mail;
using Platform.Messaging;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// Sends the letters' e-mails to clinics, with the letter as it stands attached as a PDF, through
/// <c>ConnectionStrings:mail</c> by the platform's <see cref="Smtp"/> (as Cases' messages to contacts go).
/// Rows are claimed with FOR UPDATE SKIP LOCKED and leased (a claim token and a later due time) before sending, as
/// Cases' MessageSender does, so replicas share the work and a replica that dies mid-send leaves the row to be taken
/// again; a failure is retried by the platform's retry schedule for <see cref="GuaranteeOptions.MailRetryFor"/>, a refused
/// recipient (5xx) fails at once.
/// </summary>
public sealed partial class GuaranteeMailSender(
    NpgsqlDataSource dataSource, GuaranteeLetters letters, AcknowledgementLinks links, IConfiguration configuration,
    IOptions<GuaranteeOptions> options, TimeProvider clock, ILogger<GuaranteeMailSender> logger) : BackgroundService
{
    private const int BatchSize = 10;

    private sealed record Claimed(Guid Id, string TenantId, Guid LetterId, string Kind, string Address, int Attempts, DateTimeOffset CreatedAt);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BatchPolling.RunAsync(SendBatchAsync, BatchSize, options.Value.MailPollInterval, LogSendFailed, stoppingToken);

    internal async Task<int> SendBatchAsync(CancellationToken ct)
    {
        var o = options.Value;
        var token = Guid.NewGuid();
        var now = clock.GetUtcNow();
        var claimed = new List<Claimed>();
        await using (var cmd = dataSource.CreateCommand("""
            WITH due AS (
                SELECT id FROM guarantee_mails WHERE status = 'pending' AND next_attempt_at <= @now
                ORDER BY next_attempt_at LIMIT @batch FOR UPDATE SKIP LOCKED)
            UPDATE guarantee_mails m SET claim_token = @token, next_attempt_at = @lease_until
            FROM due WHERE m.id = due.id
            RETURNING m.id, m.tenant_id, m.letter_id, m.kind, m.address, m.attempts, m.created_at
            """))
        {
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("batch", BatchSize);
            cmd.Parameters.AddWithValue("token", token);
            cmd.Parameters.AddWithValue("lease_until", now + 2 * o.MailTimeout + TimeSpan.FromSeconds(30));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                claimed.Add(new Claimed(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                    r.GetFieldValue<DateTimeOffset>(6)));
        }
        if (claimed.Count == 0) return 0;

        var results = await SendAsync(claimed, ct);
        foreach (var mail in claimed)
            await RecordAsync(mail, token, results.GetValueOrDefault(mail.Id) ?? SendResult.Retry("No outcome."), ct);
        return claimed.Count;
    }

    /// <summary>Sends the claimed e-mails over one connection; a letter gone since it was queued has nothing left to send.</summary>
    private Task<IReadOnlyDictionary<Guid, SendResult>> SendAsync(List<Claimed> mails, CancellationToken ct)
    {
        var from = MailboxAddress.Parse(options.Value.MailFrom!);
        return Smtp.SendAsync(configuration.GetConnectionString("mail"), options.Value.MailTimeout,
            mails.Select(mail => new OutgoingMail(mail.Id, mail.Address, async token =>
                await letters.GetAsync(mail.TenantId, mail.LetterId, token) is { } letter ? Compose(letter, mail, from) : null)).ToList(), ct);
    }

    private MimeMessage Compose(GuaranteeLetter letter, Claimed mail, MailboxAddress from)
    {
        var o = options.Value;
        var t = LetterTexts.For(letter.Language);
        var link = links.Url(letter.TenantId, letter.Id);
        var amount = t.Money(letter.Amount, letter.Currency);
        (string, string?)[] values =
        [
            ("number", letter.Number), ("patient", letter.Insured.Name), ("case", letter.CaseNumber), ("amount", amount),
            ("dob", letter.Insured.DateOfBirth is { } dob ? t.Date(dob) : "—"), ("benefit", t.BenefitOf(letter.Benefit)),
            ("from", t.Date(letter.PeriodFrom)), ("to", t.Date(letter.PeriodTo)), ("status", t.StatusOf(letter.Status)), ("link", link),
            ("assistance", o.AssistanceName), ("phone", o.AssistancePhone),
        ];
        var subject = mail.Kind switch { "amended" => t.MailAmended, "revoked" => t.MailRevoked, _ => t.MailIssued };
        var body = new BodyBuilder { TextBody = PersonLanguage.Fill(t.MailBody, values) };
        body.Attachments.Add($"{letter.Number}.pdf", LetterPdf.Render(letter, o, link), new ContentType("application", "pdf"));
        var message = new MimeMessage
        {
            Subject = PersonLanguage.Fill(subject, values),
            MessageId = $"{mail.Id:N}@{from.Domain}", // the same on a resend after a crash: recognisable as one message
            Body = body.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress(letter.Clinic.Name, mail.Address));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add(HeaderId.ContentLanguage, letter.Language);
        return message;
    }

    private async Task RecordAsync(Claimed mail, Guid token, SendResult result, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var attempt = mail.Attempts + 1;
        // The platform's retry schedule (doubling, capped, with jitter), given up once past the retry window.
        var (status, next, error) = result switch
        {
            { Sent: true } => (DeliveryStatuses.Sent, (DateTimeOffset?)null, (string?)null),
            { Permanent: true } => (DeliveryStatuses.Failed, null, result.Error),
            _ when RetrySchedule.NextAttempt(attempt, now, mail.CreatedAt, o.MailRetries, Random.Shared.NextDouble()) is { } at =>
                (DeliveryStatuses.Pending, at, result.Error),
            _ => (DeliveryStatuses.Failed, null, $"Gave up after {attempt} attempt(s); the last: {result.Error}"),
        };
        await using var cmd = dataSource.CreateCommand("""
            UPDATE guarantee_mails
            SET status = @status, attempts = @attempts, last_error = @error, claim_token = NULL, next_attempt_at = @next,
                sent_at = CASE WHEN @status = 'sent' THEN @now ELSE sent_at END
            WHERE id = @id AND claim_token = @token
            """);
        cmd.Parameters.AddWithValue("status", status);
        cmd.Parameters.AddWithValue("attempts", attempt);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("error", error));
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("next", next));
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("id", mail.Id);
        cmd.Parameters.AddWithValue("token", token);
        await cmd.ExecuteNonQueryAsync(ct);
        if (status == DeliveryStatuses.Failed) LogGaveUp(mail.LetterId, mail.Address, error!);
    }

    [LoggerMessage(LogLevel.Warning, "The e-mail of guarantee letter {LetterId} to {Address} failed: {Error}")]
    private partial void LogGaveUp(Guid letterId, string address, string error);

    [LoggerMessage(LogLevel.Error, "Sending guarantee letters' e-mails failed; retrying")]
    private partial void LogSendFailed(Exception e);
}
