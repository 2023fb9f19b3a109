using Platform.OmsRepresentatives.Profile;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.OmsRepresentatives.Register;

namespace Platform.OmsRepresentatives.Campaigns;

/// <summary>A reminder campaign to plan: the preventive measures of a year it invites to, from which day, at what pace.</summary>
public sealed record CampaignRequest(string? Name, int? Year, IReadOnlyList<string>? Kinds, DateOnly? StartsOn, int? SmsPerDay, int? CallsPerDay,
    int? ClinicPerDay);

/// <summary>A campaign's invitations of one kind on one channel, and how they went.</summary>
public sealed record KindFigures(string Kind, string Channel, int Planned, int Sent, int Delivered, int Undelivered, int Reached, int Attended,
    int Refused, int Unreachable, int Cancelled);

/// <summary>The invitations planned for one day.</summary>
public sealed record DayFigures(DateOnly Day, int Sms, int Calls);

public sealed record CampaignSummary(long Id, string Name, int Year, IReadOnlyList<string> Kinds, DateOnly StartsOn, int SmsPerDay, int CallsPerDay,
    int ClinicPerDay, string Status, int PlannedCount, int Days, int PlanningMs, string CreatedBy, DateTimeOffset CreatedAt);

public sealed record CampaignView(CampaignSummary Campaign, IReadOnlyList<KindFigures> Figures, IReadOnlyList<DayFigures> PerDay);

/// <summary>A person to call on a day, and what to say.</summary>
public sealed record CallListItem(long InvitationId, string Enp, string FullName, string Phone, string Kind, string KindName, string? ClinicCode,
    int Wave, string? Outcome, string Script);

public sealed record OutcomeRequest(string? Outcome, string? Note);

public sealed record InvitationView(long Id, long CampaignId, string Enp, int Wave, string Kind, string Channel, string? ClinicCode, DateOnly ScheduledOn,
    string Delivery, string? Outcome, DateTimeOffset? OutcomeAt, string? OutcomeBy, string? OutcomeNote);

public sealed record ReinviteRequest(IReadOnlyList<string>? Outcomes, DateOnly? StartsOn);

public sealed record ReinviteResult(long CampaignId, int Invited, int Days, long PlanningMs);

/// <summary>
/// Reminder campaigns for preventive care (order 404n): planned at once over the whole register, with each day's SMS,
/// calls and per-clinic load capped; the representatives' call lists; the outcomes they record; re-invitations.
/// The SMS themselves are sent (and their delivery recorded) by the SMS area.
/// </summary>
public static class CampaignsApi
{
    public static readonly string[] Outcomes = ["reached", "attended", "refused", "unreachable"];
    public static readonly string[] Endings = ["unreachable", "undelivered", "reached", "refused"];
    public const int MaxName = 200, MaxNote = 1000, MaxPerDay = 1_000_000;

    public static IHostApplicationBuilder AddCampaigns(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/campaigns").WithTags("OMS campaigns");
        group.MapPost("/", CreateAsync).RequireAccess(Access.OmsSupervise)
            .WithSummary("Plans a reminder campaign over the register at once (201): who is due for the kinds in the year and consented, spread over days within the caps");
        group.MapGet("/", ListAsync).RequireAccess(Access.OmsSupervise).WithSummary("The tenant's campaigns, newest first");
        group.MapGet("/{id}", GetAsync).RequireAccess(Access.OmsSupervise)
            .WithSummary("A campaign with its figures per kind and channel and its invitations per day");
        group.MapPost("/{id}/cancel", CancelAsync).RequireAccess(Access.OmsSupervise)
            .WithSummary("Cancels a campaign: its pending invitations are not sent or called");
        group.MapPost("/{id}/reinvite", ReinviteAsync).RequireAccess(Access.OmsSupervise)
            .WithSummary("A new wave for those whose last invitation ended as one of the outcomes given and who have not attended");
        group.MapGet("/{id}/calls", CallsAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("The call list of a day (day=yyyy-MM-dd): whom to call, the phone, the measure, the clinic and what to say");
        app.MapPost("/invitations/{id}/outcome", OutcomeAsync).RequireAccess(Access.OmsAppeals).WithTags("OMS campaigns")
            .WithSummary("Records how an invitation ended: reached, attended, refused or unreachable (409 when cancelled)");
        return app;
    }

    private static async Task<Results<Created<CampaignView>, ValidationProblem>> CreateAsync(
        CampaignRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var today = (await SmoProfiles.GetAsync(db, identity.TenantId, ct)).DateAt(clock.GetUtcNow());
        var e = new ValidationErrors();
        if (e.Required("name", request.Name)) e.MaxLength("name", request.Name!.Trim(), MaxName);
        if (e.Required("year", request.Year) && (request.Year < today.Year - 1 || request.Year > today.Year + 1))
            e.Add("year", $"The year must be {today.Year - 1}, {today.Year} or {today.Year + 1}.");
        var kinds = request.Kinds ?? [];
        if (kinds.Count == 0) e.Add("kinds", $"Name at least one of: {string.Join(", ", PreventiveKinds.All)}.");
        for (var i = 0; i < kinds.Count; i++) e.OneOf($"kinds[{i}]", kinds[i], PreventiveKinds.All);
        if (e.Required("startsOn", request.StartsOn))
        {
            if (request.StartsOn < today) e.Add("startsOn", $"The campaign cannot start before today ({today:yyyy-MM-dd}).");
            else if (request.Year is { } y && request.StartsOn!.Value.Year > y) e.Add("startsOn", $"The campaign must start within {y}.");
        }
        PerDay(e, "smsPerDay", request.SmsPerDay);
        PerDay(e, "callsPerDay", request.CallsPerDay);
        PerDay(e, "clinicPerDay", request.ClinicPerDay);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was planned; correct the fields named.");

        var watch = Stopwatch.StartNew();
        var distinctKinds = PreventiveKinds.All.Where(kinds.Contains).ToArray();
        var caps = new CampaignCaps(request.SmsPerDay!.Value, request.CallsPerDay!.Value, request.ClinicPerDay!.Value);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await CampaignPlanner.LockTenantAsync(connection, transaction, identity.TenantId, ct);
        long id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO campaigns (tenant_id, name, kinds, year, starts_on, sms_per_day, calls_per_day, clinic_per_day, created_by, created_at)
            VALUES (@tenant, @name, @kinds, @year, @starts, @sms, @calls, @clinic, @by, @now) RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("tenant", identity.TenantId);
            insert.Parameters.AddWithValue("name", request.Name!.Trim());
            insert.Parameters.AddWithValue("kinds", distinctKinds);
            insert.Parameters.AddWithValue("year", request.Year!.Value);
            insert.Parameters.AddWithValue("starts", request.StartsOn!.Value);
            insert.Parameters.AddWithValue("sms", caps.SmsPerDay);
            insert.Parameters.AddWithValue("calls", caps.CallsPerDay);
            insert.Parameters.AddWithValue("clinic", caps.ClinicPerDay);
            insert.Parameters.AddWithValue("by", identity.ActorId);
            insert.Parameters.AddWithValue("now", clock.GetUtcNow());
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        var plan = await CampaignPlanner.PlanAsync(connection, transaction, identity.TenantId, id, request.Year.Value, distinctKinds,
            request.StartsOn.Value, caps, ct);
        var planningMs = (int)watch.ElapsedMilliseconds;
        await using (var update = new NpgsqlCommand(
            "UPDATE campaigns SET planned_count = @count, days = @days, planning_ms = @ms WHERE id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("count", plan.Invited);
            update.Parameters.AddWithValue("days", plan.Days);
            update.Parameters.AddWithValue("ms", planningMs);
            await update.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        logs.CreateLogger(typeof(CampaignsApi)).LogInformation(
            "Campaign {CampaignId} of {TenantId} planned: {Invited} invitations over {Days} days in {ElapsedMs} ms ({SelectMs} ms selecting)",
            id, identity.TenantId, plan.Invited, plan.Days, planningMs, plan.SelectMs);
        var view = (await ReadAsync(connection, identity.TenantId, id, ct))!;
        return TypedResults.Created($"/campaigns/{id}", view);
    }

    private static void PerDay(ValidationErrors e, string field, int? value)
    {
        if (e.Required(field, value) && value is < 1 or > MaxPerDay) e.Add(field, $"The field must be between 1 and {MaxPerDay:N0}.");
    }

    private static async Task<Ok<CampaignSummary[]>> ListAsync(RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok((await SummariesAsync(connection, null, identity.TenantId, null, ct)).ToArray());
    }

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> GetAsync(long id, RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await ReadAsync(connection, identity.TenantId, id, ct) is { } view ? TypedResults.Ok(view) : NotFound(id);
    }

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound($"Campaign {id} was not found.");

    private static async Task<List<CampaignSummary>> SummariesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId,
        long? id, CancellationToken ct, bool forUpdate = false)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT id, name, year, kinds, starts_on, sms_per_day, calls_per_day, clinic_per_day, status, planned_count, days, planning_ms,
                   created_by, created_at
            FROM campaigns WHERE tenant_id = @tenant AND (@id::bigint IS NULL OR id = @id)
            ORDER BY id DESC {(forUpdate ? "FOR UPDATE" : "")}
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<long?>("id", id));
        var list = new List<CampaignSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new CampaignSummary(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetFieldValue<string[]>(3), r.GetFieldValue<DateOnly>(4),
                r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetString(8), r.GetInt32(9), r.GetInt32(10), r.GetInt32(11), r.GetString(12),
                r.GetFieldValue<DateTimeOffset>(13)));
        return list;
    }

    /// <summary>The campaign with its figures, or null when the tenant has no such campaign.</summary>
    public static async Task<CampaignView?> ReadAsync(NpgsqlConnection connection, string tenantId, long id, CancellationToken ct)
    {
        if ((await SummariesAsync(connection, null, tenantId, id, ct)) is not [var campaign]) return null;
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT kind, channel, count(*)::int,
                   count(*) FILTER (WHERE delivery IN ('sent', 'delivered', 'undelivered'))::int,
                   count(*) FILTER (WHERE delivery = 'delivered')::int,
                   count(*) FILTER (WHERE delivery = 'undelivered')::int,
                   count(*) FILTER (WHERE outcome = 'reached')::int,
                   count(*) FILTER (WHERE outcome = 'attended')::int,
                   count(*) FILTER (WHERE outcome = 'refused')::int,
                   count(*) FILTER (WHERE outcome = 'unreachable')::int,
                   count(*) FILTER (WHERE delivery = 'cancelled')::int
            FROM invitations WHERE tenant_id = @tenant AND campaign_id = @id
            GROUP BY kind, channel
            """) { Parameters = { new("tenant", tenantId), new("id", id) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT scheduled_on, count(*) FILTER (WHERE channel = 'sms')::int, count(*) FILTER (WHERE channel = 'call')::int
            FROM invitations WHERE tenant_id = @tenant AND campaign_id = @id
            GROUP BY scheduled_on ORDER BY scheduled_on
            """) { Parameters = { new("tenant", tenantId), new("id", id) } });
        var figures = new List<KindFigures>();
        var days = new List<DayFigures>();
        await using var r = await batch.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            figures.Add(new KindFigures(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6),
                r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetInt32(10)));
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct)) days.Add(new DayFigures(r.GetFieldValue<DateOnly>(0), r.GetInt32(1), r.GetInt32(2)));
        figures.Sort((a, b) => (PreventiveKinds.All.ToList().IndexOf(a.Kind), a.Channel).CompareTo((PreventiveKinds.All.ToList().IndexOf(b.Kind), b.Channel)));
        return new CampaignView(campaign, figures, days);
    }

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> CancelAsync(long id, RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if ((await SummariesAsync(connection, transaction, identity.TenantId, id, ct, forUpdate: true)) is not [var campaign]) return NotFound(id);
        if (campaign.Status == "cancelled") return Problems.Conflict($"Campaign {id} is already cancelled.");
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE campaigns SET status = 'cancelled' WHERE tenant_id = @tenant AND id = @id")
        {
            Parameters = { new("tenant", identity.TenantId), new("id", id) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "UPDATE invitations SET delivery = 'cancelled' WHERE tenant_id = @tenant AND campaign_id = @id AND delivery = 'pending'")
        {
            Parameters = { new("tenant", identity.TenantId), new("id", id) },
        });
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok((await ReadAsync(connection, identity.TenantId, id, ct))!);
    }

    private static async Task<Results<Ok<ReinviteResult>, ValidationProblem, ProblemHttpResult>> ReinviteAsync(
        long id, ReinviteRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var today = (await SmoProfiles.GetAsync(db, identity.TenantId, ct)).DateAt(clock.GetUtcNow());
        var e = new ValidationErrors();
        var endings = request.Outcomes ?? [];
        if (endings.Count == 0) e.Add("outcomes", $"Name at least one of: {string.Join(", ", Endings)}.");
        for (var i = 0; i < endings.Count; i++) e.OneOf($"outcomes[{i}]", endings[i], Endings);
        if (e.Required("startsOn", request.StartsOn) && request.StartsOn < today)
            e.Add("startsOn", $"The wave cannot start before today ({today:yyyy-MM-dd}).");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nobody was invited again; correct the fields named.");

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await CampaignPlanner.LockTenantAsync(connection, transaction, identity.TenantId, ct);
        if ((await SummariesAsync(connection, transaction, identity.TenantId, id, ct, forUpdate: true)) is not [var campaign]) return NotFound(id);
        if (campaign.Status == "cancelled") return Problems.Conflict($"Campaign {id} is cancelled.");
        var plan = await CampaignPlanner.ReinviteAsync(connection, transaction, identity.TenantId, id, [.. endings.Distinct()], request.StartsOn!.Value,
            new CampaignCaps(campaign.SmsPerDay, campaign.CallsPerDay, campaign.ClinicPerDay), ct);
        await using (var update = new NpgsqlCommand("""
            UPDATE campaigns SET planned_count = planned_count + @count,
                days = greatest(days, (SELECT coalesce(max(scheduled_on) - starts_on + 1, 0) FROM invitations WHERE campaign_id = @id))
            WHERE tenant_id = @tenant AND id = @id
            RETURNING days
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("tenant", identity.TenantId);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("count", plan.Invited);
            await update.ExecuteScalarAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new ReinviteResult(id, plan.Invited, plan.Days, plan.ElapsedMs));
    }

    private static async Task<Results<Ok<CallListItem[]>, ValidationProblem, ProblemHttpResult>> CallsAsync(
        long id, string? day, RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        DateOnly date = default;
        if (string.IsNullOrWhiteSpace(day)) return Problems.Validation("day", "The field is required.");
        if (!CsvRows.TryDate(day.Trim(), out date)) return Problems.Validation("day", "The field must be a date in the form yyyy-MM-dd.");
        await using var connection = await db.OpenConnectionAsync(ct);
        if ((await SummariesAsync(connection, null, identity.TenantId, id, ct)) is not [var campaign]) return NotFound(id);
        await using var cmd = new NpgsqlCommand("""
            SELECT v.id, v.enp, i.full_name, v.phone, v.kind, v.clinic_code, v.wave, v.outcome
            FROM invitations v JOIN insured i ON i.tenant_id = v.tenant_id AND i.enp = v.enp
            WHERE v.tenant_id = @tenant AND v.campaign_id = @id AND v.channel = 'call' AND v.scheduled_on = @day AND v.delivery <> 'cancelled'
            ORDER BY v.clinic_code, i.full_name, v.id
            """, connection);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("day", date);
        var list = new List<CallListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var kind = r.GetString(4);
            var clinic = r.IsDBNull(5) ? null : r.GetString(5);
            list.Add(new CallListItem(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), kind, PreventiveKinds.NameRu(kind), clinic,
                r.GetInt16(6), r.IsDBNull(7) ? null : r.GetString(7), CallScripts.For(kind, r.GetString(2), campaign.Year, clinic)));
        }
        return TypedResults.Ok(list.ToArray());
    }

    private static async Task<Results<Ok<InvitationView>, ValidationProblem, ProblemHttpResult>> OutcomeAsync(
        long id, OutcomeRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("outcome", request.Outcome)) e.OneOf("outcome", request.Outcome, Outcomes);
        e.MaxLength("note", request.Note, MaxNote);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was recorded; correct the fields named.");

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var check = new NpgsqlCommand("SELECT delivery FROM invitations WHERE tenant_id = @tenant AND id = @id FOR UPDATE", connection, transaction))
        {
            check.Parameters.AddWithValue("tenant", identity.TenantId);
            check.Parameters.AddWithValue("id", id);
            switch (await check.ExecuteScalarAsync(ct))
            {
                case null: return Problems.NotFound($"Invitation {id} was not found.");
                case "cancelled": return Problems.Conflict($"Invitation {id} was cancelled with its campaign; no outcome can be recorded.");
            }
        }
        await using var update = new NpgsqlCommand("""
            UPDATE invitations SET outcome = @outcome, outcome_at = @now, outcome_by = @by, outcome_note = @note
            WHERE tenant_id = @tenant AND id = @id
            RETURNING id, campaign_id, enp, wave, kind, channel, clinic_code, scheduled_on, delivery, outcome, outcome_at, outcome_by, outcome_note
            """, connection, transaction);
        update.Parameters.AddWithValue("tenant", identity.TenantId);
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("outcome", request.Outcome!);
        update.Parameters.AddWithValue("now", clock.GetUtcNow());
        update.Parameters.AddWithValue("by", identity.ActorId);
        update.Parameters.Add(new NpgsqlParameter<string?>("note", string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim()));
        InvitationView view;
        await using (var r = await update.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            view = new InvitationView(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt16(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateOnly>(7), r.GetString(8), r.GetString(9), r.GetFieldValue<DateTimeOffset>(10),
                r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12));
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(view);
    }
}
