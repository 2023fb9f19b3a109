using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Platform.SmsSimulator;

/// <summary>A message of a send request.</summary>
public sealed record OutgoingSms(string? Reference, string? To, string? Text);

/// <summary><c>POST /api/v1/messages</c>: who sends, where delivery reports go, and up to 1,000 messages.</summary>
public sealed record SendRequest(string? Sender, string? CallbackUrl, IReadOnlyList<OutgoingSms?>? Messages);

/// <summary>The answer for one message: accepted with the gateway's id, or rejected with the reason.</summary>
public sealed record SendOutcome(string? Reference, string? Id, string Status, string? Error);

public sealed record SendAnswer(IReadOnlyList<SendOutcome> Messages);

/// <summary>A simulated outage: every send is answered with this status until it is lifted.</summary>
public sealed record OutageRequest(int? Status);

/// <summary>
/// An SMS gateway's stand-in for development and tests, with the API of a real bulk-SMS provider:
/// <c>POST /api/v1/messages</c> (<c>X-Api-Key</c>) accepts up to 1,000 messages a request and answers per message
/// (a number that is not E.164 and a text over 10 parts are rejected); a couple of seconds later the outcome of each
/// accepted message is posted to the request's <c>callbackUrl</c> (<see cref="ReportSender"/>).
/// <c>GET /api/v1/messages?to=&amp;after=</c> shows what was sent, <c>PUT|DELETE /simulator/outage</c> simulates the
/// gateway failing, <c>GET /health</c> answers when it runs. Nothing is kept across restarts.
/// </summary>
public static partial class SmsSimulatorApp
{
    /// <summary>The named HttpClient that posts delivery reports (tests may give it another primary handler).</summary>
    public const string ReportsClient = "reports";

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The simulator ships no content; running it from another directory (tests, the orchestrator) must not matter.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.Section)
            .Validate(o => o.ApiKey.Length > 0 && o.MaxPerRequest > 0 && o.Capacity > 0 && o.MaxSegments > 0,
                "Simulator:ApiKey must be set, and the limits must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new MessageStore(sp.GetRequiredService<IOptions<SimulatorOptions>>().Value.Capacity));
        builder.Services.AddSingleton<Outage>();
        builder.Services.AddSingleton<ReportSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReportSender>());
        builder.Services.AddHttpClient(ReportsClient, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        builder.Services.AddProblemDetails();
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapPost("/api/v1/messages", Send);
        app.MapGet("/api/v1/messages", (MessageStore store, string? to, long? after, int? limit) =>
            store.Find(string.IsNullOrWhiteSpace(to) ? null : to.Trim(), after ?? 0, Math.Clamp(limit ?? 1000, 1, 10_000)));
        app.MapDelete("/api/v1/messages", (MessageStore store) => { store.Clear(); return Results.NoContent(); });
        app.MapPut("/simulator/outage", (Outage outage, OutageRequest request) =>
        {
            if (request.Status is not (>= 400 and <= 599)) return Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["A status of 400-599."] });
            outage.Status = request.Status;
            return Results.NoContent();
        });
        app.MapDelete("/simulator/outage", (Outage outage) => { outage.Status = null; return Results.NoContent(); });
        app.MapGet("/health", (MessageStore store) => Results.Ok(new { status = "ok", messages = store.Count }));
        return app;
    }

    private static IResult Send(HttpContext http, SendRequest? request, MessageStore store, ReportSender reports, Outage outage, IOptions<SimulatorOptions> options)
    {
        var o = options.Value;
        if (!KeyMatches(http.Request.Headers["X-Api-Key"].ToString(), o.ApiKey))
            return Results.Problem("The X-Api-Key header is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.");
        if (outage.Status is { } status)
            return Results.Problem("The gateway is unavailable (a simulated outage).", statusCode: status, title: "Simulated outage.");

        var errors = new Dictionary<string, string[]>();
        if (request?.Messages is not { Count: > 0 } messages) errors["messages"] = ["At least one message is required."];
        else if (messages.Count > o.MaxPerRequest) errors["messages"] = [$"At most {o.MaxPerRequest} messages per request."];
        if (request?.CallbackUrl is { Length: > 0 } callback && !(Uri.TryCreate(callback, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            errors["callbackUrl"] = ["An absolute http(s) address."];
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "The request is invalid.");

        var outcomes = new List<SendOutcome>(request!.Messages!.Count);
        foreach (var m in request.Messages!)
        {
            var reference = string.IsNullOrWhiteSpace(m?.Reference) ? null : m.Reference;
            var to = m?.To?.Trim();
            var text = m?.Text ?? "";
            var segments = Segments.Count(text);
            var error = to is null || !E164().IsMatch(to) ? $"'{to}' is not a number in E.164 form, such as +79165550102."
                : text.Length == 0 ? "The text is empty."
                : segments > o.MaxSegments ? $"The text takes {segments} SMS parts; at most {o.MaxSegments}."
                : null;
            if (error is not null)
            {
                outcomes.Add(new SendOutcome(reference, null, "rejected", error));
                continue;
            }
            var (sms, duplicate) = store.Add(seq => new SimulatedSms
            {
                Seq = seq, Id = $"sim-{seq:D10}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}", Reference = reference, To = to!,
                Sender = request.Sender, Text = text, Segments = segments, Unicode = !Segments.IsGsm7(text), ReceivedAt = DateTimeOffset.UtcNow,
                CallbackUrl = string.IsNullOrWhiteSpace(request.CallbackUrl) ? null : request.CallbackUrl,
            }, reference);
            if (!duplicate) reports.Accepted(sms);
            outcomes.Add(new SendOutcome(reference, sms.Id, "accepted", null));
        }
        return Results.Ok(new SendAnswer(outcomes));
    }

    private static bool KeyMatches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

/// <summary>The simulated outage in force, if any.</summary>
public sealed class Outage
{
    private int _status;

    public int? Status
    {
        get => Volatile.Read(ref _status) is var s and > 0 ? s : null;
        set => Volatile.Write(ref _status, value ?? 0);
    }
}

internal static class Entry
{
    private static Task Main(string[] args) => SmsSimulatorApp.Build(args).RunAsync();
}
