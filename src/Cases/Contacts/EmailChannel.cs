using Microsoft.Extensions.Options;
using MimeKit;
using Platform.Mail;

namespace Platform.Cases.Contacts;

/// <summary>
/// E-mail to contacts, sent by <see cref="Smtp"/> (one connection per batch): a plain-text UTF-8 message per contact,
/// marked as sent by a machine (Auto-Submitted), with a Message-ID made of the message's id, so a resend after a crash
/// is recognisable.
/// </summary>
public sealed class EmailChannel(IConfiguration configuration, IOptions<MessageDeliveryOptions> options) : IMessageChannel
{
    public string Name => MessageChannels.Email;

    public Task<IReadOnlyDictionary<Guid, SendResult>> SendAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct)
    {
        var from = MailboxAddress.Parse(options.Value.From);
        return Smtp.SendAsync(configuration.GetConnectionString("mail"), options.Value.Timeout,
            messages.Select(m => new OutgoingMail(m.Id, m.Address, _ => Task.FromResult<MimeMessage?>(Compose(m, from)))).ToList(), ct);
    }

    public static MimeMessage Compose(OutgoingMessage message, MailboxAddress from)
    {
        var mime = new MimeMessage
        {
            Subject = MessageTexts.Subject(message.Kind, message.Language, message.CaseNumber),
            MessageId = $"{message.Id:N}@{from.Domain}",
            Body = new TextPart("plain") { Text = MessageTexts.EmailBody(message.Text, message.Language, message.CaseNumber) },
        };
        mime.From.Add(from);
        mime.To.Add(new MailboxAddress(message.Recipient, message.Address));
        mime.Headers.Add("Auto-Submitted", "auto-generated"); // RFC 3834: no vacation replies to a machine
        mime.Headers.Add(HeaderId.ContentLanguage, message.Language);
        return mime;
    }
}
