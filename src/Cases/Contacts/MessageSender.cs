using Platform.Messaging;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Mail;

namespace Platform.Cases.Contacts;

public sealed class MessageDeliveryOptions : IRetrySchedule
{
    /// <summary>A message is tried for this long (mail server or SMS provider down) before it is marked failed and a coordinator calls instead.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(12);

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(30);
    public double Jitter { get; set; } = 0.2;
    public int? MaxAttempts { get; set; }

    /// <summary>How often due messages are looked for (each replica; rows are claimed, so replicas share the work).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 20;

    /// <summary>How long the mail server or the SMS provider has to answer one step (connect, send).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The sender of e-mails (name and address).</summary>
    public string From { get; set; } = "Medical assistance <assistance@medassist.example>";

    /// <summary>The sender name shown on SMS (alphanumeric sender id, as registered with the provider).</summary>
    public string SmsSender { get; set; } = "MedAssist";
}

/// <summary>A message claimed for sending: what, to whom, where.</summary>
public sealed record OutgoingMessage(
    Guid Id, string TenantId, Guid CaseId, string CaseNumber, string Kind, string Text, string Language, string? Recipient,
    Guid? ContactId, string Channel, string Address, int Attempts, DateTimeOffset RetryFrom);

/// <summary>A way of reaching a person: e-mail (<see cref="EmailChannel"/>) or SMS (<see cref="SmsChannel"/>).</summary>
public interface IMessageChannel
{
    string Name { get; }

    /// <summary>Sends the messages (all of this channel), returning an outcome for each; never throws for a failed send.</summary>
    Task<IReadOnlyDictionary<Guid, SendResult>> SendAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct);
}

/// <summary>
/// Delivers queued messages to contacts by their channel, and retries failures with capped exponential backoff and
/// jitter for <see cref="MessageDeliveryOptions.RetryFor"/>. Rows are claimed with FOR UPDATE SKIP LOCKED and leased
/// (a claim token and a later due time) before sending, as webhook deliveries are, so replicas share the work and a
/// replica that dies mid-send leaves the row to be taken again (an SMS carries the message id as its reference, which
/// the provider de-duplicates; an e-mail keeps its Message-ID). A message sent is on the timeline; one that failed for
/// good is too, and a coordinator gets a task to pass it on by phone.
/// </summary>
public sealed partial class MessageSender(
    NpgsqlDataSource dataSource,
    IEnumerable<IMessageChannel> channels,
    IOptions<MessageDeliveryOptions> options,
    TimeProvider clock,
    ILogger<MessageSender> logger) : BackgroundService
{
    private static readonly Meter Meter = new("Platform.Cases.Messages");
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("messages.delivery.attempts");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("messages.sent");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("messages.failed");

    private readonly MessageDeliveryOptions _options = options.Value;
    private readonly Dictionary<string, IMessageChannel> _channels = channels.ToDictionary(c => c.Name);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BatchPolling.RunAsync(SendBatchAsync, _options.BatchSize, _options.PollInterval, LogSendFailed, stoppingToken);

    /// <summary>Claims and sends one batch of due messages; returns how many were claimed.</summary>
    internal async Task<int> SendBatchAsync(CancellationToken ct)
    {
        var token = Guid.NewGuid();
        var now = clock.GetUtcNow();
        var claimed = new List<OutgoingMessage>();
        await using (var cmd = dataSource.CreateCommand("""
            WITH due AS (
                SELECT id FROM contact_messages
                WHERE status = 'pending' AND next_attempt_at <= @now
                ORDER BY next_attempt_at
                LIMIT @batch
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE contact_messages m SET claim_token = @token, next_attempt_at = @lease_until
                FROM due
                WHERE m.id = due.id
                RETURNING m.*)
            SELECT m.id, m.tenant_id, m.case_id, c.number, m.kind, m.text, coalesce(m.language, 'en'), m.recipient, m.contact_id,
                   m.channel, m.address, m.attempts, coalesce(m.retry_from, m.created_at)
            FROM claimed m JOIN cases c ON c.id = m.case_id
            """))
        {
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("batch", _options.BatchSize);
            cmd.Parameters.AddWithValue("token", token);
            // Two steps (connect, send) each within the timeout, and a margin: the lease outlives a slow send.
            cmd.Parameters.AddWithValue("lease_until", now + 2 * _options.Timeout + TimeSpan.FromSeconds(30));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                claimed.Add(new OutgoingMessage(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetString(5),
                    r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetGuid(8), r.GetString(9), r.GetString(10),
                    r.GetInt32(11), r.GetFieldValue<DateTimeOffset>(12)));
        }
        if (claimed.Count == 0) return 0;

        await Task.WhenAll(claimed.GroupBy(m => m.Channel).Select(async group =>
        {
            var messages = group.ToList();
            IReadOnlyDictionary<Guid, SendResult> results;
            if (!_channels.TryGetValue(group.Key, out var channel))
                results = messages.ToDictionary(m => m.Id, _ => SendResult.Refused($"No {group.Key} channel is configured."));
            else
            {
                try { results = await channel.SendAsync(messages, ct); }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; } // the lease runs out; taken again
            }
            foreach (var message in messages)
                await RecordAsync(message, token, results.GetValueOrDefault(message.Id) ?? SendResult.Retry("No outcome."), ct);
        }));
        return claimed.Count;
    }

    /// <summary>Records one attempt's outcome, only while this sender still holds the claim.</summary>
    private async Task RecordAsync(OutgoingMessage message, Guid token, SendResult result, CancellationToken ct)
    {
        Attempts.Add(1, new KeyValuePair<string, object?>("channel", message.Channel));
        var now = clock.GetUtcNow();
        var attempt = message.Attempts + 1;
        var (status, next, error) = result switch
        {
            { Sent: true } => (MessageStatuses.Sent, (DateTimeOffset?)null, (string?)null),
            { Permanent: true } => (MessageStatuses.Failed, null, result.Error),
            _ when RetrySchedule.NextAttempt(attempt, now, message.RetryFrom, _options, Random.Shared.NextDouble()) is { } at =>
                (MessageStatuses.Pending, at, result.Error),
            _ => (MessageStatuses.Failed, null,
                $"Gave up after {attempt} attempt(s) over {RetrySchedule.Format(now - message.RetryFrom)}; the last: {result.Error}"),
        };

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var update = new NpgsqlCommand("""
            UPDATE contact_messages
            SET status = @status, attempts = @attempts, last_error = @error, claim_token = NULL,
                next_attempt_at = @next, provider_id = coalesce(@provider_id, provider_id),
                sent_at = CASE WHEN @status = 'sent' THEN @now ELSE sent_at END
            WHERE id = @id AND claim_token = @token
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("status", status);
            update.Parameters.AddWithValue("attempts", attempt);
            update.Parameters.Add(new NpgsqlParameter<string?>("error", error));
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("next", next));
            update.Parameters.Add(new NpgsqlParameter<string?>("provider_id", result.ProviderId));
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("id", message.Id);
            update.Parameters.AddWithValue("token", token);
            if (await update.ExecuteNonQueryAsync(ct) == 0) return; // the lease ran out and another sender took the row
        }

        var how = message.Channel == MessageChannels.Email ? "E-mail" : "SMS";
        var to = $"{message.Recipient ?? "the contact"} ({message.Address})";
        var data = new { messageId = message.Id, kind = message.Kind, contactId = message.ContactId, channel = message.Channel, address = message.Address, attempts = attempt };
        if (status == MessageStatuses.Sent)
        {
            Sent.Add(1, new KeyValuePair<string, object?>("channel", message.Channel));
            await CaseTimeline.AppendAsync(transaction, message.TenantId, message.CaseId, now, TimelineKinds.MessageSent,
                $"{how} to {to} sent: {MessageTexts.Subject(message.Kind, message.Language, message.CaseNumber)}", "cases", data, ct);
        }
        else if (status == MessageStatuses.Failed)
        {
            Failed.Add(1, new KeyValuePair<string, object?>("channel", message.Channel));
            LogGaveUp(message.Id, message.TenantId, message.Channel, attempt, error!);
            await CaseTimeline.AppendAsync(transaction, message.TenantId, message.CaseId, now, TimelineKinds.MessageFailed,
                $"{how} to {to} not delivered: {error}", "cases", new { data.messageId, data.kind, data.contactId, data.channel, data.address, data.attempts, error }, ct);
            await ContactMessages.PassOnTaskAsync(transaction, message.TenantId, message.CaseId, message.Id, message.Recipient,
                $"the {how} to {message.Address} could not be delivered", now, "cases", ct);
        }
        await transaction.CommitAsync(ct);
    }

    [LoggerMessage(LogLevel.Warning, "Message {MessageId} of tenant {TenantId} by {Channel} failed after {Attempts} attempt(s): {Error}")]
    private partial void LogGaveUp(Guid messageId, string tenantId, string channel, int attempts, string error);

    [LoggerMessage(LogLevel.Error, "Sending messages to contacts failed; retrying")]
    private partial void LogSendFailed(Exception e);
}

/// <summary>What frames a message in the reader's language: the e-mail's subject and closing line.</summary>
public static class MessageTexts
{
    private static readonly Dictionary<string, (string Russian, string English)> Subjects = new()
    {
        ["documents"] = ("документы", "documents"),
        ["coverage-warning"] = ("лимит страхового покрытия", "your insurance cover limit"),
        ["policy-extension"] = ("окончание срока действия полиса", "your policy is ending"),
    };

    public static string Subject(string kind, string language, string caseNumber)
    {
        var (russian, english) = Subjects.GetValueOrDefault(kind, ("сообщение координатора", "a message from your coordinator"));
        return PersonLanguage.Of(language) == PersonLanguage.Russian ? $"Случай {caseNumber}: {russian}" : $"Case {caseNumber}: {english}";
    }

    public static string EmailBody(string text, string language, string caseNumber) =>
        text + "\n\n" + (PersonLanguage.Of(language) == PersonLanguage.Russian
            ? $"Это автоматическое сообщение по случаю {caseNumber}. Отвечать на него не нужно: по любому вопросу позвоните координатору и назовите номер случая."
            : $"This is an automatic message about case {caseNumber}. There is no need to reply: for any question, call your coordinator and give the case number.");
}
