using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.ClinicNetwork.Register;

namespace Platform.ClinicNetwork.Quality;

/// <summary>A follow-up call's results. <c>calledAt</c>: when the call was made (default now).</summary>
public sealed record FollowUpInput(string? CaseNumber, bool? CareRendered, bool? PaymentAskedOfPatient, decimal? PaymentAmount,
    string? PaymentCurrency, bool? DrugsReceived, int? Assessment, string? Note, DateTimeOffset? CalledAt);

/// <summary>An event of one of <see cref="QualityKinds.Events"/>; <c>minutes</c> (from the appeal to help organised) for
/// help-organised only. <c>occurredAt</c>: default now.</summary>
public sealed record QualityEventInput(
    [property: OneOf(typeof(QualityKinds), nameof(QualityKinds.Events))] string? Kind,
    string? CaseNumber, int? Minutes, string? Note, DateTimeOffset? OccurredAt);

public static class QualityApi
{
    private const int MaxNote = 2000;

    public static RouteGroupBuilder MapQualityApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/clinics").WithTags("Clinic quality");
        group.MapPost("/{code}/quality/follow-ups", FollowUpAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Records the results of a follow-up call to the insured after care at the clinic");
        group.MapPost("/{code}/quality/events", EventAsync).RequireAccess(Access.WorkCases)
            .WithSummary("Records a complaint, the time to organise help, a guarantee letter the clinic refused or an invoice dispute");
        group.MapGet("/{code}/quality", ReportAsync).RequireAccess(Access.ReadCases)
            .WithSummary("The clinic's quality score (0-100) and the evidence it rests on");
        group.MapGet("/quality/worst", WorstAsync).RequireAccess(Access.Supervise)
            .WithSummary("The clinics with the lowest quality scores, and why");
        return group;
    }

    private static async Task<Results<Created<QualityReport>, ValidationProblem, ProblemHttpResult>> FollowUpAsync(
        string code, FollowUpInput input, RequestIdentity identity, NpgsqlDataSource dataSource, QualityStore store, TimeProvider clock,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var e = new ValidationErrors();
        e.Required("careRendered", input.CareRendered);
        e.Required("paymentAskedOfPatient", input.PaymentAskedOfPatient);
        if (input.Assessment is not null and not (>= 0 and <= 5)) e.Add("assessment", "The assessment is 0 to 5.");
        if (input.PaymentAmount is { } amount && (amount <= 0 || amount >= 1_000_000_000m)) e.Add("paymentAmount", "The amount must be positive.");
        if (input.PaymentAmount is not null && input.PaymentAskedOfPatient == false)
            e.Add("paymentAmount", "An amount is given, but paymentAskedOfPatient is false.");
        string? currency = null;
        if (input.PaymentCurrency is not null && ClinicRules.CheckCurrency(currency = ClinicRules.Upper(input.PaymentCurrency)) is { } currencyError)
            e.Add("paymentCurrency", currencyError);
        if (input.PaymentAmount is not null && input.PaymentCurrency is null) e.Add("paymentCurrency", "Give the currency of the amount.");
        CheckCommon(e, input.CaseNumber, input.Note, input.CalledAt, "calledAt", now);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());

        var followUp = new FollowUp(input.CareRendered!.Value, input.PaymentAskedOfPatient!.Value, input.PaymentAmount, currency,
            input.DrugsReceived, input.Assessment);
        return await RecordAsync(code, identity, dataSource, store, now, ct, (tx, clinicId) =>
            ClinicQuality.RecordFollowUpAsync(tx, identity.TenantId, clinicId, followUp, input.CalledAt ?? now, input.CaseNumber?.Trim(),
                input.Note?.Trim(), identity.ActorId, ct));
    }

    private static async Task<Results<Created<QualityReport>, ValidationProblem, ProblemHttpResult>> EventAsync(
        string code, QualityEventInput input, RequestIdentity identity, NpgsqlDataSource dataSource, QualityStore store, TimeProvider clock,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var e = new ValidationErrors();
        if (e.Required("kind", input.Kind)) e.OneOf("kind", input.Kind, QualityKinds.Events);
        if (input.Kind == QualityKinds.HelpOrganised)
        {
            if (e.Required("minutes", input.Minutes) && input.Minutes is < 0 or > 60 * 24 * 30)
                e.Add("minutes", "The minutes from the appeal to help organised are 0 to 43200 (30 days).");
        }
        else if (input.Minutes is not null) e.Add("minutes", "Minutes are given for help-organised only.");
        CheckCommon(e, input.CaseNumber, input.Note, input.OccurredAt, "occurredAt", now);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());

        return await RecordAsync(code, identity, dataSource, store, now, ct, (tx, clinicId) =>
            ClinicQuality.RecordAsync(tx, identity.TenantId, clinicId, input.Kind!, input.OccurredAt ?? now, input.CaseNumber?.Trim(),
                input.Note?.Trim(), input.Minutes, identity.ActorId, ct));
    }

    private static void CheckCommon(ValidationErrors e, string? caseNumber, string? note, DateTimeOffset? at, string atField, DateTimeOffset now)
    {
        if (caseNumber is not null) e.MaxLength("caseNumber", caseNumber.Trim(), ClinicRules.MaxCode);
        e.MaxLength("note", note, MaxNote);
        if (at is { } when && (when > now.AddMinutes(5) || when.Year < 2000)) e.Add(atField, "The time must not be in the future nor before 2000.");
    }

    private static async Task<Results<Created<QualityReport>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        string code, RequestIdentity identity, NpgsqlDataSource dataSource, QualityStore store, DateTimeOffset now, CancellationToken ct,
        Func<NpgsqlTransaction, Guid, Task<bool>> record)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await using var find = new NpgsqlCommand("SELECT id FROM clinics WHERE tenant_id = @tenant AND code = @code", connection, transaction);
            find.Parameters.AddWithValue("tenant", identity.TenantId);
            find.Parameters.AddWithValue("code", code);
            if (await find.ExecuteScalarAsync(ct) is not Guid clinicId || !await record(transaction, clinicId))
                return Problems.NotFound($"Clinic {code} was not found.");
            await transaction.CommitAsync(ct);
        }
        var report = (await store.ReportAsync(identity.TenantId, code, now, ct))!;
        return TypedResults.Created($"/clinics/{Uri.EscapeDataString(code)}/quality", report);
    }

    private static async Task<Results<Ok<QualityReport>, ProblemHttpResult>> ReportAsync(
        string code, RequestIdentity identity, QualityStore store, TimeProvider clock, CancellationToken ct) =>
        await store.ReportAsync(identity.TenantId, code, clock.GetUtcNow(), ct) is { } report
            ? TypedResults.Ok(report)
            : Problems.NotFound($"Clinic {code} was not found.");

    private static async Task<Results<Ok<IReadOnlyList<QualityReport>>, ValidationProblem>> WorstAsync(
        int? limit, RequestIdentity identity, QualityStore store, TimeProvider clock, CancellationToken ct)
    {
        if (limit is < 1 or > 200) return Problems.Validation("limit", "The limit must be 1 to 200.");
        return TypedResults.Ok(await store.WorstAsync(identity.TenantId, limit ?? 20, clock.GetUtcNow(), ct));
    }
}
