using Microsoft.Extensions.Options;
using Platform.Mail;

namespace Platform.OmsRepresentatives.Sms;

/// <summary>One reminder to send: the invitation it is for, the number in E.164, the text and the sender name shown.</summary>
public sealed record SmsToSend(long InvitationId, string To, string Text, string Sender)
{
    /// <summary>Our reference of the SMS (the provider keeps one message per reference; its receipts name it).</summary>
    public string Reference => SmsReferences.Of(InvitationId);
}

/// <summary>The reminders' references at the provider: <c>oms-invitation-{id}</c>.</summary>
public static class SmsReferences
{
    public const string Prefix = "oms-invitation-";

    public static string Of(long invitationId) => Prefix + invitationId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The invitation a reference names, or null when it is none of ours.</summary>
    public static long? InvitationOf(string? reference) =>
        reference is not null && reference.StartsWith(Prefix, StringComparison.Ordinal)
        && long.TryParse(reference.AsSpan(Prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id : null;
}

/// <summary>An SMS gateway: sends messages and tells, per message, sent (with the provider's id), refused for good, or to be tried again.</summary>
public interface ISmsProvider
{
    /// <summary>Sends <paramref name="messages"/>; one <see cref="SendResult"/> per message, in their order. Never throws for the provider's failures.</summary>
    Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<SmsToSend> messages, CancellationToken ct);
}

/// <summary>
/// The platform's SMS protocol (<see cref="SmsProvider"/>, README "Messages to contacts"): one <c>POST messages</c> per
/// SMS with our reference and <see cref="SmsOptions.ReceiptUrl"/>, at most <see cref="SmsOptions.Concurrency"/> at once.
/// The provider is <c>ConnectionStrings:sms</c>, read at each send (as the Cases service does), so a missing or wrong
/// one fails the messages as to be retried, with the reason, rather than the start. The named client has no standard
/// resilience handlers: the dispatcher retries with its own backoff and records each attempt, and a resend carries the
/// same reference, which the provider de-duplicates.
/// </summary>
public sealed class HttpSmsProvider(IHttpClientFactory httpClients, IConfiguration configuration, IOptions<SmsOptions> options) : ISmsProvider
{
    public const string ClientName = "oms-sms";

    public async Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<SmsToSend> messages, CancellationToken ct)
    {
        SmsProvider? provider;
        try { provider = SmsProvider.From(configuration.GetConnectionString("sms")); }
        catch (InvalidOperationException e) { return [.. messages.Select(_ => SendResult.Retry(e.Message))]; }
        if (provider is null)
            return [.. messages.Select(_ => SendResult.Retry($"No SMS provider is configured (ConnectionStrings:{SmsProvider.ConnectionName})."))];

        var client = httpClients.CreateClient(ClientName);
        var receiptUrl = options.Value.ReceiptUrl;
        var results = new SendResult[messages.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, messages.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Concurrency), CancellationToken = ct },
            async (i, token) =>
            {
                var m = messages[i];
                results[i] = await provider.SendAsync(client, new SmsProvider.Message(m.To, m.Text, m.Sender, m.Reference, receiptUrl), token);
            });
        return results;
    }
}

/// <summary>What this replica last heard from the provider, for <c>GET /sms/status</c>.</summary>
public sealed class SmsProviderState
{
    private readonly Lock _lock = new();

    public string? LastError { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }
    public DateTimeOffset? LastSuccessAt { get; private set; }

    public void Failed(string error, DateTimeOffset at)
    {
        lock (_lock) (LastError, LastErrorAt) = (error, at);
    }

    public void Succeeded(DateTimeOffset at)
    {
        lock (_lock) LastSuccessAt = at;
    }
}
