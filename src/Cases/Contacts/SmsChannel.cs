using Microsoft.Extensions.Options;
using Platform.Mail;

namespace Platform.Cases.Contacts;

/// <summary>
/// SMS through the provider's HTTP API (<see cref="SmsProvider"/>, the platform's SMS protocol). A 4xx answer (other than 408 and 429) refuses the message for good, with the
/// provider's reason; 5xx, 408, 429 and no answer are tried again.
/// </summary>
public sealed class SmsChannel(IHttpClientFactory httpClients, IConfiguration configuration, IOptions<MessageDeliveryOptions> options) : IMessageChannel
{
    public const string ClientName = "sms";

    public string Name => MessageChannels.Sms;

    public async Task<IReadOnlyDictionary<Guid, SendResult>> SendAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken ct)
    {
        SmsProvider? provider;
        try { provider = SmsProvider.From(configuration.GetConnectionString("sms")); }
        catch (InvalidOperationException e) { return messages.ToDictionary(m => m.Id, _ => SendResult.Retry(e.Message)); }
        if (provider is null)
            return messages.ToDictionary(m => m.Id, _ => SendResult.Retry($"No SMS provider is configured (ConnectionStrings:{SmsProvider.ConnectionName})."));

        var client = httpClients.CreateClient(ClientName);
        var results = new Dictionary<Guid, SendResult>();
        foreach (var message in messages) results[message.Id] = await SendOneAsync(client, provider, message, ct);
        return results;
    }

    private Task<SendResult> SendOneAsync(HttpClient client, SmsProvider provider, OutgoingMessage message, CancellationToken ct) =>
        provider.SendAsync(client, new SmsProvider.Message(message.Address, message.Text, options.Value.SmsSender, message.Id.ToString()), ct);
}
