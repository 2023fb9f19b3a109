using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Cases.CaseFiles;
using Platform.Cases.Timeline;

namespace Platform.Cases.Contacts;

/// <summary>
/// A message to a contact and what became of it. <c>Channel</c> and <c>Address</c>: where it goes (null while held);
/// <c>Note</c>: why it goes there, or why it is held; <c>LastError</c>: the last failed attempt's reason;
/// <c>NextAttemptAt</c>: when a pending message is tried next.
/// </summary>
public sealed record ContactMessage(
    Guid Id, string Kind, Guid? ContactId, string? Recipient,
    [property: OneOf(typeof(MessageChannels), nameof(MessageChannels.All))] string? Channel,
    string? Address, string? Language,
    [property: OneOf(typeof(MessageStatuses), nameof(MessageStatuses.All))] string Status,
    string Text, string? Note, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? NextAttemptAt);

public static class ContactMessagesApi
{
    public static IHostApplicationBuilder AddContactMessages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessageDeliveryOptions>().BindConfiguration("Messages");
        builder.Services.AddSingleton<IMessageChannel, EmailChannel>();
        builder.Services.AddSingleton<IMessageChannel, SmsChannel>();
        builder.Services.AddHostedService<MessageSender>();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
        builder.Services.AddHttpClient(SmsChannel.ClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MessageDeliveryOptions>>().Value.Timeout)
            // The provider is a third party: the sender retries, backs off and records attempts itself, so the
            // standard retries would only multiply SMS; service discovery does not apply to its address.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear())
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    public static RouteGroupBuilder MapContactMessagesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}/messages").WithTags("Contacts");
        group.MapGet("/", ListAsync).RequireAccess(Access.ReadCases)
            .WithSummary("Messages to the case's contacts, newest first, with their delivery status");
        group.MapPost("/{id:guid}/resend", ResendAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Sends a failed or held message again, routed by the contact's current details (e.g. after an e-mail address was corrected)");
        return group;
    }

    private const string Columns = """
        id, kind, contact_id, recipient, channel, address, language, status, text, note, attempts, last_error, created_at, sent_at,
        CASE WHEN status = 'pending' THEN next_attempt_at END
        """;

    private static async Task<Results<Ok<IReadOnlyList<ContactMessage>>, ProblemHttpResult>> ListAsync(
        string numberOrId, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore cases, CancellationToken ct)
    {
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await ReadAsync(connection, null, identity.TenantId, caseId, null, 200, ct));
    }

    /// <summary>The case's messages (or one), newest first.</summary>
    public static async Task<IReadOnlyList<ContactMessage>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId,
        Guid caseId, Guid? id, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT {Columns} FROM contact_messages
            WHERE tenant_id = @tenant AND case_id = @case_id AND (@id::uuid IS NULL OR id = @id)
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("id", id));
        cmd.Parameters.AddWithValue("limit", limit);
        var list = new List<ContactMessage>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            DateTimeOffset? T(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
            list.Add(new ContactMessage(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), S(3), S(4), S(5), S(6), r.GetString(7),
                r.GetString(8), S(9), r.GetInt32(10), S(11), r.GetFieldValue<DateTimeOffset>(12), T(13), T(14)));
        }
        return list;
    }

    private static async Task<Results<Ok<ContactMessage>, ProblemHttpResult>> ResendAsync(
        string numberOrId, Guid id, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore cases, TimeProvider clock, CancellationToken ct)
    {
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        Guid? contactId;
        string status;
        await using (var read = new NpgsqlCommand("""
            SELECT contact_id, status FROM contact_messages WHERE tenant_id = @tenant AND case_id = @case_id AND id = @id FOR UPDATE
            """, connection, transaction))
        {
            read.Parameters.AddWithValue("tenant", identity.TenantId);
            read.Parameters.AddWithValue("case_id", caseId);
            read.Parameters.AddWithValue("id", id);
            await using var r = await read.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return Problems.NotFound($"Message {id} of case {numberOrId} was not found.");
            (contactId, status) = (r.IsDBNull(0) ? null : r.GetGuid(0), r.GetString(1));
        }
        if (status is not (MessageStatuses.Failed or MessageStatuses.Held))
            return Problems.Conflict($"Message {id} is {status}: only a failed or held message is sent again.");

        var contact = await CaseContacts.RecipientAsync(connection, transaction, identity.TenantId, caseId, contactId, ct);
        var route = ContactMessages.Route(contact);
        if (route.Status == MessageStatuses.Held) return Problems.Conflict($"Message {id} still cannot be sent: {route.Note}");

        var now = clock.GetUtcNow();
        await using (var update = new NpgsqlCommand("""
            UPDATE contact_messages
            SET status = 'pending', contact_id = @contact_id, recipient = @recipient, channel = @channel, address = @address, note = @note,
                attempts = 0, last_error = NULL, retry_from = @now, next_attempt_at = @now
            WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("contact_id", contact!.Id);
            update.Parameters.AddWithValue("recipient", contact.Name);
            update.Parameters.AddWithValue("channel", route.Channel!);
            update.Parameters.AddWithValue("address", route.Address!);
            update.Parameters.Add(new NpgsqlParameter<string?>("note", route.Note));
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("id", id);
            await update.ExecuteNonQueryAsync(ct);
        }
        await CaseTimeline.AppendAsync(transaction, identity.TenantId, caseId, now, TimelineKinds.MessageToContact,
            $"Message sent again to {contact.Name} ({contact.Relation}) by {(route.Channel == MessageChannels.Email ? "e-mail" : "SMS")} to {route.Address}",
            identity.ActorId, new { messageId = id, contactId = contact.Id, channel = route.Channel, address = route.Address, status = MessageStatuses.Pending }, ct);
        var message = (await ReadAsync(connection, transaction, identity.TenantId, caseId, id, 1, ct))[0];
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(message);
    }
}
