using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Cases.CaseFiles;
using Platform.Cases.Timeline;
using Platform.Contracts;

namespace Platform.Cases.Contacts;

/// <summary>
/// A person who calls about the case: what they may be told, their language, and how they want to be reached.
/// <c>TimeZone</c> is the zone they gave (IANA id); <c>ToldTimesIn</c> the zone they are told times in, and why
/// (theirs, else their phone number's country, else the case's country, else UTC). <c>LastCalledAt</c>: their latest appeal.
/// <c>ConsentsToMessages</c>: whether they agreed to be written to about the case by e-mail or SMS (false: messages
/// are held and a coordinator passes them on by phone).
/// </summary>
public sealed record CaseContact(
    Guid Id, string Name,
    [property: OneOf(typeof(CaseContacts), nameof(CaseContacts.Relations))] string Relation,
    string? Phone, string? Email, string? Language,
    [property: OneOf(typeof(CaseContacts), nameof(CaseContacts.Channels))] string PreferredChannel,
    bool MayReceiveMedicalDetails, DateTimeOffset UpdatedAt, string? TimeZone = null, PersonTimeZone? ToldTimesIn = null,
    DateTimeOffset? LastCalledAt = null, bool ConsentsToMessages = true)
{
    /// <summary>The language they are written to: Russian or English.</summary>
    public string WrittenLanguage => PersonLanguage.Of(Language);
}

public sealed record ContactRequest(
    string? Name,
    [property: OneOf(typeof(CaseContacts), nameof(CaseContacts.Relations))] string? Relation,
    string? Phone, string? Email, string? Language,
    [property: OneOf(typeof(CaseContacts), nameof(CaseContacts.Channels))] string? PreferredChannel,
    bool? MayReceiveMedicalDetails, string? TimeZone = null, bool? ConsentsToMessages = null);

public static class CaseContacts
{
    public static readonly string[] Relations = ContactRelations.All;
    [EnumSchema("ContactChannel")]
    public static readonly string[] Channels = ContactChannels.All;

    /// <summary>Every caller becomes a contact of the case once; later calls update how to reach them.
    /// The statement that adds the appeal's caller to the case's contacts, or updates them (run it in the filing's batch).</summary>
    public static NpgsqlBatchCommand FromAppeal(Guid caseId, AppealRegistered appeal)
    {
        var c = appeal.Caller;
        return new NpgsqlBatchCommand("""
            INSERT INTO case_contacts (id, tenant_id, case_id, name, name_key, relation, phone, email, language, time_zone,
                                       preferred_channel, consents_to_messages, may_receive_medical, created_at, updated_at, last_called_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, 'phone'), coalesce($12, true), $13, $14, $14, $14)
            ON CONFLICT (case_id, name_key) DO UPDATE SET
                preferred_channel = coalesce($11, case_contacts.preferred_channel),
                consents_to_messages = coalesce($12, case_contacts.consents_to_messages),
                phone = coalesce(excluded.phone, case_contacts.phone),
                email = coalesce(excluded.email, case_contacts.email),
                language = coalesce(excluded.language, case_contacts.language),
                time_zone = coalesce(excluded.time_zone, case_contacts.time_zone),
                last_called_at = greatest(excluded.last_called_at, case_contacts.last_called_at),
                may_receive_medical = case_contacts.may_receive_medical OR excluded.may_receive_medical,
                updated_at = excluded.updated_at
            """)
        {
            // In the order of the columns ($14, the time, also for updated_at and last_called_at): positional, so that
            // Npgsql does not parse and rewrite the text on every appeal.
            Parameters =
            {
                new() { Value = Guid.CreateVersion7() },
                new() { Value = appeal.TenantId },
                new() { Value = caseId },
                new() { Value = c.Name },
                new() { Value = InsuredIdentity.NameKey(c.Name) },
                new() { Value = c.Relation },
                new NpgsqlParameter<string?> { TypedValue = c.Phone },
                new NpgsqlParameter<string?> { TypedValue = c.Email },
                new NpgsqlParameter<string?> { TypedValue = c.Language },
                new NpgsqlParameter<string?> { TypedValue = c.TimeZone },
                new NpgsqlParameter<string?> { TypedValue = c.PreferredChannel },
                new NpgsqlParameter<bool?> { TypedValue = c.ConsentsToMessages },
                new() { Value = c.MayReceiveMedicalDetails },
                new() { Value = appeal.RegisteredAt },
            },
        };
    }

    private const string ContactColumns = """
        k.id, k.name, k.relation, k.phone, k.email, k.language, k.preferred_channel, k.may_receive_medical, k.updated_at,
        k.time_zone, k.last_called_at, c.country, k.consents_to_messages
        """;

    public static async Task<IReadOnlyList<CaseContact>> ReadAsync(NpgsqlConnection connection, string tenantId, Guid caseId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT {ContactColumns}
            FROM case_contacts k JOIN cases c ON c.id = k.case_id
            WHERE k.tenant_id = @tenant AND k.case_id = @case_id ORDER BY k.created_at
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        var list = new List<CaseContact>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>
    /// Whom a message about the case goes to: the contact named, else the insured's most recent caller (the contact of
    /// the latest appeal; contacts who never called only when nobody did, the latest saved first). Null when the case has no such contact.
    /// </summary>
    public static async Task<CaseContact?> RecipientAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId,
        Guid caseId, Guid? contactId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT {ContactColumns}
            FROM case_contacts k JOIN cases c ON c.id = k.case_id
            WHERE k.tenant_id = @tenant AND k.case_id = @case_id AND (@contact::uuid IS NULL OR k.id = @contact)
            ORDER BY k.last_called_at DESC NULLS LAST, k.updated_at DESC
            LIMIT 1
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("contact", contactId));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    private static CaseContact Read(NpgsqlDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var (phone, zone, country) = (S(3), S(9), r.GetString(11).Trim());
        return new CaseContact(r.GetGuid(0), r.GetString(1), r.GetString(2), phone, S(4), S(5), r.GetString(6), r.GetBoolean(7),
            r.GetFieldValue<DateTimeOffset>(8), zone, PersonTimeZone.Resolve(zone, phone, country),
            r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.GetBoolean(12));
    }

    public static RouteGroupBuilder MapCaseContactsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}/contacts").WithTags("Contacts");
        group.MapGet("/", async Task<Results<Ok<IReadOnlyList<CaseContact>>, ProblemHttpResult>> (
            string numberOrId, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore cases, CancellationToken ct) =>
        {
            if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return TypedResults.Ok(await ReadAsync(connection, identity.TenantId, caseId, ct));
        }).RequireAccess(Access.ReadCases).WithSummary("The case's contacts");
        group.MapPut("/", SaveAsync).RequireAccess(Access.WorkCases).WithSummary("Adds a contact or updates the one with the same name");
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<CaseContact>>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        string numberOrId, ContactRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore cases,
        TimeProvider clock, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("name", request.Name)) e.MaxLength("name", request.Name, 200);
        if (e.Required("relation", request.Relation)) e.OneOf("relation", request.Relation, Relations);
        e.OneOf("preferredChannel", request.PreferredChannel, Channels);
        e.MaxLength("phone", request.Phone, 40);
        e.MaxLength("email", request.Email, 254);
        if (request.Language is { Length: not 2 }) e.Add("language", "The field must be a two-letter ISO 639-1 code such as 'ru' or 'en'.");
        if (request.TimeZone is not null && !PersonTimeZone.IsKnown(request.TimeZone))
            e.Add("timeZone", "The field must be a known IANA time zone id such as 'Europe/Moscow'.");
        if (string.IsNullOrWhiteSpace(request.Phone) && string.IsNullOrWhiteSpace(request.Email)) e.Add("phone", "A phone number or an e-mail address is needed.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO case_contacts (id, tenant_id, case_id, name, name_key, relation, phone, email, language, time_zone, preferred_channel,
                                       may_receive_medical, consents_to_messages, created_at, updated_at)
            VALUES (@id, @tenant, @case_id, @name, @name_key, @relation, @phone, @email, @language, @time_zone, @channel, @medical,
                    coalesce(@consent, true), @now, @now)
            ON CONFLICT (case_id, name_key) DO UPDATE SET relation = excluded.relation, phone = excluded.phone, email = excluded.email,
                language = excluded.language, time_zone = excluded.time_zone, preferred_channel = excluded.preferred_channel,
                may_receive_medical = excluded.may_receive_medical,
                consents_to_messages = coalesce(@consent, case_contacts.consents_to_messages), updated_at = excluded.updated_at
            """, connection, transaction))
        {
            cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
            cmd.Parameters.AddWithValue("tenant", identity.TenantId);
            cmd.Parameters.AddWithValue("case_id", caseId);
            cmd.Parameters.AddWithValue("name", request.Name!.Trim());
            cmd.Parameters.AddWithValue("name_key", InsuredIdentity.NameKey(request.Name));
            cmd.Parameters.AddWithValue("relation", request.Relation!);
            cmd.Parameters.Add(new NpgsqlParameter<string?>("phone", request.Phone));
            cmd.Parameters.Add(new NpgsqlParameter<string?>("email", request.Email));
            cmd.Parameters.Add(new NpgsqlParameter<string?>("language", request.Language));
            cmd.Parameters.Add(new NpgsqlParameter<string?>("time_zone",
                request.TimeZone is { } zone ? TimeZoneInfo.FindSystemTimeZoneById(zone.Trim()).Id : null));
            cmd.Parameters.AddWithValue("channel", request.PreferredChannel ?? "phone");
            cmd.Parameters.AddWithValue("medical", request.Relation == "insured" || request.MayReceiveMedicalDetails == true);
            cmd.Parameters.Add(new NpgsqlParameter<bool?>("consent", request.ConsentsToMessages));
            cmd.Parameters.AddWithValue("now", now);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await CaseTimeline.AppendAsync(transaction, identity.TenantId, caseId, now, "contact-saved",
            $"Contact {request.Name!.Trim()} ({request.Relation}) saved", identity.ActorId, ct: ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ReadAsync(connection, identity.TenantId, caseId, ct));
    }
}
