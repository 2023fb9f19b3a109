using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Authorization;
using Platform.Console.Session;
using Platform.Console.Texts;

namespace Platform.Console.Api;

/// <summary>What the platform answered: the value, or the failure as a person reads it.</summary>
public sealed record ApiResult<TValue>(TValue? Value, ApiFailure? Failure)
{
    public bool Ok => Failure is null;
}

/// <summary>
/// A failed call, for the screen: <see cref="Message"/> in the person's language says what happened and what to do;
/// <see cref="Detail"/> is the platform's own explanation (English) and <see cref="Fields"/> its complaints per field.
/// Never a stack trace: the services answer with RFC 9457 problem documents, and anything else becomes a plain message.
/// </summary>
public sealed record ApiFailure(int Status, string Message, string? Detail, IReadOnlyDictionary<string, string[]> Fields)
{
    public bool SessionEnded => Status == 401;

    public string? FieldError(string field) => Fields.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public static ApiFailure From(int status, JsonElement? problem)
    {
        string? detail = null;
        var fields = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (problem is { ValueKind: JsonValueKind.Object } p)
        {
            if (p.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String) detail = d.GetString();
            if (p.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                foreach (var field in errors.EnumerateObject())
                    fields[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(e => e.ToString()).ToArray()
                        : [field.Value.ToString()];
        }
        var message = status switch
        {
            0 => T.GatewayUnreachable,
            400 or 422 when fields.Count > 0 => T.CheckFields,
            400 or 422 => T.Refused,
            401 => T.SessionEnded,
            403 => T.NotAllowed,
            404 => T.NotFound,
            409 => T.Conflict,
            429 => T.TooManyRequests,
            >= 500 => T.ServiceDown,
            _ => T.Refused,
        };
        return new ApiFailure(status, message, detail, fields);
    }
}

/// <summary>
/// The console's only way to the platform: the gateway, with the signed-in person's staff token, so every call is
/// authorised, rate-limited and audited as theirs. Each change carries an <c>Idempotency-Key</c> of its own, so a
/// retried click or a retry of the HTTP client never does a thing twice.
/// </summary>
public sealed class GatewayClient(HttpClient http, AuthenticationStateProvider authentication, ILogger<GatewayClient> logger)
{
    public const string HttpClientName = "gateway";

    public Task<ApiResult<TValue>> GetAsync<TValue>(string path, CancellationToken ct = default) =>
        SendAsync<TValue>(HttpMethod.Get, path, null, ct);

    public Task<ApiResult<TValue>> PostAsync<TValue>(string path, object? body, CancellationToken ct = default) =>
        SendAsync<TValue>(HttpMethod.Post, path, body, ct);

    public Task<ApiResult<TValue>> PutAsync<TValue>(string path, object? body, CancellationToken ct = default) =>
        SendAsync<TValue>(HttpMethod.Put, path, body, ct);

    /// <summary>The raw answer's bytes (documents, PDFs), or the failure.</summary>
    public async Task<ApiResult<byte[]>> GetBytesAsync(string path, CancellationToken ct = default)
    {
        using var request = await RequestAsync(HttpMethod.Get, path, null);
        return await ExchangeAsync(request, async response => await response.Content.ReadAsByteArrayAsync(ct), ct);
    }

    public async Task<ApiResult<TValue>> SendAsync<TValue>(HttpMethod method, string path, object? body, CancellationToken ct = default)
    {
        using var request = await RequestAsync(method, path, body);
        return await ExchangeAsync(request, async response =>
            response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0
                ? default
                : await response.Content.ReadFromJsonAsync<TValue>(ConsoleJson.Options, ct), ct);
    }

    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (Staff.From((await authentication.GetAuthenticationStateAsync()).User) is { } staff)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", staff.Token);
        if (method != HttpMethod.Get) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: ConsoleJson.Options);
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(T.Language));
        return request;
    }

    private async Task<ApiResult<TValue>> ExchangeAsync<TValue>(HttpRequestMessage request,
        Func<HttpResponseMessage, Task<TValue?>> read, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode) return new ApiResult<TValue>(await read(response), null);

            var failure = ApiFailure.From((int)response.StatusCode, await ProblemOfAsync(response, ct));
            if (failure.Status >= 500)
                logger.LogWarning("{Method} {Path} answered {Status}: {Detail}", request.Method, request.RequestUri, failure.Status, failure.Detail);
            return new ApiResult<TValue>(default, failure);
        }
        catch (Exception e) when (Unreachable(e) || e is JsonException)
        {
            logger.LogWarning(e, "{Method} {Path} failed", request.Method, request.RequestUri);
            return new ApiResult<TValue>(default, ApiFailure.From(e is JsonException ? 502 : 0, null));
        }
    }

    /// <summary>The problem document of a failed answer, if it is one (else the status says enough).</summary>
    public static async Task<JsonElement?> ProblemOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) != true) return null;
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The gateway could not be reached or did not answer in time (the HTTP client's resilience gave up).</summary>
    public static bool Unreachable(Exception e) =>
        e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException }
            or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException;
}

public static class ConsoleJson
{
    /// <summary>The platform's JSON: camelCase names, enums as strings.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
