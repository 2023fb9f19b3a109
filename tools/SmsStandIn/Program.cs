using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;

// The SMS provider's stand-in in development and tests: speaks the platform's SMS protocol (README, "Messages to
// contacts"), keeps what it receives in memory, and shows it. POST /messages sends; GET /messages lists (?to=, ?reference=);
// DELETE /messages forgets; POST /outages { "count": 3, "status": 503, "to": "+7..." } answers the next sends (to that
// number, or to any when "to" is absent) with that status.
var builder = WebApplication.CreateBuilder(args);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
var app = builder.Build();
var apiKey = app.Configuration["StandIn:ApiKey"];
var messages = new ConcurrentDictionary<string, Sms>();
var outage = new Outage();

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
    var sms = messages.GetOrAdd(request.Reference, reference =>
        new Sms($"sms-{Guid.NewGuid():N}"[..16], request.To, request.Text, request.Sender, reference, DateTimeOffset.UtcNow, Sms.CountSegments(request.Text)));
    return Results.Json(new { sms.Id, status = "accepted", sms.Segments }, statusCode: 201);
});
app.MapGet("/messages", (string? to, string? reference) => messages.Values
    .Where(m => (to is null || m.To == to) && (reference is null || m.Reference == reference))
    .OrderByDescending(m => m.ReceivedAt).ToList());
app.MapDelete("/messages", () => { messages.Clear(); return Results.NoContent(); });
app.MapPost("/outages", (OutageRequest request) => { outage.Set(request.Count, request.Status ?? 503, request.To); return Results.NoContent(); });
app.MapGet("/health", () => "ok");
app.MapGet("/", () => Results.Content($"""
    <!doctype html><html lang="en"><meta charset="utf-8"><title>SMS stand-in</title>
    <style>body{"{"}font-family:sans-serif;margin:2rem{"}"} td,th{"{"}border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top{"}"}</style>
    <h1>SMS received ({messages.Count})</h1><table><tr><th>Received (UTC)</th><th>To</th><th>From</th><th>Text</th></tr>
    {string.Concat(messages.Values.OrderByDescending(m => m.ReceivedAt).Select(m =>
        $"<tr><td>{m.ReceivedAt:yyyy-MM-dd HH:mm:ss}</td><td>{WebUtility.HtmlEncode(m.To)}</td><td>{WebUtility.HtmlEncode(m.Sender)}</td><td>{WebUtility.HtmlEncode(m.Text)}</td></tr>"))}
    </table></html>
    """, "text/html; charset=utf-8"));
app.Run();

internal sealed record SmsRequest(string? To, string? Text, string? Sender, string? Reference);

internal sealed record OutageRequest(int Count, int? Status, string? To);

internal sealed partial record Sms(string Id, string To, string Text, string? Sender, string Reference, DateTimeOffset ReceivedAt, int Segments)
{
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

public partial class Program;
