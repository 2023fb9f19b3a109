using System.Data.Common;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Platform.Cases.Contacts;

/// <summary>
/// The mail server messages are sent through: <c>ConnectionStrings:mail</c> =
/// <c>Endpoint=smtp://host:port;Username=...;Password=...</c>. <c>smtp://</c> requires STARTTLS, except to a server on
/// the loopback (the development mail catcher); <c>smtps://</c> is TLS from the first byte (port 465).
/// </summary>
public sealed record MailServer(string Host, int Port, SecureSocketOptions Security, string? UserName, string? Password)
{
    public const string ConnectionName = "mail";

    public static MailServer? From(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(string key) => parts.TryGetValue(key, out var value) && value is string s && s.Length > 0 ? s : null;
        if (Get("Endpoint") is not { } endpoint || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps"))
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} needs Endpoint=smtp://host:port (or smtps://host:port).");
        var loopback = uri.IsLoopback;
        var security = uri.Scheme == "smtps" ? SecureSocketOptions.SslOnConnect
            : loopback ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.StartTls;
        return new MailServer(uri.Host, uri.IsDefaultPort ? (uri.Scheme == "smtps" ? 465 : 25) : uri.Port, security,
            Get("Username"), Get("Password"));
    }
}

/// <summary>
/// E-mail over SMTP with MailKit: one connection per batch, a plain-text UTF-8 message per contact, marked as sent by a
/// machine (Auto-Submitted), with a Message-ID made of the message's id, so a resend after a crash is recognisable. A
/// refused recipient (5xx) fails the message for good; anything else (server down, 4xx) is tried again.
/// </summary>
public sealed class EmailChannel(IConfiguration configuration, IOptions<MessageDeliveryOptions> options) : IMessageChannel
{
    public string Name => MessageChannels.Email;

    public async Task<IReadOnlyDictionary<Guid, SendResult>> SendAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct)
    {
        var results = new Dictionary<Guid, SendResult>();
        MailServer? server;
        try { server = MailServer.From(configuration.GetConnectionString("mail")); }
        catch (InvalidOperationException e) { return messages.ToDictionary(m => m.Id, _ => SendResult.Retry(e.Message)); }
        if (server is null)
            return messages.ToDictionary(m => m.Id, _ => SendResult.Retry($"No mail server is configured (ConnectionStrings:{MailServer.ConnectionName})."));

        var from = MailboxAddress.Parse(options.Value.From);
        using var client = new SmtpClient { Timeout = (int)options.Value.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(server.Host, server.Port, server.Security, ct);
            if (server.UserName is not null) await client.AuthenticateAsync(server.UserName, server.Password ?? "", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var why = $"The mail server {server.Host}:{server.Port} could not be used: {e.Message}";
            return messages.ToDictionary(m => m.Id, _ => SendResult.Retry(why));
        }

        foreach (var message in messages)
        {
            if (!client.IsConnected)
            {
                results[message.Id] = SendResult.Retry("The mail server closed the connection.");
                continue;
            }
            try
            {
                await client.SendAsync(Compose(message, from), ct);
                results[message.Id] = SendResult.Ok(MessageId(message, from));
            }
            catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
            {
                results[message.Id] = SendResult.Refused($"The mail server refused the message to {message.Address}: {(int)e.StatusCode} {e.Message}");
            }
            catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or IOException
                                          or SocketException or TimeoutException)
            {
                results[message.Id] = SendResult.Retry($"Sending to {message.Address} failed: {e.Message}");
            }
        }
        try { if (client.IsConnected) await client.DisconnectAsync(true, ct); }
        catch (Exception e) when (e is IOException or SmtpProtocolException or SocketException) { } // sent is sent
        return results;
    }

    private static string MessageId(OutgoingMessage message, MailboxAddress from) => $"{message.Id:N}@{from.Domain}";

    public static MimeMessage Compose(OutgoingMessage message, MailboxAddress from)
    {
        var mime = new MimeMessage
        {
            Subject = MessageTexts.Subject(message.Kind, message.Language, message.CaseNumber),
            MessageId = MessageId(message, from),
            Body = new TextPart("plain") { Text = MessageTexts.EmailBody(message.Text, message.Language, message.CaseNumber) },
        };
        mime.From.Add(from);
        mime.To.Add(new MailboxAddress(message.Recipient, message.Address));
        mime.Headers.Add("Auto-Submitted", "auto-generated"); // RFC 3834: no vacation replies to a machine
        mime.Headers.Add(HeaderId.ContentLanguage, message.Language);
        return mime;
    }
}
