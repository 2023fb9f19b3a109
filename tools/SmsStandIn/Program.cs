using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;

// The SMS provider's stand-in in development and tests: speaks the platform's SMS protocol (README, "Messages to
// contacts"), keeps what it receives in memory, and shows it. POST /messages sends; GET /messages lists (?to=, ?reference=),
// each message with its receipt's status and how many times its reference was sent;
// DELETE /messages forgets; POST /outages { "count": 3, "status": 503, "to": "+7..." } answers the next sends (to that
// number, or to any when "to" is absent) with that status. A message sent with a receiptUrl gets its delivery receipt
// POSTed there a moment later, signed with the API key (X-Receipt-Signature) (StandIn:ReceiptDelay, default 1 s), batched per URL and retried until answered 2xx:
// "undelivered" ("absent subscriber") for numbers ending in StandIn:UndeliverableSuffix (default 99), else "delivered".
var builder = WebApplication.CreateBuilder(args);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
var app = builder.Build();
var apiKey = app.Configuration["StandIn:ApiKey"];
var messages = new ConcurrentDictionary<string, Sms>();
var submissions = new ConcurrentDictionary<string, int>(); // sends per reference, a resend included (listing only)
var outage = new Outage();
var receipts = new Receipts(app.Configuration, apiKey, app.Logger);

app.MapPost("/messages", (HttpContext http, SmsRequest request) =>
{
    if (apiKey is { Length: > 0 } && http.Request.Headers.Authorization != $"Bearer {apiKey}")
        return Results.Json(new { error = "Unknown API key." }, statusCode: 401);
    if (outage.Take(request.To) is { } status) return Results.Json(new { error = "The provider is unavailable (a simulated outage)." }, statusCode: status);
    if (request.To is null || !Sms.E164().IsMatch(request.To))
        return Results.Json(new { error = $"'to' must be a phone number in E.164 form, such as +79165550102; got '{request.To}'." }, statusCode: 400);
    if (string.IsNullOrWhiteSpace(request.Text)) return Results.Json(new { error = "'text' is empty." }, statusCode: 400);
    if (string.IsNullOrWhiteSpace(request.Reference)) return Results.Json(new { error = "'reference' is required." }, statusCode: 400);
    // One message per reference: a retry after a lost answer gets the first one's answer and sends nothing.
    if (request.ReceiptUrl is not null && !Uri.TryCreate(request.ReceiptUrl, UriKind.Absolute, out _))
        return Results.Json(new { error = $"'receiptUrl' must be an absolute URL; got '{request.ReceiptUrl}'." }, statusCode: 400);
    var added = false;
    submissions.AddOrUpdate(request.Reference, 1, (_, n) => n + 1);
    var sms = messages.GetOrAdd(request.Reference, reference =>
    {
        added = true;
        return new Sms($"sms-{Guid.NewGuid():N}"[..16], request.To, request.Text, request.Sender, reference, DateTimeOffset.UtcNow, Sms.CountSegments(request.Text));
    });
    if (added && request.ReceiptUrl is not null) receipts.Schedule(request.ReceiptUrl, sms);
    return Results.Json(new { sms.Id, status = "accepted", sms.Segments }, statusCode: 201);
});
app.MapGet("/messages", (string? to, string? reference, int? limit) => messages.Values
    .Where(m => (to is null || m.To == to) && (reference is null || m.Reference == reference))
    .OrderByDescending(m => m.ReceivedAt).Take(limit ?? 1000).Select(m => m with { Status = receipts.StatusOf(m.Id), Submissions = submissions.GetValueOrDefault(m.Reference) }).ToList());
app.MapGet("/messages/count", () => new { count = messages.Count, receiptsPending = receipts.Pending });
app.MapDelete("/messages", () => { messages.Clear(); submissions.Clear(); return Results.NoContent(); });
receipts.Start(app.Lifetime.ApplicationStopping);
app.MapPost("/outages", (OutageRequest request) => { outage.Set(request.Count, request.Status ?? 503, request.To); return Results.NoContent(); });
app.MapGet("/health", () => "ok");
app.MapGet("/", () => Results.Content($"""
    <!doctype html><html lang="en"><meta charset="utf-8"><title>SMS stand-in</title>
    <style>body{"{"}font-family:sans-serif;margin:2rem{"}"} td,th{"{"}border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top{"}"}</style>
    <h1>SMS received ({messages.Count})</h1><table><tr><th>Received (UTC)</th><th>To</th><th>From</th><th>Text</th><th>Receipt</th></tr>
    {string.Concat(messages.Values.OrderByDescending(m => m.ReceivedAt).Take(500).Select(m =>
        $"<tr><td>{m.ReceivedAt:yyyy-MM-dd HH:mm:ss}</td><td>{WebUtility.HtmlEncode(m.To)}</td><td>{WebUtility.HtmlEncode(m.Sender)}</td><td>{WebUtility.HtmlEncode(m.Text)}</td><td>{receipts.StatusOf(m.Id)}</td></tr>"))}
    </table></html>
    """, "text/html; charset=utf-8"));
app.Run();

internal sealed record SmsRequest(string? To, string? Text, string? Sender, string? Reference, string? ReceiptUrl);

internal sealed record OutageRequest(int Count, int? Status, string? To);

internal sealed partial record Sms(string Id, string To, string Text, string? Sender, string Reference, DateTimeOffset ReceivedAt, int Segments)
{
    /// <summary>The delivery receipt's status once sent to the receipt URL (listing only).</summary>
    public string? Status { get; init; }

    /// <summary>How many times the message was sent with its reference (the first and the resends de-duplicated) (listing only).</summary>
    public int Submissions { get; init; }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    public static partial Regex E164();

    /// <summary>How many SMS the text takes: 160 characters each (153 when split) in GSM-7, 70 (67) with other characters such as Cyrillic.</summary>
    public static int CountSegments(string text)
    {
        var gsm = text.All(c => c < 128);
        var (single, part) = gsm ? (160, 153) : (70, 67);
        return text.Length <= single ? 1 : (text.Length + part - 1) / part;
    }
}

internal sealed class Outage
{
    private int _count;
    private int _status = 503;
    private string? _to;

    public void Set(int count, int status, string? to)
    {
        (_status, _to) = (status, to);
        Interlocked.Exchange(ref _count, count);
    }

    public int? Take(string? to)
    {
        while (true)
        {
            if (_to is not null && _to != to) return null;
            var count = Volatile.Read(ref _count);
            if (count <= 0) return null;
            if (Interlocked.CompareExchange(ref _count, count - 1, count) == count) return _status;
        }
    }
}

/// <summary>
/// The delivery receipts owed to receipt URLs: each is due a moment after its message, sent with others due to the same
/// URL in one POST (<c>{ "receipts": [...] }</c>, the platform's SMS protocol) signed with the API key, and retried
/// every few seconds until the receiver answers 2xx.
/// </summary>
internal sealed class Receipts(IConfiguration configuration, string? apiKey, ILogger logger)
{
    private readonly ConcurrentQueue<(DateTimeOffset Due, string Url, Sms Sms)> _queue = new();
    private readonly ConcurrentDictionary<string, string> _status = new();
    private readonly TimeSpan _delay = TimeSpan.TryParse(configuration["StandIn:ReceiptDelay"], out var d) ? d : TimeSpan.FromSeconds(1);
    private readonly string _undeliverable = configuration["StandIn:UndeliverableSuffix"] ?? "99";
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private int _pending;

    public int Pending => Volatile.Read(ref _pending);

    public string? StatusOf(string id) => _status.TryGetValue(id, out var s) ? s : null;

    public void Schedule(string url, Sms sms)
    {
        Interlocked.Increment(ref _pending);
        _queue.Enqueue((DateTimeOffset.UtcNow + _delay, url, sms));
    }

    public void Start(CancellationToken stopping) => _ = Task.Run(async () =>
    {
        var retry = new List<(DateTimeOffset, string, Sms)>();
        while (!stopping.IsCancellationRequested)
        {
            try { await Task.Delay(200, stopping); } catch (OperationCanceledException) { return; }
            var now = DateTimeOffset.UtcNow;
            var due = new List<(DateTimeOffset Due, string Url, Sms Sms)>();
            while (_queue.TryPeek(out var next) && next.Due <= now && _queue.TryDequeue(out next)) due.Add(next);
            foreach (var batch in due.GroupBy(r => r.Url))
            foreach (var chunk in batch.Chunk(500))
            {
                var body = chunk.Select(r => new
                {
                    id = r.Sms.Id, reference = r.Sms.Reference,
                    status = r.Sms.To.EndsWith(_undeliverable, StringComparison.Ordinal) ? "undelivered" : "delivered",
                    error = r.Sms.To.EndsWith(_undeliverable, StringComparison.Ordinal) ? "Absent subscriber." : null,
                    at = now,
                }).ToList();
                try
                {
                    // Signed with the API key (X-Receipt-Signature: sha256={HMAC of the body}), as the platform's protocol says.
                    var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { receipts = body }, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
                    using var request = new HttpRequestMessage(HttpMethod.Post, batch.Key) { Content = new ByteArrayContent(bytes) };
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    request.Headers.TryAddWithoutValidation("X-Receipt-Signature", "sha256=" + Convert.ToHexStringLower(
                        System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(apiKey ?? ""), bytes)));
                    using var response = await _client.SendAsync(request, stopping);
                    response.EnsureSuccessStatusCode();
                    foreach (var r in body) _status[r.id] = r.status;
                    Interlocked.Add(ref _pending, -chunk.Length);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
                {
                    logger.LogWarning("Delivery receipts to {Url} failed ({Error}); retrying in 5 s", batch.Key, e.Message);
                    foreach (var r in chunk) _queue.Enqueue((now + TimeSpan.FromSeconds(5), r.Url, r.Sms));
                }
            }
        }
    }, stopping);
}

public partial class Program;
