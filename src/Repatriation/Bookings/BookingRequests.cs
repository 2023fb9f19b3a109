using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts;
using Platform.Repatriation.Cases;
using Platform.Repatriation.Fitness;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Bookings;

/// <summary>
/// A booking request e-mailed to a leg's provider; <c>Status</c> of the e-mail: pending, sent, failed; <c>Answer</c>:
/// the provider's, through its link (confirmed with its reference, or declined with a reason), null until it answers.
/// </summary>
public sealed record BookingRequestView(
    Guid Id, string ProviderCode, string Address, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string? LastError,
    string? Answer, DateTimeOffset? AnsweredAt, string? AnswerReference);

/// <summary>
/// Booking requests: a coordinator asks a leg's provider (the leg's own, else the plan's) to book it; the request goes by
/// e-mail with a signed link (<see cref="SignedTokens"/>, valid <see cref="RepatriationOptions.LinkValidFor"/>) where the
/// provider confirms with its reference or declines, without an account. Confirming marks the leg confirmed (Cases is
/// told); declining puts it back to planned. A coordinator can also record the answer by hand (the leg's status).
/// </summary>
public static class BookingRequests
{
    public const string Confirmed = "confirmed";
    public const string Declined = "declined";

    public static void MapBookingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/plans/{id:guid}/legs/{number:int}/booking-request", RequestAsync).RequireAccess(Access.WorkCases).WithTags("Transport plans")
            .WithSummary("E-mails a booking request for the leg to its provider (the leg's, else the plan's), with a link to confirm or decline; the leg becomes requested");
        var confirm = app.MapGroup("/bookings/confirm").WithTags("Transport plans");
        confirm.MapGet("/", ShowAsync).AllowAnonymous().ExcludeFromDescription();
        confirm.MapPost("/", AnswerAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<Results<Ok<PlanView>, ProblemHttpResult>> RequestAsync(
        Guid id, int number, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await PlanStore.ReadAsync(connection, identity.TenantId, id, ct, transaction, forUpdate: true) is not { } plan)
            return Problems.NotFound($"Transport plan {id} was not found.");
        if (plan.Legs.FirstOrDefault(l => l.Number == number) is not { } leg) return Problems.NotFound($"The plan has no leg {number}.");
        if (!PlanStatuses.IsLive(plan.Status)) return Problems.Conflict($"The plan is {plan.Status}: agree it before booking its legs.");
        if (leg.Status is not (LegStatuses.Planned or LegStatuses.Requested))
            return Problems.Conflict($"Leg {number} is {leg.Status}: there is nothing to request.");
        var code = leg.ProviderCode ?? plan.ProviderCode;
        if (code is null || await Providers.Providers.FindAsync(connection, identity.TenantId, code, ct) is not { } provider)
            return Problems.Conflict($"Leg {number} has no transport provider to ask (name one on the leg or the plan).");
        if (!provider.Active) return Problems.Conflict($"Transport provider {provider.Code} is not active.");

        await using (var insert = new NpgsqlCommand("""
            INSERT INTO booking_requests (id, tenant_id, plan_id, leg_number, provider_code, address, status, next_attempt_at, created_at, created_by)
            VALUES (@id, @tenant, @plan, @leg, @provider, @address, 'pending', @now, @now, @by)
            """, connection, transaction))
        {
            var p = insert.Parameters;
            p.AddWithValue("id", Guid.CreateVersion7());
            p.AddWithValue("tenant", identity.TenantId);
            p.AddWithValue("plan", plan.Id);
            p.AddWithValue("leg", number);
            p.AddWithValue("provider", provider.Code);
            p.AddWithValue("address", provider.Email);
            p.AddWithValue("now", now);
            p.AddWithValue("by", identity.ActorId);
            await insert.ExecuteNonQueryAsync(ct);
        }
        if (leg.Status == LegStatuses.Planned)
        {
            plan = plan with
            {
                Legs = [.. plan.Legs.Select(l => l.Number == number ? l with { Status = LegStatuses.Requested } : l)],
                Version = plan.Version + 1, ChangedAt = now, ChangedBy = identity.ActorId,
            };
            await PlanStore.SaveAsync(transaction, plan, ct);
            await PlanStore.PublishPlannedAsync(transaction, plan, ct);
        }
        await transaction.CommitAsync(ct);
        var file = (await CaseFiles.FindAsync(connection, identity.TenantId, plan.CaseId.ToString(), ct))!;
        return TypedResults.Ok(await PlansApi.ViewAsync(connection, plan, file, clock, ReaderLanguage.Of(http, language), ct));
    }

    /// <summary>The latest booking request of each leg of a plan.</summary>
    public static async Task<Dictionary<int, BookingRequestView>> LatestForPlanAsync(NpgsqlConnection connection, Guid planId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT DISTINCT ON (leg_number) leg_number, id, provider_code, address, status, attempts, created_at, sent_at, last_error, answer,
                   answered_at, answer_reference
            FROM booking_requests WHERE plan_id = @plan ORDER BY leg_number, created_at DESC
            """, connection);
        cmd.Parameters.AddWithValue("plan", planId);
        var views = new Dictionary<int, BookingRequestView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateTimeOffset? T(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
        while (await r.ReadAsync(ct))
            views[r.GetInt32(0)] = new BookingRequestView(r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                r.GetFieldValue<DateTimeOffset>(6), T(7), S(8), S(9), T(10), S(11));
        return views;
    }

    /// <summary>A request as its link finds it, with its plan; null when the request (or the plan) is not there.</summary>
    internal sealed record Found(Guid Id, string TenantId, Guid PlanId, int LegNumber, string ProviderCode, string? Answer, StoredPlan Plan, Providers.Provider Provider, CaseFile Case);

    internal static async Task<Found?> FindAsync(NpgsqlConnection connection, string tenantId, Guid id, CancellationToken ct,
        NpgsqlTransaction? transaction = null)
    {
        Guid planId;
        int leg;
        string providerCode;
        string? answer;
        await using (var cmd = new NpgsqlCommand(
            $"SELECT plan_id, leg_number, provider_code, answer FROM booking_requests WHERE tenant_id = @tenant AND id = @id{(transaction is null ? "" : " FOR UPDATE")}",
            connection, transaction))
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("id", id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            (planId, leg, providerCode, answer) = (r.GetGuid(0), r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3));
        }
        if (await PlanStore.ReadAsync(connection, tenantId, planId, ct, transaction, forUpdate: transaction is not null) is not { } plan) return null;
        if (await Providers.Providers.FindAsync(connection, tenantId, providerCode, ct) is not { } provider) return null;
        var file = (await CaseFiles.FindAsync(connection, tenantId, plan.CaseId.ToString(), ct, transaction))!;
        return new Found(id, tenantId, planId, leg, providerCode, answer, plan, provider, file);
    }

    private static SignedTokens Tokens(RepatriationOptions options) => new(options.LinkSecret!);

    public static string Url(RepatriationOptions options, string tenantId, Guid requestId, DateTimeOffset now) =>
        $"{options.PublicBaseUrl!.TrimEnd('/')}/bookings/confirm?token={Tokens(options).Create(tenantId, requestId, now + options.LinkValidFor)}";

    private static async Task<IResult> ShowAsync(HttpContext http, string? token, NpgsqlDataSource db, IOptions<RepatriationOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        if (Tokens(options.Value).Verify(token, clock.GetUtcNow()) is not { } claims) return Invalid(http);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await FindAsync(connection, claims.TenantId, claims.Id, ct) is not { } found) return Invalid(http);
        return Page(found, token!, null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, string? token, NpgsqlDataSource db, IOptions<RepatriationOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (Tokens(options.Value).Verify(token, now) is not { } claims) return Invalid(http);
        var (form, problem) = await SignedLinkForm.ReadAsync(http.Request, "answer and reference", ct);
        if (form is null) return problem!;
        string? answer = form["answer"], reference = form["reference"];
        var errors = new ValidationErrors();
        if (errors.Required("answer", answer)) errors.OneOf("answer", answer, [Confirmed, Declined]);
        if (answer == Confirmed && errors.Required("reference", reference)) errors.MaxLength("reference", reference, 100);
        if (answer == Declined) errors.MaxLength("reference", reference, 500);
        if (answer is not null && PlainText.HasControlCharacters(answer) || reference is not null && PlainText.HasControlCharacters(reference))
            errors.Add("reference", PlainText.Rule);

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await FindAsync(connection, claims.TenantId, claims.Id, ct, transaction) is not { } found) return Invalid(http);
        var t = BookingTexts.For(found.Provider.Language);
        if (!errors.IsValid) return Wants(http) ? Page(found, token!, t.AnswerRequired, StatusCodes.Status400BadRequest) : Problems.Validation(errors.ToDictionary());
        if (found.Answer is not null || !PlanStatuses.IsLive(found.Plan.Status) ||
            found.Plan.Legs.FirstOrDefault(l => l.Number == found.LegNumber) is not { Status: LegStatuses.Planned or LegStatuses.Requested })
            return Wants(http) ? Page(found, token!, t.NothingToAnswer, StatusCodes.Status409Conflict)
                : Problems.Conflict("This booking request is answered already, or its leg no longer waits for it.");

        await using (var record = new NpgsqlCommand(
            "UPDATE booking_requests SET answer = @answer, answered_at = @now, answer_reference = @reference WHERE id = @id", connection, transaction))
        {
            record.Parameters.AddWithValue("answer", answer!);
            record.Parameters.AddWithValue("now", now);
            record.Parameters.Add(new NpgsqlParameter<string?>("reference", reference?.Trim()));
            record.Parameters.AddWithValue("id", found.Id);
            await record.ExecuteNonQueryAsync(ct);
        }
        var outcome = await LegChanges.ApplyAsync(transaction, found.Plan, found.LegNumber, answer == Confirmed ? LegStatuses.Confirmed : LegStatuses.Planned,
            answer == Confirmed ? reference!.Trim() : null, found.Provider.Name, "provider:" + found.ProviderCode, now, ct);
        if (outcome.Problem is not null) return Wants(http) ? Page(found, token!, t.NothingToAnswer, StatusCodes.Status409Conflict) : Problems.Conflict(outcome.Problem);
        await transaction.CommitAsync(ct);
        found = (await FindAsync(connection, claims.TenantId, claims.Id, ct))!;
        return Page(found, token!, answer == Confirmed ? t.ThanksConfirmed : t.ThanksDeclined, StatusCodes.Status200OK);
    }

    private static bool Wants(HttpContext http) => http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static IResult Invalid(HttpContext http)
    {
        if (!Wants(http))
            return Results.Problem("The link is not valid or has expired.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.", type: ProblemTypes.Forbidden);
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><title>Booking</title></head><body>
            <p>{E(BookingTexts.English.InvalidLink)}</p><p lang="ru">{E(BookingTexts.Russian.InvalidLink)}</p></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status403Forbidden);
    }

    private static IResult Page(Found found, string token, string? notice, int status)
    {
        var t = BookingTexts.For(found.Provider.Language);
        var leg = found.Plan.Legs.First(l => l.Number == found.LegNumber);
        var html = new StringBuilder();
        html.Append($"""
            <!doctype html><html lang="{found.Provider.Language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>{E(t.Title)} {E(found.Plan.CaseNumber)}</title>
            <style>body{"{"}font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em{"}"}th{"{"}text-align:left;padding-right:1em{"}"}</style>
            </head><body><h1>{E(t.Title)} · {E(found.Plan.CaseNumber)}</h1>
            """);
        if (notice is not null) html.Append($"<p><strong>{E(notice)}</strong></p>");
        html.Append("<table>");
        foreach (var (label, value) in t.Rows(found.Plan, leg, found.Case))
            html.Append($"<tr><th>{E(label)}</th><td>{E(value)}</td></tr>");
        html.Append("</table>");
        if (found.Answer is null && PlanStatuses.IsLive(found.Plan.Status) && leg.Status is LegStatuses.Planned or LegStatuses.Requested)
            html.Append($"""
                <form method="post" action="?token={WebUtility.UrlEncode(token)}">
                <p><label>{E(t.ReferenceLabel)}<br><input name="reference" maxlength="100" size="40"></label></p>
                <p><button name="answer" value="{Confirmed}">{E(t.Confirm)}</button>
                <button name="answer" value="{Declined}">{E(t.Decline)}</button></p></form>
                """);
        html.Append("</body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}

/// <summary>What a transport provider reads, in its language (English or Russian): the request's e-mail and its page.</summary>
public sealed record BookingTexts(
    bool IsRussian, string Title, string InvalidLink, string AnswerRequired, string NothingToAnswer, string ThanksConfirmed, string ThanksDeclined,
    string ReferenceLabel, string Confirm, string Decline, string Subject, string Body)
{
    public static readonly BookingTexts English = new(false, "Booking request", "The link is not valid or has expired.",
        "Give your booking reference to confirm, or a reason to decline.", "This request is answered already, or the leg no longer waits for it.",
        "Thank you: the booking is confirmed.", "Thank you: we have noted that you decline.", "Your booking reference (or, to decline, the reason)",
        "Confirm the booking", "Decline",
        "Booking request {case}: {leg}",
        "Dear colleagues,\n\n{assistance} asks you to book the following for case {case}:\n\n{details}\n\n" +
        "Please confirm with your booking reference, or decline, here:\n{link}\n\n{assistance}, 24/7: {phone}");

    public static readonly BookingTexts Russian = new(true, "Запрос на бронирование", "Ссылка недействительна или устарела.",
        "Укажите номер бронирования, чтобы подтвердить, или причину отказа.", "На этот запрос уже ответили, или участок его больше не ждёт.",
        "Спасибо: бронирование подтверждено.", "Спасибо: отказ записан.", "Номер бронирования (или причина отказа)",
        "Подтвердить бронирование", "Отказаться",
        "Запрос на бронирование {case}: {leg}",
        "Уважаемые коллеги!\n\n{assistance} просит забронировать по делу {case}:\n\n{details}\n\n" +
        "Подтвердите с номером бронирования или откажитесь здесь:\n{link}\n\n{assistance}, круглосуточно: {phone}");

    public static BookingTexts For(string language) => language == "ru" ? Russian : English;

    public string When(DateTimeOffset at) =>
        at.ToString(IsRussian ? "dd.MM.yyyy HH:mm" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " (UTC" + at.ToString("zzz", CultureInfo.InvariantCulture) + ")";

    public string LegLine(PlanLeg leg) =>
        $"{leg.From} → {leg.To}, {When(leg.DepartsAt)}" + (leg.Carrier is null ? "" : $", {leg.Carrier} {leg.FlightNumber}".TrimEnd());

    /// <summary>What the provider needs to book the leg: the patient, the leg, the mode, escort, oxygen, equipment, destination.</summary>
    public IEnumerable<(string Label, string Value)> Rows(StoredPlan plan, PlanLeg leg, CaseFile file)
    {
        var language = IsRussian ? "ru" : "en";
        yield return (IsRussian ? "Пациент" : "Patient",
            file.InsuredName + (file.DateOfBirth is { } dob ? ", " + dob.ToString(IsRussian ? "dd.MM.yyyy" : "yyyy-MM-dd", CultureInfo.InvariantCulture) : ""));
        yield return (IsRussian ? "Участок" : "Leg", $"{leg.Number}: {LegLine(leg)}");
        if (leg.Seats is { } seats) yield return (IsRussian ? "Мест" : "Seats", seats.ToString(CultureInfo.InvariantCulture));
        yield return (IsRussian ? "Способ" : "Mode", FitnessTexts.Mode(plan.Mode, language));
        yield return (IsRussian ? "Сопровождение" : "Escort", RepatriationTexts.Escort(plan.Escort, language) is { Length: > 0 } escort ? escort
            : IsRussian ? "без сопровождения" : "none");
        yield return (IsRussian ? "Кислород" : "Oxygen", plan.OxygenLitresPerMinute is { } o
            ? o.ToString("0.#", CultureInfo.InvariantCulture) + (IsRussian ? " л/мин" : " l/min") : IsRussian ? "не нужен" : "none");
        if (plan.Equipment.Count > 0) yield return (IsRussian ? "Оборудование" : "Equipment", string.Join(", ", plan.Equipment));
        yield return (IsRussian ? "Куда" : "Destination", string.Join(", ", new[] { plan.ReceivingName, plan.ReceivingAddress }.Where(s => s is not null)));
        yield return (IsRussian ? "Статус" : "Status", leg.Status);
    }
}
