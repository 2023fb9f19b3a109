using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Mail;

namespace Platform.Cases.Contacts;

/// <summary>
/// The SMS provider: <c>ConnectionStrings:sms</c> = <c>Endpoint=https://provider/api;ApiKey=...</c>. The platform
/// speaks one small HTTP protocol (documented in the README): <c>POST {Endpoint}/messages</c> with
/// <c>{ to (E.164), text, sender, reference }</c> and <c>Authorization: Bearer {ApiKey}</c>, answered 2xx with
/// <c>{ id }</c>; the provider keeps one message per <c>reference</c>, so a retry after a lost answer sends nothing twice.
/// A provider with another API is connected by an adapter that speaks this protocol, or by another <see cref="IMessageChannel"/>.
/// </summary>
public sealed record SmsProvider(Uri Endpoint, string? ApiKey)
{
    public const string ConnectionName = "sms";

    public static SmsProvider? From(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(string key) => parts.TryGetValue(key, out var value) && value is string s && s.Length > 0 ? s : null;
        if (Get("Endpoint") is not { } endpoint || !Uri.TryCreate(endpoint.TrimEnd('/') + "/", UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} needs Endpoint=https://provider/path.");
        return new SmsProvider(uri, Get("ApiKey"));
    }
}

/// <summary>
/// SMS through the provider's HTTP API. A 4xx answer (other than 408 and 429) refuses the message for good, with the
/// provider's reason; 5xx, 408, 429 and no answer are tried again.
/// </summary>
public sealed class SmsChannel(IHttpClientFactory httpClients, IConfiguration configuration, IOptions<MessageDeliveryOptions> options) : IMessageChannel
{
    public const string ClientName = "sms";

    public string Name => MessageChannels.Sms;

    private sealed record SmsRequest(string To, string Text, string Sender, string Reference);

    private sealed record SmsAnswer(string? Id);

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

    private async Task<SendResult> SendOneAsync(HttpClient client, SmsProvider provider, OutgoingMessage message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(provider.Endpoint, "messages"))
        {
            Content = JsonContent.Create(new SmsRequest(message.Address, message.Text, options.Value.SmsSender, message.Id.ToString()),
                options: PlatformJson.Options),
        };
        if (provider.ApiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", provider.ApiKey);
        try
        {
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                string? id = null;
                try { id = JsonSerializer.Deserialize<SmsAnswer>(body, PlatformJson.Options)?.Id; }
                catch (JsonException) { } // accepted all the same; the provider's id is only for reference
                return SendResult.Ok(id);
            }
            var status = (int)response.StatusCode;
            var reason = $"The SMS provider answered {status} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body[..Math.Min(body.Length, 300)] : "")}";
            return status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
                ? SendResult.Refused(reason)
                : SendResult.Retry(reason);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return SendResult.Retry(e is TaskCanceledException
                ? $"The SMS provider did not answer within {options.Value.Timeout.TotalSeconds:0.#} s."
                : $"The SMS provider could not be reached: {e.Message}");
        }
    }
}
