using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Cases.Webhooks;

public static partial class WebhooksApi
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks");
        builder.Services.AddHostedService<WebhookDispatcher>();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
        builder.Services.AddHttpClient(WebhookDispatcher.ClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(sp =>
                WebhookEgress.CreateHandler(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateNetworks))
            // Insurers' endpoints are third parties: none of the platform's default handlers apply. Service discovery
            // would map an insurer's http://intake to our own service, and the standard retries would hide and multiply
            // attempts that the dispatcher makes, backs off and records itself.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear())
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks").RequireAccess(Access.ConfigureInsurer).WithTags("Webhooks");
        group.MapPost("/", CreateAsync)
            .WithSummary("Subscribes a URL to case events (timeline kinds, or *); the signing secret is returned once when generated")
            .WithDescription(WebhookDocs.Description);
        group.MapGet("/", ListAsync).WithSummary("The tenant's subscriptions (without secrets)");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One subscription (without its secret)");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Unsubscribes; pending deliveries are cancelled");
        group.MapGet("/{id:guid}/deliveries", DeliveriesAsync).WithSummary("The delivery log of a subscription, newest first, with each attempt");
        group.MapGet("/deliveries/{id:guid}", DeliveryAsync).WithSummary("One delivery, with each attempt");
        group.MapPost("/deliveries/{id:guid}/redeliver", RedeliverAsync)
            .WithSummary("Sends a failed or delivered delivery again, now, with a new retry window; same X-Webhook-Id and body");
        return group;
    }

    private static async Task<Results<Created<WebhookSubscriptionCreated>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateWebhookRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, IOptions<WebhookOptions> options,
        IHostEnvironment environment, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var url = ValidateUrl(errors, request.Url, options.Value.AllowPrivateNetworks, options.Value.HttpAllowed(environment));
        if (request.Events is not { Count: > 0 }) errors.Add("events", "List the timeline kinds to receive, or [\"*\"] for all.");
        else if (request.Events.Count > 50) errors.Add("events", "At most 50 kinds; use [\"*\"] for all.");
        else
            for (var i = 0; i < request.Events.Count; i++)
                if (request.Events[i] is null) errors.Add($"events[{i}]", "The field is required.");
                else errors.OneOf($"events[{i}]", request.Events[i], WebhookEvents.All);
        if (request.Secret is { } given && (given.Length < 16 || given.Length > 200))
            errors.Add("secret", "The secret must be 16 to 200 characters long; leave it out to have one generated.");
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        var events = request.Events!.Select(e => e!).Distinct().ToArray();
        var secret = request.Secret ?? "whsec_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var subscription = new WebhookSubscription(Guid.CreateVersion7(), url!.AbsoluteUri, events, clock.GetUtcNow(), identity.ActorId);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // One tenant's subscriptions are created one at a time, so the cap holds under concurrent requests.
        await using (var cmd = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(hashtext('webhooks/' || @tenant));
            SELECT count(*) FROM webhook_subscriptions WHERE tenant_id = @tenant AND deleted_at IS NULL;
            """, connection, transaction))
        {
            cmd.Parameters.AddWithValue("tenant", identity.TenantId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.NextResultAsync(ct);
            await r.ReadAsync(ct);
            if (r.GetInt64(0) >= options.Value.MaxSubscriptionsPerTenant)
                return Problems.Conflict($"The tenant has {options.Value.MaxSubscriptionsPerTenant} subscriptions already; delete one first.");
        }
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO webhook_subscriptions (id, tenant_id, url, events, secret, created_at, created_by)
            VALUES (@id, @tenant, @url, @events, @secret, @now, @actor)
            """, connection, transaction))
        {
            cmd.Parameters.AddWithValue("id", subscription.Id);
            cmd.Parameters.AddWithValue("tenant", identity.TenantId);
            cmd.Parameters.AddWithValue("url", subscription.Url);
            cmd.Parameters.AddWithValue("events", events);
            cmd.Parameters.AddWithValue("secret", secret);
            cmd.Parameters.AddWithValue("now", subscription.CreatedAt);
            cmd.Parameters.AddWithValue("actor", identity.ActorId);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/webhooks/{subscription.Id}", new WebhookSubscriptionCreated(subscription.Id, subscription.Url,
            events, subscription.CreatedAt, request.Secret is null ? secret : null));
    }

    private static Uri? ValidateUrl(ValidationErrors errors, string? value, bool allowPrivateNetworks, bool httpAllowed)
    {
        if (!errors.Required("url", value) || !errors.MaxLength("url", value, 2000)) return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            errors.Add("url", "The URL must be absolute, http or https (https://insurer.example/hooks/cases).");
            return null;
        }
        if (url.Scheme == "http" && !httpAllowed)
        {
            // Every delivery may carry medical details (a diagnosis, fitness to fly): never in clear over the internet.
            errors.Add("url", "The URL must be https: deliveries carry medical details.");
            return null;
        }
        if (url.UserInfo.Length > 0)
        {
            errors.Add("url", "The URL must not carry credentials; deliveries are authenticated by their signature.");
            return null;
        }
        // Names are checked again when connecting (they may resolve anywhere); literal addresses and localhost fail now.
        if (!allowPrivateNetworks && (url.IsLoopback || IPAddress.TryParse(url.DnsSafeHost, out var address) && !WebhookEgress.IsPublic(address)))
        {
            errors.Add("url", "The URL must point to a public address.");
            return null;
        }
        return url;
    }

    private static async Task<Ok<IReadOnlyList<WebhookSubscription>>> ListAsync(
        RequestIdentity identity, NpgsqlDataSource dataSource, CancellationToken ct) =>
        TypedResults.Ok(await ReadAsync(dataSource, identity.TenantId, null, ct));

    private static async Task<Results<Ok<WebhookSubscription>, ProblemHttpResult>> GetAsync(
        Guid id, RequestIdentity identity, NpgsqlDataSource dataSource, CancellationToken ct) =>
        (await ReadAsync(dataSource, identity.TenantId, id, ct)) is [var found]
            ? TypedResults.Ok(found)
            : Problems.NotFound($"Webhook subscription {id} was not found.");

    private static async Task<IReadOnlyList<WebhookSubscription>> ReadAsync(NpgsqlDataSource dataSource, string tenantId, Guid? id,
        CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, url, events, created_at, created_by FROM webhook_subscriptions
            WHERE tenant_id = @tenant AND deleted_at IS NULL AND (@id::uuid IS NULL OR id = @id)
            ORDER BY created_at
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("id", id));
        var list = new List<WebhookSubscription>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new WebhookSubscription(r.GetGuid(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.GetFieldValue<DateTimeOffset>(3),
                r.GetString(4)));
        return list;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, RequestIdentity identity, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        // Kept, marked deleted, so the deliveries it had stay explained; what was still pending is not sent.
        await using var cmd = dataSource.CreateCommand("""
            WITH deleted AS (
                UPDATE webhook_subscriptions SET deleted_at = @now
                WHERE id = @id AND tenant_id = @tenant AND deleted_at IS NULL
                RETURNING id),
            cancelled AS (
                UPDATE webhook_deliveries d SET status = 'cancelled', completed_at = @now, claim_token = NULL
                FROM deleted
                WHERE d.subscription_id = deleted.id AND d.tenant_id = @tenant AND d.status = 'pending')
            SELECT count(*) > 0 FROM deleted
            """);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        return (bool)(await cmd.ExecuteScalarAsync(ct))!
            ? TypedResults.NoContent()
            : Problems.NotFound($"Webhook subscription {id} was not found.");
    }

    private static async Task<Results<Ok<IReadOnlyList<WebhookDelivery>>, ValidationProblem, ProblemHttpResult>> DeliveriesAsync(
        Guid id, RequestIdentity identity, NpgsqlDataSource dataSource, CancellationToken ct, int limit = 50,
        [OneOf(typeof(WebhookDeliveryStatuses), nameof(WebhookDeliveryStatuses.All))] string? status = null)
    {
        var errors = new ValidationErrors();
        if (limit is < 1 or > 500) errors.Add("limit", "The limit must be between 1 and 500.");
        errors.OneOf("status", status, WebhookDeliveryStatuses.All);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var exists = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = @id AND tenant_id = @tenant AND deleted_at IS NULL)
            """, connection))
        {
            exists.Parameters.AddWithValue("id", id);
            exists.Parameters.AddWithValue("tenant", identity.TenantId);
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return Problems.NotFound($"Webhook subscription {id} was not found.");
        }

        return TypedResults.Ok(await ReadDeliveriesAsync(connection, identity.TenantId, subscriptionId: id, deliveryId: null, status, limit, ct));
    }

    private static async Task<Results<Ok<WebhookDelivery>, ProblemHttpResult>> DeliveryAsync(
        Guid id, RequestIdentity identity, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReadDeliveriesAsync(connection, identity.TenantId, subscriptionId: null, deliveryId: id, null, 1, ct) is [var found]
            ? TypedResults.Ok(found)
            : Problems.NotFound($"Webhook delivery {id} was not found.");
    }

    /// <summary>
    /// Sends a delivery again: one that failed (its endpoint was down longer than the retry window) or one the insurer
    /// says it lost. It goes out at once, with the same id and body, and is retried as a new one would be. A pending
    /// delivery is already on its way and a cancelled one's subscription is gone: both are conflicts.
    /// </summary>
    private static async Task<Results<Accepted<WebhookDelivery>, ProblemHttpResult>> RedeliverAsync(
        Guid id, RequestIdentity identity, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            WITH target AS (
                SELECT d.id, d.status, s.deleted_at IS NOT NULL AS unsubscribed
                FROM webhook_deliveries d
                JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.tenant_id = d.tenant_id
                WHERE d.id = @id AND d.tenant_id = @tenant
                FOR UPDATE OF d),
            redelivered AS (
                UPDATE webhook_deliveries d
                SET status = 'pending', next_attempt_at = @now, claim_token = NULL, completed_at = NULL,
                    retry_window_started_at = @now, retry_window_attempts = d.attempts,
                    redelivered_at = @now, redelivered_by = @actor
                FROM target
                WHERE d.id = target.id AND target.status IN ('failed', 'delivered') AND NOT target.unsubscribed
                RETURNING d.id)
            SELECT target.status, target.unsubscribed, EXISTS (SELECT 1 FROM redelivered) FROM target
            """, connection))
        {
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("tenant", identity.TenantId);
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("actor", identity.ActorId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return Problems.NotFound($"Webhook delivery {id} was not found.");
            var (status, unsubscribed, redelivered) = (r.GetString(0), r.GetBoolean(1), r.GetBoolean(2));
            if (!redelivered)
                return Problems.Conflict(unsubscribed || status == "cancelled"
                    ? $"Webhook delivery {id} belongs to a deleted subscription; there is nowhere to send it."
                    : $"Webhook delivery {id} is {status}: it is already on its way.");
        }
        var delivery = (await ReadDeliveriesAsync(connection, identity.TenantId, null, id, null, 1, ct)).Single();
        return TypedResults.Accepted($"/webhooks/deliveries/{id}", delivery);
    }

    private static async Task<IReadOnlyList<WebhookDelivery>> ReadDeliveriesAsync(NpgsqlConnection connection, string tenantId,
        Guid? subscriptionId, Guid? deliveryId, string? status, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT d.id, d.subscription_id, d.event_id, d.case_id, d.case_number, d.kind, d.status, d.attempts, d.last_status_code,
                   d.last_error, d.next_attempt_at, d.created_at, d.completed_at,
                   coalesce((SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.attempted_at, 'statusCode', a.status_code,
                                                               'error', a.error, 'durationMs', a.duration_ms) ORDER BY a.attempt)
                             FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id), '[]')::text
            FROM webhook_deliveries d
            WHERE d.tenant_id = @tenant
              AND (@subscription_id::uuid IS NULL OR d.subscription_id = @subscription_id)
              AND (@delivery_id::uuid IS NULL OR d.id = @delivery_id)
              AND (@status::text IS NULL OR d.status = @status)
            ORDER BY d.created_at DESC, d.id
            LIMIT @limit
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("subscription_id", subscriptionId));
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("delivery_id", deliveryId));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("status", status));
        cmd.Parameters.AddWithValue("limit", limit);
        var list = new List<WebhookDelivery>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var state = r.GetString(6);
            list.Add(new WebhookDelivery(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetGuid(3), r.GetString(4), r.GetString(5), state,
                r.GetInt32(7), r.IsDBNull(8) ? null : r.GetInt32(8), r.IsDBNull(9) ? null : r.GetString(9),
                state == "pending" ? r.GetFieldValue<DateTimeOffset>(10) : null, r.GetFieldValue<DateTimeOffset>(11),
                r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12),
                System.Text.Json.JsonSerializer.Deserialize<WebhookAttempt[]>(r.GetString(13), PlatformJson.Options)!));
        }
        return list;
    }
}
