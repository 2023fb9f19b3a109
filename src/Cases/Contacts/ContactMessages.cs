using MimeKit;
using Npgsql;
using PhoneNumbers;
using Platform.Cases.Tasks;
using Platform.Cases.Timeline;

namespace Platform.Cases.Contacts;

public static class MessageChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
    [EnumSchema("MessageChannel")]
    public static readonly string[] All = [Email, Sms];
}

/// <summary>
/// pending: waiting to be sent or to be tried again; sent: accepted by the mail server or the SMS provider; failed:
/// refused, or given up after retries; held: not sent (no consent, no usable address, no contact), a coordinator passes
/// it on by phone. Failed and held messages each raise a <see cref="TaskKinds.PassOnMessage"/> task.
/// </summary>
public static class MessageStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Held = "held";
    [EnumSchema("MessageStatus")]
    public static readonly string[] All = [Pending, Sent, Failed, Held];
}

/// <summary>Where a message goes: <c>Channel</c> and <c>Address</c> when it is sent, <c>Note</c> why it goes there or why not at all.</summary>
public sealed record MessageRoute(string Status, string? Channel, string? Address, string? Note);

/// <summary>
/// Messages the case owes its contacts (coverage warnings, document reviews, policy end). Each names its recipient
/// (a contact of the case) and is written in the recipient's language by the caller of <see cref="QueueAsync"/>. Queued
/// in the caller's transaction, routed at once (<see cref="Route"/>), shown on the timeline, and delivered by
/// <see cref="MessageSender"/>.
/// </summary>
public static class ContactMessages
{
    /// <param name="recipient">Null only for a case without any contact; the message is then held for a coordinator.</param>
    public static async Task QueueAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, CaseContact? recipient, string kind,
        string text, DateTimeOffset now, string actor, CancellationToken ct = default)
    {
        var id = Guid.CreateVersion7();
        var route = Route(recipient);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO contact_messages (id, tenant_id, case_id, kind, text, created_at, contact_id, recipient, channel, language,
                                          status, address, note, next_attempt_at)
            VALUES (@id, @tenant, @case_id, @kind, @text, @now, @contact_id, @recipient, @channel, @language,
                    @status, @address, @note, CASE WHEN @status = 'pending' THEN @now END)
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("text", text);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("contact_id", recipient?.Id));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("recipient", recipient?.Name));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("channel", route.Channel));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("language", recipient?.WrittenLanguage));
        cmd.Parameters.AddWithValue("status", route.Status);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("address", route.Address));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("note", route.Note));
        await cmd.ExecuteNonQueryAsync(ct);

        var to = recipient is null ? "No contact on the case"
            : route.Channel is null ? $"To {recipient.Name} ({recipient.Relation}), held: {route.Note}"
            : $"To {recipient.Name} ({recipient.Relation}) by {(route.Channel == MessageChannels.Email ? "e-mail" : "SMS")} to {route.Address}";
        await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, TimelineKinds.MessageToContact, $"{to}: {text}", actor,
            new
            {
                messageId = id, kind, contactId = recipient?.Id, recipient = recipient?.Name, channel = route.Channel, address = route.Address,
                language = recipient?.WrittenLanguage, status = route.Status, note = route.Note,
            }, ct);
        if (route.Status == MessageStatuses.Held)
            await PassOnTaskAsync(transaction, tenantId, caseId, id, recipient?.Name, route.Note!, now, actor, ct);
    }

    /// <summary>
    /// The rule: nothing is written to a contact who has not agreed to it. Otherwise the message goes by the channel
    /// they prefer when it has an address: <c>email</c> by e-mail; <c>sms</c> by SMS; <c>phone</c> and <c>messenger</c>
    /// by SMS to the same number (the platform cannot speak a message, and no messenger provider is connected). When the
    /// preferred channel has no usable address (no e-mail; no number, or a fixed line, which takes no SMS), the other
    /// one is used; with neither, the message is held for a coordinator.
    /// </summary>
    public static MessageRoute Route(CaseContact? contact)
    {
        if (contact is null) return new(MessageStatuses.Held, null, null, "The case has no contact to write to: pass it on by phone.");
        if (!contact.ConsentsToMessages)
            return new(MessageStatuses.Held, null, null, $"{contact.Name} has not agreed to be written to: pass it on by phone.");
        var email = EmailAddress(contact.Email);
        var mobile = MobileNumber(contact.Phone);
        var preferred = contact.PreferredChannel == MessageChannels.Email ? MessageChannels.Email : MessageChannels.Sms;
        string? Why(string channel) => (contact.PreferredChannel, channel) switch
        {
            ("phone", MessageChannels.Sms) => "Prefers calls; written messages go by SMS to the same number.",
            ("messenger", MessageChannels.Sms) => "Prefers a messenger; none is connected, so by SMS to the same number.",
            ("email", MessageChannels.Sms) => "Prefers e-mail, but has no valid e-mail address: by SMS.",
            (_, MessageChannels.Email) when preferred == MessageChannels.Sms =>
                contact.Phone is null ? "No phone number: by e-mail." : $"{contact.Phone} cannot take SMS: by e-mail.",
            _ => null,
        };
        if (preferred == MessageChannels.Email && email is not null) return new(MessageStatuses.Pending, MessageChannels.Email, email, null);
        if (preferred == MessageChannels.Sms && mobile is not null) return new(MessageStatuses.Pending, MessageChannels.Sms, mobile, Why(MessageChannels.Sms));
        if (mobile is not null) return new(MessageStatuses.Pending, MessageChannels.Sms, mobile, Why(MessageChannels.Sms));
        if (email is not null) return new(MessageStatuses.Pending, MessageChannels.Email, email, Why(MessageChannels.Email));
        return new(MessageStatuses.Held, null, null,
            $"{contact.Name} has no e-mail address or mobile number to write to: pass it on by phone.");
    }

    /// <summary>The address when it is a single valid mailbox, else null.</summary>
    public static string? EmailAddress(string? email) =>
        !string.IsNullOrWhiteSpace(email) && MailboxAddress.TryParse(email.Trim(), out var mailbox) && mailbox.Address.Contains('@')
            ? mailbox.Address : null;

    /// <summary>The number in E.164 when it can take SMS (a mobile number, or one that may be: not a known fixed line), else null.</summary>
    public static string? MobileNumber(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone)) return null;
        var util = PhoneNumberUtil.GetInstance();
        try
        {
            var number = util.Parse(phone, null);
            if (!util.IsValidNumber(number)) return null;
            return util.GetNumberType(number) is PhoneNumberType.FIXED_LINE or PhoneNumberType.TOLL_FREE or PhoneNumberType.PREMIUM_RATE
                or PhoneNumberType.SHARED_COST or PhoneNumberType.VOIP or PhoneNumberType.PAGER or PhoneNumberType.UAN
                ? null : util.Format(number, PhoneNumberFormat.E164);
        }
        catch (NumberParseException)
        {
            return null; // no country code: the platform cannot tell where the number is
        }
    }

    /// <summary>A task for the case's coordinator to tell the contact by phone what could not be written to them.</summary>
    public static Task<Guid?> PassOnTaskAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, Guid messageId, string? recipient,
        string why, DateTimeOffset now, string actor, CancellationToken ct) =>
        CaseTasks.CreateAsync(transaction, tenantId, caseId, TaskKinds.PassOnMessage,
            $"Pass on a message to {recipient ?? "the caller"} by phone: {why}", now + TimeSpan.FromHours(1), now, actor,
            dedupKey: $"message:{messageId}", data: new { messageId }, ct: ct);
}
