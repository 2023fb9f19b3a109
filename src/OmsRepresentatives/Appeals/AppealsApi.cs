using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.OmsRepresentatives.Appeals;

/// <summary>Tier 1 answered at once, in the contact that brought the appeal, optionally from a knowledge-base article.</summary>
public sealed record ResolveNow(string? Answer, string? ArticleCode);

public sealed record RegisterAppealRequest(
    [property: OneOf(typeof(AppealChannels), nameof(AppealChannels.All))] string? Channel,
    [property: OneOf(typeof(AppealKinds), nameof(AppealKinds.Codes))] string? Kind,
    string? Enp,
    Applicant? Applicant,
    string? Summary,
    string? Organisation,
    DateTimeOffset? ReceivedAt,
    int? WaitSeconds,
    ResolveNow? ResolveNow);

public sealed record ContactRequest([property: OneOf(typeof(AppealChannels), nameof(AppealChannels.All))] string? Channel, string? Note);

public sealed record EscalateRequest(int? ToTier, string? Reason, [property: OneOf(typeof(AppealKinds), nameof(AppealKinds.Codes))] string? Kind);

public sealed record ReturnRequest(int? ToTier, string? Note);

/// <summary>The answer to the citizen; <c>ArticleCode</c> names the knowledge-base article it was given from, if any.</summary>
public sealed record AnswerRequest(
    string? Answer, [property: OneOf(typeof(AppealOutcomes), nameof(AppealOutcomes.All))] string? Outcome, bool? Justified, string? ArticleCode);

public sealed record ExtendRequest(int? Days, string? Reason, string? Notice);

/// <summary>One appeal of a work queue.</summary>
public sealed record AppealSummary(string Number, string Channel, string Kind, int Tier, string Status, string ApplicantName, string Summary,
    DateTimeOffset RegisteredAt, int Contacts, AppealClockView Clock);

public sealed record AppealPage(IReadOnlyList<AppealSummary> Items, int Page, int PageSize, long Total);

/// <summary>
/// Appeals of people insured under OMS, worked by tier: registered from any channel and numbered per SMO and year, the
/// knowledge base for tier 1, further contacts, escalation and return between tiers, tier 2's interventions with the
/// medical organisation, tier 3's expertise of quality, the answer, and the law's clock for written appeals (59-FZ:
/// registered within 3 days of receipt, answered within 30 days of registration, extended once by at most 30 days with
/// a notice to the citizen), kept by <see cref="AppealClock"/>; the supervisors' clock board, tasks and figures.
/// </summary>
public static partial class AppealsApi
{
    [GeneratedRegex(@"^\d{16}$")]
    private static partial Regex Enp();

    public static IHostApplicationBuilder AddAppeals(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AppealOptions>().BindConfiguration(AppealOptions.Section)
            .Validate(o => !o.Problems().Any(), $"The {AppealOptions.Section} section is invalid: DueSoonDays must be 1-29 and ScanInterval 1 s to 1 h.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AppealClock>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AppealClock>());
        return builder;
    }

    public static IEndpointRouteBuilder MapAppealsApi(this IEndpointRouteBuilder app)
    {
        var appeals = app.MapGroup("/appeals").WithTags("OMS appeals");
        appeals.MapPost("/", RegisterAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("Registers an appeal (numbered OMS-{year}-{n}); its kind decides the tier; resolveNow answers a tier-1 question at once");
        appeals.MapGet("/", ListAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("A work queue: status=, tier=, channel=, overdue=true|false; earliest deadline first; page=, pageSize= (1-200)");
        appeals.MapGet("/{number}", GetAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("The appeal with its clock, history, interventions, expertises and tasks");
        appeals.MapPost("/{number}/contacts", ContactAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("Records a further contact with the citizen (it is then no longer resolved at first contact)");
        appeals.MapPost("/{number}/escalate", EscalateAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("Passes the appeal to a higher tier with the reason, optionally re-classifying its kind");
        appeals.MapPost("/{number}/return", ReturnAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("Returns the appeal to a lower tier with a note of what the higher tier found or decided");
        appeals.MapPost("/{number}/answer", AnswerAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("Answers the citizen (once); a complaint is decided justified or not; open tasks of the appeal close");
        appeals.MapPost("/{number}/extend", ExtendAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("Extends a written appeal's deadline once, before it passes, by 1-30 days, with a notice letter to the citizen");
        appeals.MapGet("/{number}/extension-notice.pdf", NoticePdfAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("The notice of the extension to the citizen, as a PDF letter (Russian)");
        appeals.MapGet("/{number}/answer.pdf", AnswerPdfAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("The answer to the citizen, as a PDF letter (Russian)");
        AppealWork.Map(appeals);
        KnowledgeApi.Map(app);
        AppealClock.Map(app);
        AppealFigures.Map(app);
        return app;
    }

    /// <summary>
    /// Null when the caller works appeals at the appeal's tier (role oms-tier{N}) or supervises; else the 403 that says so.
    /// </summary>
    internal static ProblemHttpResult? AtTier(RequestIdentity identity, AppealRow appeal, string doing) =>
        identity.Roles.Contains(Roles.OmsSupervisor) || identity.Roles.Contains($"oms-tier{appeal.Tier}") ? null
            : Problems.Forbidden($"Appeal {appeal.Number} is at tier {appeal.Tier}: {doing} needs role oms-tier{appeal.Tier} or oms-supervisor.");

    internal static ProblemHttpResult NotFound(string number) => Problems.NotFound($"Appeal {number} was not found.");

    private static async Task<Results<Created<AppealView>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterAppealRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, AppealOptions options,
        CancellationToken ct)
    {
        var o = options;
        var now = clock.GetUtcNow();
        var e = new ValidationErrors();
        if (e.Required("channel", request.Channel)) e.OneOf("channel", request.Channel, AppealChannels.All);
        var kind = AppealKinds.Find(request.Kind);
        if (e.Required("kind", request.Kind)) e.OneOf("kind", request.Kind, AppealKinds.Codes);
        var enp = request.Enp?.Trim();
        if (!string.IsNullOrEmpty(enp)) e.Matches("enp", enp, Enp(), "the 16-digit single policy number (ЕНП)");
        var applicant = request.Applicant;
        if (e.Required("applicant", applicant))
        {
            if (e.Required("applicant.name", applicant!.Name)) e.MaxLength("applicant.name", applicant.Name, 300);
            e.MaxLength("applicant.phone", applicant.Phone, 50);
            if (e.MaxLength("applicant.email", applicant.Email, 200) && !string.IsNullOrWhiteSpace(applicant.Email) && !applicant.Email.Contains('@'))
                e.Add("applicant.email", "The field must be an e-mail address.");
            e.MaxLength("applicant.address", applicant.Address, 500);
            // The answer to a written appeal goes where it came from: a letter's by post, an e-mail's by e-mail.
            if (request.Channel == AppealChannels.Letter) e.Required("applicant.address", applicant.Address);
            if (request.Channel == AppealChannels.Email) e.Required("applicant.email", applicant.Email);
        }
        if (e.Required("summary", request.Summary)) e.MaxLength("summary", request.Summary, 4000);
        e.MaxLength("organisation", request.Organisation, 300);
        var receivedAt = request.ReceivedAt?.ToUniversalTime() ?? now;
        if (receivedAt > now) e.Add("receivedAt", "The appeal cannot have been received in the future.");
        else if (now - receivedAt > TimeSpan.FromDays(366)) e.Add("receivedAt", "The appeal was received more than a year ago.");
        if (request.WaitSeconds is { } wait)
        {
            if (request.Channel is not (AppealChannels.Phone or AppealChannels.Chat))
                e.Add("waitSeconds", "Only a call or a chat waits to be answered.");
            else if (wait is < 0 or > 86_400) e.Add("waitSeconds", "The wait must be 0 to 86400 seconds.");
        }
        var resolve = request.ResolveNow;
        if (resolve is not null)
        {
            if (e.Required("resolveNow.answer", resolve.Answer)) e.MaxLength("resolveNow.answer", resolve.Answer, 8000);
            if (kind is { Tier: > 1 })
                e.Add("resolveNow", $"Only a tier-1 question is answered at once; '{kind.Code}' is worked at tier {kind.Tier}.");
        }
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was registered; correct the fields named.");
        if (resolve is not null && !identity.Roles.Contains(Roles.OmsTier1) && !identity.Roles.Contains(Roles.OmsSupervisor))
            return Problems.Forbidden("Answering at once is tier 1's: it needs role oms-tier1 or oms-supervisor.");

        await using var connection = await db.OpenConnectionAsync(ct);
        var events = new List<(string Kind, string? Text)> { (AppealEvents.Registered, $"{AppealChannels.NameRu(request.Channel!)}: {kind!.NameRu}") };
        var written = AppealChannels.IsWritten(request.Channel!);
        var late = written && now - receivedAt > AppealStore.RegistrationAllowance;
        if (late)
            events.Add((AppealEvents.RegistrationLate,
                $"Зарегистрировано через {(int)(now - receivedAt).TotalDays} дн. после поступления (срок регистрации — 3 дня)"));
        if (resolve is not null)
        {
            if (!string.IsNullOrWhiteSpace(resolve.ArticleCode))
            {
                if (await KnowledgeApi.FindAsync(connection, identity.TenantId, resolve.ArticleCode, ct) is not { } article)
                    return Problems.Validation("resolveNow.articleCode", $"There is no knowledge-base article '{resolve.ArticleCode}'.");
                events.Add((AppealEvents.KnowledgeAnswer, $"{article.Code}: {article.Question}"));
            }
            events.Add((AppealEvents.Answered, resolve.Answer!.Trim()));
        }

        // One statement takes the number, writes the appeal, its history and its task: the number's row is locked for
        // no longer than that statement and its commit, and a failure leaves neither a half-written appeal nor a gap.
        await using var cmd = new NpgsqlCommand("""
            WITH n AS (
                INSERT INTO appeal_numbers AS x (tenant_id, year, last) VALUES (@tenant, @year, 1)
                ON CONFLICT (tenant_id, year) DO UPDATE SET last = x.last + 1
                RETURNING last),
            a AS (
                INSERT INTO appeals (tenant_id, number, channel, kind, tier, status, enp, applicant_name, applicant_phone, applicant_email,
                    applicant_address, summary, organisation, received_at, registered_at, wait_seconds, due_at, answered_at, answer, outcome,
                    first_contact, created_by)
                SELECT @tenant, 'OMS-' || @year || '-' || lpad(n.last::text, greatest(6, length(n.last::text)), '0'), @channel, @kind, @tier,
                    CASE WHEN @answer::text IS NULL THEN 'open' ELSE 'answered' END, @enp, @name, @phone, @email, @address, @summary,
                    @organisation, @received, @now, @wait, @due, CASE WHEN @answer::text IS NULL THEN NULL ELSE @now END, @answer,
                    CASE WHEN @answer::text IS NULL THEN NULL ELSE 'explained' END, CASE WHEN @answer::text IS NULL THEN NULL ELSE true END, @actor
                FROM n
                RETURNING id, number),
            e AS (
                INSERT INTO appeal_events (tenant_id, appeal_id, at, actor, kind, to_tier, text)
                SELECT @tenant, a.id, @now, @actor, u.kind, CASE WHEN u.kind = 'registered' THEN @tier END, u.text
                FROM a, unnest(@eventKinds::text[], @eventTexts::text[]) WITH ORDINALITY AS u(kind, text, i)
                ORDER BY u.i),
            t AS (
                INSERT INTO oms_tasks (tenant_id, appeal_id, kind, due_at, created_at)
                SELECT @tenant, a.id, 'registration-late', @registrationDue, @now FROM a WHERE @late)
            SELECT number FROM a
            """, connection);
        string? Trimmed(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        // The late registration's task is due when the registration was: 3 days after the letter arrived.
        cmd.Parameters.AddWithValue("registrationDue", receivedAt + AppealStore.RegistrationAllowance);
        cmd.Parameters.AddWithValue("year", o.LocalDate(now).Year);
        cmd.Parameters.AddWithValue("channel", request.Channel!);
        cmd.Parameters.AddWithValue("kind", kind.Code);
        cmd.Parameters.AddWithValue("tier", (short)kind.Tier);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("enp", Trimmed(enp)));
        cmd.Parameters.AddWithValue("name", applicant!.Name!.Trim());
        cmd.Parameters.Add(new NpgsqlParameter<string?>("phone", Trimmed(applicant.Phone)));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("email", Trimmed(applicant.Email)));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("address", Trimmed(applicant.Address)));
        cmd.Parameters.AddWithValue("summary", request.Summary!.Trim());
        cmd.Parameters.Add(new NpgsqlParameter<string?>("organisation", Trimmed(request.Organisation)));
        cmd.Parameters.AddWithValue("received", receivedAt);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.Add(new NpgsqlParameter<int?>("wait", request.WaitSeconds));
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("due", written ? now + AppealStore.AnswerPeriod : null));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("answer", resolve?.Answer?.Trim()));
        cmd.Parameters.AddWithValue("actor", identity.ActorId);
        cmd.Parameters.AddWithValue("eventKinds", events.Select(x => x.Kind).ToArray());
        cmd.Parameters.AddWithValue("eventTexts", events.Select(x => x.Text).ToArray());
        cmd.Parameters.AddWithValue("late", late);
        var number = (string)(await cmd.ExecuteScalarAsync(ct))!;
        var view = (await AppealStore.ViewAsync(connection, identity.TenantId, number, o, now, ct))!;
        return TypedResults.Created($"/appeals/{number}", view);
    }

    private static async Task<Results<Ok<AppealView>, ProblemHttpResult>> GetAsync(
        string number, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, AppealOptions options, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await AppealStore.ViewAsync(connection, identity.TenantId, number, options, clock.GetUtcNow(), ct) is { } view
            ? TypedResults.Ok(view) : NotFound(number);
    }

    private static async Task<Results<Ok<AppealPage>, ValidationProblem>> ListAsync(
        RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, AppealOptions options, CancellationToken ct,
        [OneOf(typeof(AppealStatuses), nameof(AppealStatuses.All))] string? status = null, int? tier = null,
        [OneOf(typeof(AppealChannels), nameof(AppealChannels.All))] string? channel = null, bool? overdue = null, int page = 1, int pageSize = 50)
    {
        var e = new ValidationErrors();
        e.OneOf("status", status, AppealStatuses.All);
        e.OneOf("channel", channel, AppealChannels.All);
        if (tier is < 1 or > 3) e.Add("tier", "The tier must be 1, 2 or 3.");
        if (page is < 1 or > 100_000) e.Add("page", "The page must be 1 to 100000.");
        if (pageSize is < 1 or > 200) e.Add("pageSize", "The page size must be between 1 and 200.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());

        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        const string Filter = """
            FROM appeals WHERE tenant_id = @tenant AND (@status::text IS NULL OR status = @status) AND (@tier::int IS NULL OR tier = @tier)
              AND (@channel::text IS NULL OR channel = @channel)
              AND (@overdue::boolean IS NULL OR @overdue = (status = 'open' AND written AND coalesce(extended_to, due_at) < @now))
            """;
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new($"SELECT count(*) {Filter}"),
                new($"""
                    SELECT {AppealStore.SummaryColumns}
                    {Filter}
                    ORDER BY coalesce(extended_to, due_at) NULLS LAST, registered_at, id
                    LIMIT @limit OFFSET @offset
                    """),
            },
        };
        foreach (NpgsqlBatchCommand c in batch.BatchCommands)
        {
            c.Parameters.AddWithValue("tenant", identity.TenantId);
            c.Parameters.Add(new NpgsqlParameter<string?>("status", status));
            c.Parameters.Add(new NpgsqlParameter<int?>("tier", tier));
            c.Parameters.Add(new NpgsqlParameter<string?>("channel", channel));
            c.Parameters.Add(new NpgsqlParameter<bool?>("overdue", overdue));
            c.Parameters.AddWithValue("now", now);
            c.Parameters.AddWithValue("limit", pageSize);
            c.Parameters.AddWithValue("offset", (page - 1) * pageSize);
        }
        var items = new List<AppealSummary>();
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var total = r.GetInt64(0);
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct))
        {
            items.Add(AppealStore.ReadSummary(r, options, now));
        }
        return TypedResults.Ok(new AppealPage(items, page, pageSize, total));
    }

    /// <summary>
    /// A change to one appeal: validated input first, then the appeal locked in a transaction, the change, its history,
    /// commit, and the appeal as it now is.
    /// </summary>
    internal static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        string number, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, AppealOptions options, CancellationToken ct,
        Func<NpgsqlConnection, NpgsqlTransaction, AppealRow, DateTimeOffset, Task<IResult?>> change)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            if (await AppealStore.FindAsync(connection, identity.TenantId, number, ct, transaction) is not { } appeal) return NotFound(number);
            switch (await change(connection, transaction, appeal, now))
            {
                case ProblemHttpResult problem: return problem;
                case ValidationProblem invalid: return invalid;
            }
            await AppealStore.ExecuteAsync(connection, transaction, "UPDATE appeals SET version = version + 1 WHERE id = @id", ct, new NpgsqlParameter("id", appeal.Id));
            await transaction.CommitAsync(ct);
        }
        return TypedResults.Ok((await AppealStore.ViewAsync(connection, identity.TenantId, number, options, now, ct))!);
    }

    private static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> ContactAsync(
        string number, ContactRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions options, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("channel", request.Channel)) e.OneOf("channel", request.Channel, AppealChannels.All);
        if (e.Required("note", request.Note)) e.MaxLength("note", request.Note, 4000);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        // Any representative may take a citizen's further call on an appeal at any tier: taking calls is tier 1's daily work.
        return await ChangeAsync(number, identity, db, clock, options, ct, async (connection, tx, appeal, now) =>
        {
            await AppealStore.ExecuteAsync(connection, tx, "UPDATE appeals SET contacts = contacts + 1 WHERE id = @id", ct, new NpgsqlParameter("id", appeal.Id));
            await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.Contact,
                $"{AppealChannels.NameRu(request.Channel!)}: {request.Note!.Trim()}", ct);
            return null;
        });
    }

    private static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> EscalateAsync(
        string number, EscalateRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions options, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("toTier", request.ToTier) && request.ToTier is < 2 or > 3) e.Add("toTier", "An appeal is escalated to tier 2 or 3.");
        if (e.Required("reason", request.Reason)) e.MaxLength("reason", request.Reason, 2000);
        e.OneOf("kind", request.Kind, AppealKinds.Codes);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        return await ChangeAsync(number, identity, db, clock, options, ct, async (connection, tx, appeal, now) =>
        {
            if (AtTier(identity, appeal, "escalating it") is { } refused) return refused;
            if (appeal.Answered) return Problems.Conflict($"Appeal {appeal.Number} is already answered.");
            if (request.ToTier <= appeal.Tier)
                return Problems.Validation("toTier", $"Appeal {appeal.Number} is at tier {appeal.Tier}; escalation goes to a higher tier.");
            var kind = request.Kind ?? appeal.Kind;
            await AppealStore.ExecuteAsync(connection, tx, "UPDATE appeals SET tier = @tier, kind = @kind WHERE id = @id", ct,
                new("id", appeal.Id), new("tier", (short)request.ToTier!.Value), new("kind", kind));
            await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.Escalated,
                request.Reason!.Trim(), ct, appeal.Tier, request.ToTier);
            if (kind != appeal.Kind)
                await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.Classified,
                    $"{AppealKinds.Find(appeal.Kind)?.NameRu ?? appeal.Kind} → {AppealKinds.Find(kind)!.NameRu}", ct);
            return null;
        });
    }

    private static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> ReturnAsync(
        string number, ReturnRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions options, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("toTier", request.ToTier) && request.ToTier is < 1 or > 2) e.Add("toTier", "An appeal is returned to tier 1 or 2.");
        if (e.Required("note", request.Note)) e.MaxLength("note", request.Note, 4000);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        return await ChangeAsync(number, identity, db, clock, options, ct, async (connection, tx, appeal, now) =>
        {
            if (AtTier(identity, appeal, "returning it") is { } refused) return refused;
            if (appeal.Answered) return Problems.Conflict($"Appeal {appeal.Number} is already answered.");
            if (request.ToTier >= appeal.Tier)
                return Problems.Validation("toTier", $"Appeal {appeal.Number} is at tier {appeal.Tier}; it is returned to a lower tier.");
            await AppealStore.ExecuteAsync(connection, tx, "UPDATE appeals SET tier = @tier WHERE id = @id", ct,
                new("id", appeal.Id), new("tier", (short)request.ToTier!.Value));
            await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.Returned,
                request.Note!.Trim(), ct, appeal.Tier, request.ToTier);
            return null;
        });
    }

    private static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
        string number, AnswerRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions options, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("answer", request.Answer)) e.MaxLength("answer", request.Answer, 8000);
        if (e.Required("outcome", request.Outcome)) e.OneOf("outcome", request.Outcome, AppealOutcomes.All);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        return await ChangeAsync(number, identity, db, clock, options, ct, async (connection, tx, appeal, now) =>
        {
            if (AtTier(identity, appeal, "answering it") is { } refused) return refused;
            if (appeal.Answered) return Problems.Conflict($"Appeal {appeal.Number} was already answered on {appeal.AnsweredAt:u}; it is answered once.");
            var complaint = AppealKinds.Find(appeal.Kind)?.Complaint ?? false;
            if (complaint && request.Justified is null)
                return Problems.Validation("justified", "A complaint is answered with whether it was justified.");
            if (!string.IsNullOrWhiteSpace(request.ArticleCode))
            {
                if (await KnowledgeApi.FindAsync(connection, identity.TenantId, request.ArticleCode, ct) is not { } article)
                    return Problems.Validation("articleCode", $"There is no knowledge-base article '{request.ArticleCode}'.");
                await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.KnowledgeAnswer,
                    $"{article.Code}: {article.Question}", ct);
            }
            await using (var cmd = new NpgsqlCommand("""
                SELECT (SELECT string_agg(format('#%s %s (%s)', id, organisation, contact_person), '; ' ORDER BY id)
                        FROM interventions WHERE appeal_id = @id AND outcome = 'pending'),
                       EXISTS (SELECT FROM appeal_events WHERE appeal_id = @id AND kind = 'escalated')
                """, connection, tx))
            {
                cmd.Parameters.AddWithValue("id", appeal.Id);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                var pending = r.IsDBNull(0) ? null : r.GetString(0);
                var escalated = r.GetBoolean(1);
                if (complaint && request.Outcome == AppealOutcomes.Resolved && pending is not null)
                    return Problems.Conflict($"Appeal {appeal.Number} cannot be answered as resolved while an intervention is still pending: {pending}. " +
                                             "Record its outcome first.");
                await r.DisposeAsync();
                var firstContact = appeal.Contacts == 1 && !escalated && AppealOutcomes.Settles(request.Outcome!);
                await AppealStore.ExecuteAsync(connection, tx, """
                    UPDATE appeals SET status = 'answered', answered_at = @now, answer = @answer, outcome = @outcome, justified = @justified,
                        first_contact = @first
                    WHERE id = @id
                    """, ct, new("id", appeal.Id), new("now", now), new("answer", request.Answer!.Trim()), new("outcome", request.Outcome!),
                    new NpgsqlParameter<bool?>("justified", complaint ? request.Justified : null), new("first", firstContact));
            }
            await AppealStore.ExecuteAsync(connection, tx, """
                UPDATE oms_tasks SET status = 'done', done_at = @now, done_by = @actor WHERE appeal_id = @id AND status = 'open'
                """, ct, new("id", appeal.Id), new("now", now), new("actor", identity.ActorId));
            var late = appeal.Written && appeal.Deadline < now ? " (после истечения срока)" : "";
            await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.Answered,
                $"{AppealOutcomes.NameRu(request.Outcome)}{late}: {request.Answer!.Trim()}", ct);
            return null;
        });
    }

    private static async Task<Results<Ok<AppealView>, ValidationProblem, ProblemHttpResult>> ExtendAsync(
        string number, ExtendRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        AppealOptions options, CancellationToken ct)
    {
        var o = options;
        var e = new ValidationErrors();
        if (e.Required("days", request.Days) && request.Days is < 1 or > 30)
            e.Add("days", "The deadline is extended by 1 to 30 days (59-FZ, art. 12, part 2).");
        if (e.Required("reason", request.Reason)) e.MaxLength("reason", request.Reason, 1000);
        e.MaxLength("notice", request.Notice, 8000);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        return await ChangeAsync(number, identity, db, clock, o, ct, async (connection, tx, appeal, now) =>
        {
            if (AtTier(identity, appeal, "extending its deadline") is { } refused) return refused;
            if (!appeal.Written) return Problems.Conflict($"Appeal {appeal.Number} came by {appeal.Channel}: only a written appeal is on the law's clock.");
            if (appeal.Answered) return Problems.Conflict($"Appeal {appeal.Number} is already answered.");
            if (appeal.ExtendedTo is not null)
                return Problems.Conflict($"Appeal {appeal.Number}'s deadline was already extended to {appeal.ExtendedTo:u}; it is extended once.");
            if (appeal.DueAt < now) return Problems.Conflict($"Appeal {appeal.Number}'s deadline passed at {appeal.DueAt:u}; it can no longer be extended.");
            var extendedTo = appeal.DueAt!.Value.AddDays(request.Days!.Value);
            var notice = string.IsNullOrWhiteSpace(request.Notice)
                ? AppealLetters.ExtensionNotice(appeal, request.Reason!.Trim(), extendedTo, o)
                : request.Notice.Trim();
            await AppealStore.ExecuteAsync(connection, tx, """
                UPDATE appeals SET extended_to = @to, extension_reason = @reason, extension_notice = @notice, notice_sent_at = @now WHERE id = @id
                """, ct, new("id", appeal.Id), new("to", extendedTo), new("reason", request.Reason!.Trim()), new("notice", notice), new("now", now));
            // The deadline moved: a due-soon warning for the old one no longer holds (the clock warns again before the new one).
            await AppealStore.ExecuteAsync(connection, tx, """
                UPDATE oms_tasks SET status = 'done', done_at = @now, done_by = @actor WHERE appeal_id = @id AND kind = 'answer-due-soon' AND status = 'open'
                """, ct, new("id", appeal.Id), new("now", now), new("actor", identity.ActorId));
            await AppealStore.AddEventAsync(connection, tx, identity.TenantId, appeal.Id, now, identity.ActorId, AppealEvents.Extended,
                $"Срок продлён на {request.Days} дн. до {AppealLetters.Date(extendedTo, o)}: {request.Reason!.Trim()}; уведомление направлено заявителю", ct);
            return null;
        });
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> NoticePdfAsync(
        string number, RequestIdentity identity, NpgsqlDataSource db, AppealOptions options, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await AppealStore.FindAsync(connection, identity.TenantId, number, ct) is not { } appeal) return NotFound(number);
        if (appeal.ExtensionNotice is null) return Problems.NotFound($"Appeal {appeal.Number}'s deadline was not extended: there is no notice.");
        return TypedResults.File(AppealLetters.NoticePdf(appeal, options), "application/pdf", $"{appeal.Number}-extension-notice.pdf");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> AnswerPdfAsync(
        string number, RequestIdentity identity, NpgsqlDataSource db, AppealOptions options, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await AppealStore.FindAsync(connection, identity.TenantId, number, ct) is not { } appeal) return NotFound(number);
        if (!appeal.Answered) return Problems.NotFound($"Appeal {appeal.Number} is not answered yet: there is no answer letter.");
        return TypedResults.File(AppealLetters.AnswerPdf(appeal, options), "application/pdf", $"{appeal.Number}-answer.pdf");
    }
}

/// <summary>Whether an appeal is still being worked or was answered.</summary>
public static class AppealStatuses
{
    public const string Open = "open", Answered = "answered";

    public static readonly IReadOnlyList<string> All = [Open, Answered];
}
