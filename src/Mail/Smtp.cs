using System.Data.Common;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Platform.Mail;

/// <summary>The outcome of one attempt to send: sent (with the provider's id), refused for good, or to be tried again.</summary>
public sealed record SendResult(bool Sent, bool Permanent, string? ProviderId, string? Error)
{
    public static SendResult Ok(string? providerId) => new(true, false, providerId, null);
    public static SendResult Retry(string error) => new(false, false, null, error);
    public static SendResult Refused(string error) => new(false, true, null, error);
}

/// <summary>
/// The mail server messages are sent through: <c>ConnectionStrings:mail</c> =
/// <c>Endpoint=smtp://host:port;Username=...;Password=...</c>. <c>smtp://</c> requires STARTTLS, except to a server on
/// the loopback (the development mail catcher); <c>smtps://</c> is TLS from the first byte (port 465).
/// </summary>
public sealed record MailServer(string Host, int Port, SecureSocketOptions Security, string? UserName, string? Password)
{
    public const string ConnectionName = "mail";

    /// <summary>The server of a connection string; null when none is given; throws naming the rule when it is malformed.</summary>
    public static MailServer? From(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(string key) => parts.TryGetValue(key, out var value) && value is string s && s.Length > 0 ? s : null;
        if (Get("Endpoint") is not { } endpoint || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps"))
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} needs Endpoint=smtp://host:port (or smtps://host:port).");
        var security = uri.Scheme == "smtps" ? SecureSocketOptions.SslOnConnect
            : uri.IsLoopback ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.StartTls;
        return new MailServer(uri.Host, uri.IsDefaultPort ? (uri.Scheme == "smtps" ? 465 : 25) : uri.Port, security,
            Get("Username"), Get("Password"));
    }
}

/// <summary>One e-mail to send: its row's id, where it goes, and how to write it (null: there is nothing to send any more).</summary>
public sealed record OutgoingMail(Guid Id, string Address, Func<CancellationToken, Task<MimeMessage?>> Compose);

/// <summary>
/// Sends a batch of e-mails over one SMTP connection with MailKit. A refused recipient (5xx) fails that message for
/// good; anything else (no server configured, server down, 4xx, a broken connection) is to be tried again.
/// </summary>
public static class Smtp
{
    public static async Task<IReadOnlyDictionary<Guid, SendResult>> SendAsync(string? connectionString, TimeSpan timeout,
        IReadOnlyList<OutgoingMail> mails, CancellationToken ct)
    {
        MailServer? server;
        try { server = MailServer.From(connectionString); }
        catch (InvalidOperationException e) { return mails.ToDictionary(m => m.Id, _ => SendResult.Retry(e.Message)); }
        if (server is null)
            return mails.ToDictionary(m => m.Id, _ => SendResult.Retry($"No mail server is configured (ConnectionStrings:{MailServer.ConnectionName})."));

        using var client = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(server.Host, server.Port, server.Security, ct);
            if (server.UserName is not null) await client.AuthenticateAsync(server.UserName, server.Password ?? "", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var why = $"The mail server {server.Host}:{server.Port} could not be used: {e.Message}";
            return mails.ToDictionary(m => m.Id, _ => SendResult.Retry(why));
        }

        var results = new Dictionary<Guid, SendResult>();
        foreach (var mail in mails)
        {
            if (!client.IsConnected)
            {
                results[mail.Id] = SendResult.Retry("The mail server closed the connection.");
                continue;
            }
            if (await mail.Compose(ct) is not { } message)
            {
                results[mail.Id] = SendResult.Refused("There is nothing to send any more.");
                continue;
            }
            try
            {
                await client.SendAsync(message, ct);
                results[mail.Id] = SendResult.Ok(message.MessageId);
            }
            catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
            {
                results[mail.Id] = SendResult.Refused($"The mail server refused the message to {mail.Address}: {(int)e.StatusCode} {e.Message}");
            }
            catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or IOException
                                          or SocketException or TimeoutException)
            {
                results[mail.Id] = SendResult.Retry($"Sending to {mail.Address} failed: {e.Message}");
            }
        }
        try { if (client.IsConnected) await client.DisconnectAsync(true, ct); }
        catch (Exception e) when (e is IOException or SmtpProtocolException or SocketException) { } // sent is sent
        return results;
    }
}
