using Platform.Messaging;
using System.Text.Json;

namespace Platform.Cases.Webhooks;

/// <summary>Section <c>Webhooks</c>.</summary>
public sealed class WebhookOptions : IRetrySchedule
{
    /// <summary>
    /// How long a delivery is retried before it is marked failed (from its first attempt, or from a redelivery). An
    /// insurer's endpoint may be down for a maintenance night; an event is not dropped for that.
    /// </summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Waits double from this after each failed attempt (1 s, 2 s, 4 s, ...) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Each wait is spread by up to this fraction of itself (longer below the cap, shorter at it), so deliveries that
    /// failed together, when an endpoint went down, do not all come back at the same moment.
    /// </summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>An optional cap on the attempts of one retry window as well; none by default (<see cref="RetryFor"/> decides).</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// Whether subscriptions may use plain http. Deliveries carry medical details (diagnoses, fitness to fly), so outside
    /// Development only https is accepted, unless this says otherwise; null: http only in Development.
    /// </summary>
    public bool? AllowHttp { get; set; }

    public bool HttpAllowed(IHostEnvironment environment) => AllowHttp ?? environment.IsDevelopment();

    /// <summary>How long an insurer's endpoint has to answer one attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the dispatcher looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int BatchSize { get; set; } = 20;

    /// <summary>
    /// Whether endpoints may be on loopback or private networks. Off in production: an insurer's URL must never reach
    /// the platform's own services or the cloud metadata address. Tests and local receivers turn it on.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Subscriptions per tenant: each is one more delivery for every timeline entry.</summary>
    public int MaxSubscriptionsPerTenant { get; set; } = 20;

    /// <summary>How long finished deliveries stay in the log.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>What a subscription may ask for: every timeline kind, or <c>*</c> for all of them (those added later too).</summary>
public static class WebhookEvents
{
    public const string Everything = "*";
    public static readonly string[] All = [Everything, .. Timeline.TimelineKinds.All];
}

public static class WebhookDeliveryStatuses
{
    public static readonly string[] All = ["pending", "delivered", "failed", "cancelled"];
}

/// <summary>
/// A subscription: <c>Events</c> are timeline kinds (or <c>*</c>); <c>Secret</c>, 16 to 200 characters, signs the
/// deliveries; left out, one is generated (<c>whsec_</c> and 43 base64url characters) and returned once.
/// </summary>
public sealed record CreateWebhookRequest(
    string? Url,
    [property: OneOf(typeof(WebhookEvents), nameof(WebhookEvents.All))] IReadOnlyList<string?>? Events,
    string? Secret);

/// <summary>A subscription as listed; the secret is never shown again after creation.</summary>
public sealed record WebhookSubscription(Guid Id, string Url,
    [property: OneOf(typeof(WebhookEvents), nameof(WebhookEvents.All))] IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>The answer to a new subscription: <c>Secret</c> is the generated signing secret, shown this once (null when the client chose its own).</summary>
public sealed record WebhookSubscriptionCreated(Guid Id, string Url,
    [property: OneOf(typeof(WebhookEvents), nameof(WebhookEvents.All))] IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string? Secret);

/// <summary>How deliveries look on the wire, for the OpenAPI document (the subscribe operation's description) and the README.</summary>
public static class WebhookDocs
{
    public const string IdHeader = "X-Webhook-Id";
    public const string TimestampHeader = "X-Webhook-Timestamp";
    public const string SignatureHeader = "X-Webhook-Signature";

    public static readonly string Description = $$"""
        Every timeline entry of a kind the subscription lists (or every entry, for `*`) is POSTed to `url` as
        `application/json` (UTF-8):
        `{"id", "tenantId", "caseId", "caseNumber", "kind", "summary", "at", "data"}`, where `id` is the timeline
        entry's (the same for each of the tenant's subscriptions) and `kind` one of the event kinds listed for `events`.

        Headers of each delivery:
        - `{{IdHeader}}`: the delivery's id (a UUID); the same on every retry of it, so receivers de-duplicate by it.
        - `{{TimestampHeader}}`: when this attempt was sent, in Unix seconds (UTC), e.g. `1767225600`.
        - `{{SignatureHeader}}`: `sha256=` followed by the lower-case hex HMAC-SHA256 of `{timestamp}.{body}`, keyed with
          the subscription's secret (its UTF-8 bytes, used as given, `whsec_` prefix included): the timestamp header's
          value, a dot, and the raw request body exactly as received.

        To verify a delivery: compute the HMAC over the timestamp header, `.` and the raw body; compare it with the
        signature header in constant time; refuse it when the timestamp is more than 5 minutes from your clock (a
        replay). Answer 2xx within 10 s; anything else is retried with backoff (for 24 hours by default).

        The secret: give your own (16 to 200 characters) or leave `secret` out to have one generated, `whsec_`
        followed by 43 base64url characters (32 random bytes), returned in this answer only.
        An unknown event kind is refused (400 naming `events[i]`, listing the known kinds).
        """;
}

public sealed record WebhookAttempt(int Attempt, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);

/// <summary>
/// One timeline entry sent to one subscription: <c>Status</c> is pending, delivered, failed (retried until
/// <c>Webhooks:RetryFor</c> ran out) or cancelled (unsubscribed). A failed or delivered one can be sent again.
/// </summary>
public sealed record WebhookDelivery(
    Guid Id,
    Guid SubscriptionId,
    Guid EventId,
    Guid CaseId,
    string CaseNumber,
    string Kind,
    string Status,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyList<WebhookAttempt> AttemptLog);

/// <summary>
/// The body POSTed to the insurer. <c>Id</c> identifies the timeline entry (the same for each of the tenant's
/// subscriptions); the <c>X-Webhook-Id</c> header identifies the delivery and stays the same across its retries.
/// </summary>
public sealed record WebhookPayload(
    Guid Id, string TenantId, Guid CaseId, string CaseNumber, string Kind, string Summary, DateTimeOffset At, JsonElement? Data);
