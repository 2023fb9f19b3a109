using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Mail;

/// <summary>
/// The SMS provider: <c>ConnectionStrings:sms</c> = <c>Endpoint=https://provider/api;ApiKey=...</c>. The platform
/// speaks one small HTTP protocol (documented in the README, "Messages to contacts"): <c>POST {Endpoint}/messages</c>
/// with <c>{ to (E.164), text, sender, reference, receiptUrl? }</c> and <c>Authorization: Bearer {ApiKey}</c>, answered
/// 2xx with <c>{ id }</c>; the provider keeps one message per <c>reference</c>, so a retry after a lost answer sends
/// nothing twice. With a <c>receiptUrl</c>, the provider later POSTs the delivery receipts there
/// (<see cref="SmsReceipts"/>), signed with its key: <c>X-Receipt-Signature: sha256={hex HMAC-SHA256 of the body}</c>
/// (a signature rather than the key itself, which the gateway would rightly not pass on, and which a receipt's route
/// need not see). A provider with another API is connected by an adapter that speaks this protocol.
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

    /// <summary>One SMS to send: <paramref name="Reference"/> is the sender's own id of it (the provider's idempotency key).</summary>
    public sealed record Message(string To, string Text, string Sender, string Reference, string? ReceiptUrl = null);

    private sealed record Answer(string? Id);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Sends one SMS. A 4xx answer (other than 408 and 429) refuses the message for good, with the provider's reason;
    /// 5xx, 408, 429 and no answer (within the client's timeout) are to be tried again.
    /// </summary>
    public async Task<SendResult> SendAsync(HttpClient client, Message message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, "messages"))
        {
            Content = JsonContent.Create(message, options: Json),
        };
        if (ApiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        try
        {
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                string? id = null;
                try { id = JsonSerializer.Deserialize<Answer>(body, Json)?.Id; }
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
                ? $"The SMS provider did not answer within {client.Timeout.TotalSeconds:0.#} s."
                : $"The SMS provider could not be reached: {e.Message}");
        }
    }

    /// <summary>The header a receipt POST is signed in.</summary>
    public const string SignatureHeader = "X-Receipt-Signature";

    /// <summary>The signature of a receipt POST's <paramref name="body"/> with <paramref name="apiKey"/>: <c>sha256={hex}</c>.</summary>
    public static string Sign(string apiKey, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(apiKey), body));

    /// <summary>Whether a receipt POST's body was signed with this provider's key (compared in constant time).</summary>
    public bool Signed(string? signatureHeader, ReadOnlySpan<byte> body) =>
        ApiKey is { Length: > 0 } key && signatureHeader is { Length: > 0 } given
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(Sign(key, body)), System.Text.Encoding.ASCII.GetBytes(given.Trim()));
}

/// <summary>
/// Delivery receipts as the provider POSTs them to a message's <c>receiptUrl</c>: <c>{ "receipts": [ { id, reference,
/// status: delivered|undelivered, error?, at } ] }</c>, several messages' at once, each possibly more than once (the
/// provider retries until it gets a 2xx): the receiver checks the signature (<see cref="SmsProvider.Signed"/>) and
/// applies them idempotently.
/// </summary>
public sealed record SmsReceipts(IReadOnlyList<SmsReceipt>? Receipts);

public sealed record SmsReceipt(string? Id, string? Reference, string? Status, string? Error, DateTimeOffset? At)
{
    public const string Delivered = "delivered", Undelivered = "undelivered";
}
