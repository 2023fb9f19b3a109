using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.ClinicNetwork.Clinics;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.ClinicNetwork.Guarantees;

public static partial class GuaranteesApi
{
    /// <summary>The problem of a letter the cover cannot pay for: its detail and members name the amounts.</summary>
    public const string CoverExceededType = "urn:platform:problem:cover-exceeded";

    private const decimal MaxAmount = 1_000_000_000m;

    public static IHostApplicationBuilder AddGuarantees(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GuaranteeOptions>().BindConfiguration("Guarantees")
            .Validate(o => !o.Problems().Any(), "The Guarantees section is incomplete: set Guarantees:AssistanceName, AssistancePhone, " +
                "PublicBaseUrl, LinkSecret (32+ characters) and MailFrom.")
            .ValidateOnStart();
        builder.Services.AddSingleton<GuaranteeLetters>();
        builder.Services.AddSingleton<AcknowledgementLinks>();
        builder.Services.AddSingleton<GuaranteeExpiry>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GuaranteeExpiry>());
        builder.Services.AddHostedService<GuaranteeMailSender>();
        return builder;
    }

    public static RouteGroupBuilder MapGuaranteesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/guarantees").WithTags("Guarantee letters");
        group.MapPost("/", IssueAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Issues a guarantee of payment to a clinic for a case, within the case's remaining cover for the benefit, and e-mails it to the clinic");
        group.MapGet("/", ListAsync).RequireAccess(Access.ReadCases).WithSummary("The case's guarantee letters, newest first");
        group.MapGet("/{number}", GetAsync).RequireAccess(Access.ReadCases)
            .WithSummary("One guarantee letter, by its GOP number, with the clinic's answer and the delivery of its e-mail");
        group.MapGet("/{number}/letter.pdf", PdfAsync).RequireAccess(Access.ReadCases)
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .WithSummary("The letter as the clinic gets it: one PDF page in the clinic's language");
        group.MapPost("/{number}/amend", AmendAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Changes the amount guaranteed (up or down; checked against the remaining cover) and e-mails the letter again");
        group.MapPost("/{number}/revoke", RevokeAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Withdraws a letter in force, releasing what it reserved, and tells the clinic by e-mail");
        group.MapPost("/{number}/acknowledge", AcknowledgeAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Records the clinic's answer (accepted, or refused with a reason) on its behalf, e.g. given by phone");
        // The clinic's own way: the signed link of the letter and its e-mail, opened in a browser, no account needed.
        group.MapGet("/acknowledge", AcknowledgementPage.ShowAsync).AllowAnonymous()
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .WithSummary("The page of a signed link: the letter as it stands (a check that it is genuine) and the clinic's accept or refuse form");
        group.MapPost("/acknowledge", AcknowledgementPage.RecordAsync).AllowAnonymous()
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .WithSummary("The clinic's answer from the signed link's page (form fields decision = accepted | refused, reason)");
        MapClinicsOwnApi(app);
        return group;
    }

    /// <summary>
    /// A clinic with its own API key (role clinic, actor clinic:{code}): its letters, and its answer to one. Another
    /// clinic's letter is not found, as another tenant's is.
    /// </summary>
    private static void MapClinicsOwnApi(IEndpointRouteBuilder app)
    {
        var clinic = app.MapGroup("/clinic/guarantees").WithTags("Guarantee letters").RequireAccess(Access.ActAsClinic);
        clinic.MapGet("/", async Task<Ok<IReadOnlyList<GuaranteeLetter>>> (RequestIdentity identity, GuaranteeLetters letters, CancellationToken ct) =>
                TypedResults.Ok(await letters.OfClinicAsync(identity.TenantId, identity.ClinicCode, ct)))
            .WithSummary("The calling clinic's guarantee letters, newest first");
        clinic.MapPost("/{number}/acknowledge", async Task<Results<Ok<GuaranteeLetter>, ValidationProblem, ProblemHttpResult>> (
                string number, AcknowledgeGuaranteeRequest request, RequestIdentity identity, GuaranteeLetters letters, TimeProvider clock,
                CancellationToken ct) =>
            {
                var errors = ValidateAnswer(request.Decision, request.Reason);
                if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());
                var code = identity.ClinicCode;
                if (await letters.FindAsync(identity.TenantId, number, ct) is not { } found || found.Clinic.Code != code)
                    return Problems.NotFound($"Guarantee letter {number} was not found.");
                var outcome = await letters.AcknowledgeAsync(identity.TenantId, found.Id, request.Decision!, Reason(request.Reason),
                    identity.ActorId, clock.GetUtcNow(), ct);
                return outcome switch
                {
                    GuaranteeLetters.AcknowledgeOutcome.Recorded => TypedResults.Ok((await letters.GetAsync(identity.TenantId, found.Id, ct))!),
                    GuaranteeLetters.AcknowledgeOutcome.NotInForce => Problems.Conflict($"Guarantee letter {found.Number} is not in force: there is nothing to answer."),
                    _ => Problems.NotFound($"Guarantee letter {number} was not found."),
                };
            })
            .WithSummary("The calling clinic accepts its guarantee letter, or refuses it with a reason");
    }


    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();

    private static async Task<Results<Created<GuaranteeLetter>, ValidationProblem, ProblemHttpResult>> IssueAsync(
        IssueGuaranteeRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, ClinicStore clinics, GuaranteeLetters letters,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("caseNumber", request.CaseNumber)) errors.MaxLength("caseNumber", request.CaseNumber, 50);
        if (errors.Required("clinicCode", request.ClinicCode)) errors.MaxLength("clinicCode", request.ClinicCode, 100);
        if (errors.Required("benefit", request.Benefit)) errors.MaxLength("benefit", request.Benefit, 100);
        Amount(errors, "amount", request.Amount, required: true);
        if (errors.Required("currency", request.Currency))
            errors.Matches("currency", Cover.Currency(request.Currency), CurrencyCode(), "a three-letter ISO 4217 code such as USD");
        errors.Required("periodFrom", request.PeriodFrom);
        if (errors.Required("periodTo", request.PeriodTo) && request.PeriodFrom is { } from && request.PeriodTo < from)
            errors.Add("periodTo", "The period must not end before it starts.");
        if (errors.Required("roomType", request.RoomType)) errors.OneOf("roomType", request.RoomType, RoomTypes.All);
        Amount(errors, "coPayment", request.CoPayment, required: false);
        Amount(errors, "deductible", request.Deductible, required: false);
        var excluded = (request.ExcludedServices ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToArray();
        if (excluded.Length > 50) errors.Add("excludedServices", "At most 50 services.");
        for (var i = 0; i < excluded.Length; i++) errors.MaxLength($"excludedServices[{i}]", excluded[i], 200);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        var tenant = identity.TenantId;
        if (await clinics.FindAsync(tenant, request.ClinicCode!, ct) is not { } clinic)
            return Problems.NotFound($"Clinic {request.ClinicCode} is not in the network.");
        if (clinic.Status != "active")
            return Problems.Conflict($"Clinic {clinic.Code} is {clinic.Status}: letters are issued to active clinics only.");

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await Cover.LockAsync(transaction, tenant, request.CaseNumber!.Trim(), null, ct) is not { } cover)
            return Problems.NotFound($"Case {request.CaseNumber} was not found (or Cases has not published its cover yet).");
        var benefit = Cover.Key(request.Benefit);
        var currency = Cover.Currency(request.Currency);
        var (limit, limitCurrency, available) = await Cover.AvailableAsync(transaction, tenant, cover.CaseId, benefit, null, ct);
        if (limitCurrency is not null && limitCurrency != currency)
            return Problems.Validation("currency", $"The policy's {benefit} limit is in {limitCurrency}: the letter must be in {limitCurrency}, not {currency}.");
        var amount = request.Amount!.Value;
        if (limit is null || amount > available) return CoverExceeded(benefit, amount, available, limitCurrency ?? currency, limit is null);

        var id = Guid.CreateVersion7(now);
        var number = await letters.NextNumberAsync(transaction, tenant, now.Year, ct);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO guarantee_letters (id, tenant_id, number, case_id, case_number, insured_name, insured_date_of_birth, policy_number,
                clinic_id, clinic_code, clinic_name, clinic_address, clinic_email, clinic_time_zone, language, benefit, amount, currency,
                period_from, period_to, room_type, co_payment, deductible, excluded_services, status, issued_at, issued_by)
            VALUES (@id, @tenant, @number, @case_id, @case_number, @insured, @dob, @policy, @clinic_id, @clinic_code, @clinic_name,
                @clinic_address, @clinic_email, @zone, @language, @benefit, @amount, @currency, @from, @to, @room, @co_payment,
                @deductible, @excluded, 'issued', @now, @by)
            """, connection, transaction))
        {
            var p = insert.Parameters;
            p.AddWithValue("id", id);
            p.AddWithValue("tenant", tenant);
            p.AddWithValue("number", number);
            p.AddWithValue("case_id", cover.CaseId);
            p.AddWithValue("case_number", cover.CaseNumber);
            p.AddWithValue("insured", cover.InsuredName);
            p.Add(new NpgsqlParameter<DateOnly?>("dob", cover.InsuredDateOfBirth));
            p.Add(new NpgsqlParameter<string?>("policy", cover.PolicyNumber));
            p.AddWithValue("clinic_id", clinic.Id);
            p.AddWithValue("clinic_code", clinic.Code);
            p.AddWithValue("clinic_name", clinic.Name);
            p.AddWithValue("clinic_address", $"{clinic.Address}, {clinic.City}, {clinic.Country}");
            p.Add(new NpgsqlParameter<string?>("clinic_email", clinic.Email));
            p.AddWithValue("zone", clinic.TimeZone);
            p.AddWithValue("language", LetterTexts.LanguageOf(clinic.Languages));
            p.AddWithValue("benefit", benefit);
            p.AddWithValue("amount", amount);
            p.AddWithValue("currency", currency);
            p.AddWithValue("from", request.PeriodFrom!.Value);
            p.AddWithValue("to", request.PeriodTo!.Value);
            p.AddWithValue("room", request.RoomType!);
            p.AddWithValue("co_payment", request.CoPayment ?? 0);
            p.AddWithValue("deductible", request.Deductible ?? 0);
            p.AddWithValue("excluded", excluded);
            p.AddWithValue("now", now);
            p.AddWithValue("by", identity.ActorId);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await GuaranteeLetters.QueueMailAsync(transaction, tenant, id, "issued", clinic.Email, now, ct);
        await transaction.EnqueueAsync(new GuaranteeLetterIssued(id, tenant, cover.CaseId, benefit, amount, currency, now, number, clinic.Name,
            request.CoPayment ?? 0, clinic.Code, request.PeriodFrom, request.PeriodTo, request.Deductible ?? 0, excluded), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/guarantees/{number}", await letters.GetAsync(tenant, id, ct));
    }

    private static void Amount(ValidationErrors errors, string field, decimal? value, bool required)
    {
        if (required && !errors.Required(field, value)) return;
        if (value is not { } v) return;
        if (required ? v <= 0 : v < 0) errors.Add(field, required ? "The amount must be more than zero." : "The amount must not be negative.");
        else if (v > MaxAmount) errors.Add(field, $"The amount must be at most {MaxAmount.ToString("N0", CultureInfo.InvariantCulture)}.");
        else if (decimal.Round(v, 2) != v) errors.Add(field, "The amount has at most two decimals.");
    }

    private static ProblemHttpResult CoverExceeded(string benefit, decimal requested, decimal remaining, string currency, bool noLimit)
    {
        var money = (decimal d) => d.ToString("N2", CultureInfo.InvariantCulture);
        var detail = noLimit
            ? $"The case's policy sets no {benefit} limit: {money(requested)} {currency} requested, 0.00 {currency} remaining to guarantee."
            : $"{money(requested)} {currency} requested for {benefit}, but only {money(remaining)} {currency} of the case's cover remains to guarantee.";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Beyond the remaining cover.",
            type: CoverExceededType, extensions: new Dictionary<string, object?>
            {
                ["benefit"] = benefit, ["currency"] = currency, ["requested"] = requested, ["remaining"] = noLimit ? 0m : remaining,
            });
    }

    private static async Task<Results<Ok<IReadOnlyList<GuaranteeLetter>>, ValidationProblem>> ListAsync(
        [FromQuery(Name = "case")] string? caseNumber, RequestIdentity identity, GuaranteeLetters letters, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(caseNumber)) return Problems.Validation("case", "The case number is required.");
        if (caseNumber.Length > 50) return Problems.Validation("case", "The field must be at most 50 characters long.");
        return TypedResults.Ok(await letters.OfCaseAsync(identity.TenantId, caseNumber.Trim(), ct));
    }

    private static async Task<Results<Ok<GuaranteeLetter>, ProblemHttpResult>> GetAsync(
        string number, RequestIdentity identity, GuaranteeLetters letters, CancellationToken ct) =>
        await letters.FindAsync(identity.TenantId, number, ct) is { } letter
            ? TypedResults.Ok(letter)
            : Problems.NotFound($"Guarantee letter {number} was not found.");

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PdfAsync(
        string number, RequestIdentity identity, GuaranteeLetters letters, AcknowledgementLinks links, IOptions<GuaranteeOptions> options,
        CancellationToken ct)
    {
        if (await letters.FindAsync(identity.TenantId, number, ct) is not { } letter)
            return Problems.NotFound($"Guarantee letter {number} was not found.");
        var pdf = LetterPdf.Render(letter, options.Value, links.Url(letter.TenantId, letter.Id));
        return TypedResults.File(pdf, "application/pdf", $"{letter.Number}.pdf");
    }

    private static async Task<Results<Ok<GuaranteeLetter>, ValidationProblem, ProblemHttpResult>> AmendAsync(
        string number, AmendGuaranteeRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, GuaranteeLetters letters,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        Amount(errors, "amount", request.Amount, required: true);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());
        var tenant = identity.TenantId;
        if (await letters.FindAsync(tenant, number, ct) is not { } found) return Problems.NotFound($"Guarantee letter {number} was not found.");

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The case first, then the letter: the order every change of a case's letters takes, so they cannot deadlock.
        await Cover.LockAsync(transaction, tenant, null, found.CaseId, ct);
        if (await LockLetterAsync(transaction, tenant, found.Id, ct) is not LetterStatuses.Issued and var status)
            return Problems.Conflict($"Guarantee letter {found.Number} is {status}: only a letter in force is amended.");
        var amount = request.Amount!.Value;
        var (limit, _, available) = await Cover.AvailableAsync(transaction, tenant, found.CaseId, found.Benefit, found.Id, ct);
        var invoiced = await Cover.InvoicedUnderAsync(transaction, tenant, found.Id, found.Currency, ct);
        // The letter reserves its amount less what was already invoiced under it; that part is spent, not remaining.
        if (limit is null || Math.Max(0, amount - invoiced) > available)
            return CoverExceeded(found.Benefit, amount, available + invoiced, found.Currency, limit is null);

        await using (var update = new NpgsqlCommand("UPDATE guarantee_letters SET amount = @amount, amended_at = @now WHERE id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("amount", amount);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("id", found.Id);
            await update.ExecuteNonQueryAsync(ct);
        }
        await GuaranteeLetters.QueueMailAsync(transaction, tenant, found.Id, "amended", found.Clinic.Email, now, ct);
        await transaction.EnqueueAsync(new GuaranteeLetterAmended(found.Id, tenant, found.CaseId, found.Benefit, amount, found.Currency, now), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok((await letters.GetAsync(tenant, found.Id, ct))!);
    }

    private static async Task<Results<Ok<GuaranteeLetter>, ValidationProblem, ProblemHttpResult>> RevokeAsync(
        string number, RevokeGuaranteeRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, GuaranteeLetters letters,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("reason", request.Reason)) errors.MaxLength("reason", request.Reason, 500);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());
        var tenant = identity.TenantId;
        if (await letters.FindAsync(tenant, number, ct) is not { } found) return Problems.NotFound($"Guarantee letter {number} was not found.");

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Cover.LockAsync(transaction, tenant, null, found.CaseId, ct);
        if (await LockLetterAsync(transaction, tenant, found.Id, ct) is not LetterStatuses.Issued and var status)
            return Problems.Conflict($"Guarantee letter {found.Number} is {status}: only a letter in force is revoked.");
        await using (var update = new NpgsqlCommand("""
            UPDATE guarantee_letters SET status = 'revoked', revocation_reason = @reason, revoked_at = @now WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("reason", request.Reason!.Trim());
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("id", found.Id);
            await update.ExecuteNonQueryAsync(ct);
        }
        await GuaranteeLetters.QueueMailAsync(transaction, tenant, found.Id, "revoked", found.Clinic.Email, now, ct);
        await transaction.EnqueueAsync(new GuaranteeLetterRevoked(found.Id, tenant, found.CaseId, now), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok((await letters.GetAsync(tenant, found.Id, ct))!);
    }

    private static async Task<string?> LockLetterAsync(NpgsqlTransaction transaction, string tenant, Guid id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT status FROM guarantee_letters WHERE tenant_id = @tenant AND id = @id FOR UPDATE",
            transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("id", id);
        return (string?)await cmd.ExecuteScalarAsync(ct);
    }

    private static async Task<Results<Ok<GuaranteeLetter>, ValidationProblem, ProblemHttpResult>> AcknowledgeAsync(
        string number, AcknowledgeGuaranteeRequest request, RequestIdentity identity, GuaranteeLetters letters, TimeProvider clock,
        CancellationToken ct)
    {
        var errors = ValidateAnswer(request.Decision, request.Reason);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());
        if (await letters.FindAsync(identity.TenantId, number, ct) is not { } found) return Problems.NotFound($"Guarantee letter {number} was not found.");
        var outcome = await letters.AcknowledgeAsync(identity.TenantId, found.Id, request.Decision!, Reason(request.Reason), $"staff:{identity.ActorId}",
            clock.GetUtcNow(), ct);
        return outcome switch
        {
            GuaranteeLetters.AcknowledgeOutcome.Recorded => TypedResults.Ok((await letters.GetAsync(identity.TenantId, found.Id, ct))!),
            GuaranteeLetters.AcknowledgeOutcome.NotInForce => Problems.Conflict($"Guarantee letter {found.Number} is not in force: there is nothing to answer."),
            _ => Problems.NotFound($"Guarantee letter {number} was not found."),
        };
    }

    internal static ValidationErrors ValidateAnswer(string? decision, string? reason)
    {
        var errors = new ValidationErrors();
        if (errors.Required("decision", decision)) errors.OneOf("decision", decision, AcknowledgementDecisions.All);
        if (decision == AcknowledgementDecisions.Refused) errors.Required("reason", reason);
        errors.MaxLength("reason", reason, 500);
        return errors;
    }

    internal static string? Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
}
