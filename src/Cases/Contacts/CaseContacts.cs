using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Cases.CaseFiles;
using Platform.Cases.Timeline;
using Platform.Contracts;

namespace Platform.Cases.Contacts;

/// <summary>A person who calls about the case: what they may be told, their language, and how they want to be reached.</summary>
public sealed record CaseContact(
    Guid Id, string Name,
    [property: OneOf(typeof(CaseContacts), nameof(CaseContacts.Relations))] string Relation,
    string? Phone, string? Email, string? Language,
    [property: OneOf(typeof(CaseContacts), nameof(CaseContacts.Channels))] string PreferredChannel,
    bool MayReceiveMedicalDetails, DateTimeOffset UpdatedAt);

public sealed record ContactRequest(
    string? Name,
    [property: OneOf(typeof(CaseContacts), nameof(CaseContacts.Relations))] string? Relation,
    string? Phone, string? Email, string? Language,
    [property: OneOf(typeof(CaseContacts), nameof(CaseContacts.Channels))] string? PreferredChannel,
    bool? MayReceiveMedicalDetails);

public static class CaseContacts
{
    public static readonly string[] Relations = ["insured", "relative", "clinic-doctor", "other"];
    public static readonly string[] Channels = ["phone", "sms", "email", "messenger"];

    /// <summary>Every caller becomes a contact of the case once; later calls update how to reach them.</summary>
    /// <summary>The statement that adds the appeal's caller to the case's contacts, or updates them (run it in the filing's batch).</summary>
    public static NpgsqlBatchCommand FromAppeal(Guid caseId, AppealRegistered appeal)
    {
        var c = appeal.Caller;
        return new NpgsqlBatchCommand("""
            INSERT INTO case_contacts (id, tenant_id, case_id, name, name_key, relation, phone, email, language, may_receive_medical,
                                       created_at, updated_at)
            VALUES (@id, @tenant, @case_id, @name, @name_key, @relation, @phone, @email, @language, @medical, @at, @at)
            ON CONFLICT (case_id, name_key) DO UPDATE SET
                phone = coalesce(excluded.phone, case_contacts.phone),
                email = coalesce(excluded.email, case_contacts.email),
                language = coalesce(excluded.language, case_contacts.language),
                may_receive_medical = case_contacts.may_receive_medical OR excluded.may_receive_medical,
                updated_at = excluded.updated_at
            """)
        {
            Parameters =
            {
                new NpgsqlParameter("id", Guid.CreateVersion7()),
                new NpgsqlParameter("tenant", appeal.TenantId),
                new NpgsqlParameter("case_id", caseId),
                new NpgsqlParameter("name", c.Name),
                new NpgsqlParameter("name_key", InsuredIdentity.NameKey(c.Name)),
                new NpgsqlParameter("relation", c.Relation),
                new NpgsqlParameter<string?>("phone", c.Phone),
                new NpgsqlParameter<string?>("email", c.Email),
                new NpgsqlParameter<string?>("language", c.Language),
                new NpgsqlParameter("medical", c.MayReceiveMedicalDetails),
                new NpgsqlParameter("at", appeal.RegisteredAt),
            },
        };
    }

    public static async Task<IReadOnlyList<CaseContact>> ReadAsync(NpgsqlConnection connection, string tenantId, Guid caseId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT id, name, relation, phone, email, language, preferred_channel, may_receive_medical, updated_at
            FROM case_contacts WHERE tenant_id = @tenant AND case_id = @case_id ORDER BY created_at
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        var list = new List<CaseContact>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new CaseContact(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.GetBoolean(7),
                r.GetFieldValue<DateTimeOffset>(8)));
        return list;
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
        if (string.IsNullOrWhiteSpace(request.Phone) && string.IsNullOrWhiteSpace(request.Email)) e.Add("phone", "A phone number or an e-mail address is needed.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO case_contacts (id, tenant_id, case_id, name, name_key, relation, phone, email, language, preferred_channel,
                                       may_receive_medical, created_at, updated_at)
            VALUES (@id, @tenant, @case_id, @name, @name_key, @relation, @phone, @email, @language, @channel, @medical, @now, @now)
            ON CONFLICT (case_id, name_key) DO UPDATE SET relation = excluded.relation, phone = excluded.phone, email = excluded.email,
                language = excluded.language, preferred_channel = excluded.preferred_channel,
                may_receive_medical = excluded.may_receive_medical, updated_at = excluded.updated_at
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
            cmd.Parameters.AddWithValue("channel", request.PreferredChannel ?? "phone");
            cmd.Parameters.AddWithValue("medical", request.Relation == "insured" || request.MayReceiveMedicalDetails == true);
            cmd.Parameters.AddWithValue("now", now);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await CaseTimeline.AppendAsync(transaction, identity.TenantId, caseId, now, "contact-saved",
            $"Contact {request.Name!.Trim()} ({request.Relation}) saved", identity.ActorId, ct: ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ReadAsync(connection, identity.TenantId, caseId, ct));
    }
}
