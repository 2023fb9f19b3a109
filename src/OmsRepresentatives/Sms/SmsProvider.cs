using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Platform.OmsRepresentatives.Sms;

/// <summary>One SMS to send: our reference (the invitation's id; the provider keeps one message per reference), the number in E.164, the text.</summary>
public sealed record SmsToSend(string Reference, string To, string Text);

/// <summary>The provider's answer for one message: its id when accepted, or why it was refused (a refusal is final).</summary>
public sealed record SmsSendResult(string Reference, string? ProviderId, string? Error);

/// <summary>The provider could not take the batch at all (unreachable, no answer in time, an error status): try again later.</summary>
public sealed class SmsProviderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An SMS gateway: sends a batch and tells, per message, the provider's id or why it was refused.</summary>
public interface ISmsProvider
{
    /// <summary>At most this many messages in one <see cref="SendAsync"/>.</summary>
    int MaxBatch { get; }

    /// <summary>Sends <paramref name="messages"/>; throws <see cref="SmsProviderException"/> when the batch as a whole failed.</summary>
    Task<IReadOnlyList<SmsSendResult>> SendAsync(IReadOnlyList<SmsToSend> messages, CancellationToken ct);
}

/// <summary>
/// The provider's HTTP API (as the development simulator speaks it): <c>POST api/v1/messages</c> with <c>X-Api-Key</c>,
/// <c>{ sender, callbackUrl, messages: [{ reference, to, text }] }</c>, answered per message
/// <c>{ reference, id, status: accepted|rejected, error }</c>. A typed client without the standard resilience handler:
/// the dispatcher retries with its own backoff and records each attempt, and a resend carries the same reference.
/// </summary>
public sealed class HttpSmsProvider(HttpClient http, IOptions<SmsOptions> options) : ISmsProvider
{
    public int MaxBatch => 1000;

    private sealed record Request(string? Sender, string? CallbackUrl, IReadOnlyList<SmsToSend> Messages);

    private sealed record Outcome(string? Reference, string? Id, string? Status, string? Error);

    private sealed record Answer(IReadOnlyList<Outcome>? Messages);

    public async Task<IReadOnlyList<SmsSendResult>> SendAsync(IReadOnlyList<SmsToSend> messages, CancellationToken ct)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/messages")
        {
            Content = JsonContent.Create(new Request(o.Sender, o.CallbackUrl, messages), options: PlatformJson.Options),
        };
        request.Headers.Add("X-Api-Key", o.ApiKey);
        Answer? answer;
        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new SmsProviderException($"The SMS provider answered {(int)response.StatusCode} {response.ReasonPhrase}" +
                                               (body.Length > 0 ? ": " + body[..Math.Min(body.Length, 300)] : "."));
            answer = JsonSerializer.Deserialize<Answer>(body, PlatformJson.Options);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new SmsProviderException(e is TaskCanceledException
                ? $"The SMS provider did not answer within {o.Timeout.TotalSeconds:0.#} s."
                : $"The SMS provider could not be reached: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new SmsProviderException($"The SMS provider's answer could not be read: {e.Message}", e);
        }

        var byReference = (answer?.Messages ?? []).Where(m => m.Reference is not null).GroupBy(m => m.Reference!).ToDictionary(g => g.Key, g => g.First());
        return messages.Select(m => byReference.GetValueOrDefault(m.Reference) switch
        {
            { Status: "accepted", Id: { Length: > 0 } id } => new SmsSendResult(m.Reference, id, null),
            { Status: "rejected" } r => new SmsSendResult(m.Reference, null, r.Error ?? "Refused by the SMS provider."),
            _ => throw new SmsProviderException($"The SMS provider's answer says nothing of message {m.Reference}."),
        }).ToList();
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
