using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Npgsql;

namespace Platform.OmsRepresentatives.Register;

/// <summary>A clinic's dispensary observation of the person: the diagnosis and the next visit by the clinic's plan.</summary>
public sealed record DispensaryRow(string Diagnosis, string ClinicCode, DateOnly NextVisitOn);

/// <summary>An invitation the person got from a reminder campaign, and how it ended.</summary>
public sealed record PersonInvitation(long Id, long CampaignId, string CampaignName, int Wave, string Kind, string Channel, DateOnly ScheduledOn,
    string Delivery, string? Outcome, DateTimeOffset? OutcomeAt);

/// <summary>An insured person as the register has them.</summary>
public sealed record InsuredPerson(string Enp, string FullName, DateOnly BirthDate, string Sex, string Region, string? ClinicCode,
    int? DisabilityGroup, bool InDepth, DateOnly? LastCheckupOn, DateOnly? LastDispanserizationOn, string? Phone, string? ReminderChannel,
    DateTimeOffset UpdatedAt);

/// <summary>A person with their dispensary observations and their invitations, newest first.</summary>
public sealed record InsuredView(InsuredPerson Person, IReadOnlyList<DispensaryRow> Dispensary, IReadOnlyList<PersonInvitation> Invitations);

/// <summary>
/// The SMO's register of insured persons: bulk loads from its systems (the register, the clinics' dispensary lists)
/// and the look-ups its representatives make while talking to a person.
/// </summary>
public static class RegisterApi
{
    /// <summary>The largest file one load takes (<c>Register:MaxBodyBytes</c>): a register of a million persons is
    /// about 130 MiB of CSV. The gateway caps bodies separately and must let these routes' through.</summary>
    public const long DefaultMaxBodyBytes = 1024L * 1024 * 1024;

    public const int MaxFound = 20;

    public static IHostApplicationBuilder AddRegister(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RegisterLoader>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRegisterApi(this IEndpointRouteBuilder app)
    {
        var register = app.MapGroup("/register").WithTags("OMS register");
        register.MapPost("/", LoadRegisterAsync).RequireAccess(Access.OmsRegister)
            .AddOpenApiOperationTransformer(CsvOperation)
            .WithSummary("Loads the register of insured persons (CSV): upsert by ЕНП, all or nothing; attendance closes invitations")
            .WithDescription("""
                text/csv, UTF-8, header row first, ';' or ',' as the delimiter. Columns: enp (16 digits), full_name,
                birth_date (yyyy-MM-dd), sex (m/f or М/Ж), region (2 digits) required; clinic_code, disability_group (1-3),
                in_depth (true/false), last_checkup_on, last_dispanserization_on, phone (E.164), reminder_channel (sms or
                call; empty: no consent to reminders; needs a phone) optional. A file with any bad row writes nothing and
                gets a 400 whose errors name the line and column (rows[12].birth_date), for up to 100 rows. After the
                load, the invitations of the persons in the file who have attended their measure since the invitation's
                day are marked attended.
                """);
        register.MapPost("/dispensary", LoadDispensaryAsync).RequireAccess(Access.OmsRegister)
            .AddOpenApiOperationTransformer(CsvOperation)
            .WithSummary("Loads clinics' lists of patients under dispensary observation (CSV); replaces each listed clinic's rows")
            .WithDescription("""
                text/csv, columns enp, diagnosis (ICD-10, such as M86.6), clinic_code, next_visit_on (yyyy-MM-dd). Every
                clinic named in the file has its whole list replaced by the file's rows. A person not in the register is
                an error naming the line; nothing is written then.
                """);

        var insured = app.MapGroup("/insured").WithTags("OMS register");
        insured.MapGet("/{enp}", GetAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("An insured person by ЕНП, with their dispensary observations and invitations");
        insured.MapGet("/", FindAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("Finds insured persons by full name (case-insensitive) and date of birth (yyyy-MM-dd); at most 20");
        return app;
    }

    /// <summary>Described for the API documents only: Accepts() would have routing answer other media types itself.</summary>
    private static Task CsvOperation(OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
        };
        return Task.CompletedTask;
    }

    private static async Task<Results<Ok<RegisterLoadResult>, ValidationProblem, ProblemHttpResult>> LoadRegisterAsync(
        HttpRequest request, RequestIdentity identity, RegisterLoader loader, IConfiguration configuration, CancellationToken ct)
    {
        if (Unsupported(request, configuration) is { } problem) return problem;
        var outcome = await loader.LoadRegisterAsync(identity.TenantId, request.Body, ct);
        return outcome.Errors is { } errors ? Problems.Validation(errors.Errors.ToDictionary(), errors.Detail) : TypedResults.Ok(outcome.Result!);
    }

    private static async Task<Results<Ok<DispensaryLoadResult>, ValidationProblem, ProblemHttpResult>> LoadDispensaryAsync(
        HttpRequest request, RequestIdentity identity, RegisterLoader loader, IConfiguration configuration, CancellationToken ct)
    {
        if (Unsupported(request, configuration) is { } problem) return problem;
        var outcome = await loader.LoadDispensaryAsync(identity.TenantId, request.Body, ct);
        return outcome.Errors is { } errors ? Problems.Validation(errors.Errors.ToDictionary(), errors.Detail) : TypedResults.Ok(outcome.Result!);
    }

    /// <summary>A 415 unless the body is UTF-8 CSV; lifts the body limit for the file otherwise (it is streamed, never held).</summary>
    private static ProblemHttpResult? Unsupported(HttpRequest request, IConfiguration configuration)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = configuration.GetValue("Register:MaxBodyBytes", DefaultMaxBodyBytes);
        MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType);
        var charset = contentType?.Charset.Value;
        string? detail = null;
        if (!string.Equals(contentType?.MediaType.Value, "text/csv", StringComparison.OrdinalIgnoreCase)) detail = "Send the file as text/csv.";
        else if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)) detail = $"The file must be UTF-8, not {charset}.";
        return detail is null ? null : TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type.", type: ProblemTypes.UnsupportedMediaType);
    }

    private static async Task<Results<Ok<InsuredView>, ProblemHttpResult>> GetAsync(string enp, RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var found = await ReadPersonsAsync(connection, identity.TenantId, "i.enp = @enp", [new("enp", enp.Trim())], 1, ct);
        if (found is not [var person]) return Problems.NotFound($"No insured person with ЕНП {enp} in the register.");

        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT diagnosis, clinic_code, next_visit_on FROM dispensary_observations
            WHERE tenant_id = @tenant AND enp = @enp ORDER BY next_visit_on, diagnosis
            """) { Parameters = { new("tenant", identity.TenantId), new("enp", person.Enp) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT v.id, v.campaign_id, c.name, v.wave, v.kind, v.channel, v.scheduled_on, v.delivery, v.outcome, v.outcome_at
            FROM invitations v JOIN campaigns c ON c.id = v.campaign_id AND c.tenant_id = v.tenant_id
            WHERE v.tenant_id = @tenant AND v.enp = @enp ORDER BY v.scheduled_on DESC, v.id DESC
            """) { Parameters = { new("tenant", identity.TenantId), new("enp", person.Enp) } });
        var dispensary = new List<DispensaryRow>();
        var invitations = new List<PersonInvitation>();
        await using (var r = await batch.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) dispensary.Add(new DispensaryRow(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2)));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
                invitations.Add(new PersonInvitation(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt16(3), r.GetString(4), r.GetString(5),
                    r.GetFieldValue<DateOnly>(6), r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
                    r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9)));
        }
        return TypedResults.Ok(new InsuredView(person, dispensary, invitations));
    }

    private static async Task<Results<Ok<IReadOnlyList<InsuredPerson>>, ValidationProblem>> FindAsync(
        string? name, string? birthDate, RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("name", name)) e.MaxLength("name", name, RegisterLoader.MaxName);
        DateOnly born = default;
        if (e.Required("birthDate", birthDate) && !CsvRows.TryDate(birthDate!.Trim(), out born))
            e.Add("birthDate", "The field must be a date in the form yyyy-MM-dd.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok<IReadOnlyList<InsuredPerson>>(await ReadPersonsAsync(connection, identity.TenantId,
            """i.birth_date = @born AND lower(i.full_name COLLATE "und-x-icu") = lower(@name COLLATE "und-x-icu")""",
            [new("name", RegisterLoader.NormalizeName(name!.Trim())), new("born", born)], MaxFound, ct));
    }

    private static async Task<List<InsuredPerson>> ReadPersonsAsync(NpgsqlConnection connection, string tenantId, string where,
        NpgsqlParameter[] parameters, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT i.enp, i.full_name, i.birth_date, i.sex, i.region, i.clinic_code, i.disability_group, i.in_depth, i.last_checkup_on,
                   i.last_dispanserization_on, i.phone, i.reminder_channel, i.updated_at
            FROM insured i WHERE i.tenant_id = @tenant AND {where}
            ORDER BY i.full_name, i.enp LIMIT {limit}
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddRange(parameters);
        var list = new List<InsuredPerson>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new InsuredPerson(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetInt16(6), r.GetBoolean(7),
                r.IsDBNull(8) ? null : r.GetFieldValue<DateOnly>(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateOnly>(9),
                r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11), r.GetFieldValue<DateTimeOffset>(12)));
        return list;
    }
}
