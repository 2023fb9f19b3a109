using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Billing.Decisions;
using Platform.Billing.Payments;

namespace Platform.Billing.Invoices;

/// <summary>A person's decision on a line: <c>outcome</c> approved, reduced (with <c>paid</c>) or rejected; the reason is kept.</summary>
public sealed record LineOverrideRequest(string? Outcome, decimal? Paid, string? Reason);

/// <summary>Why the invoice goes back to its biller: what they must correct.</summary>
public sealed record ReturnInvoiceRequest(string? Reason);

public static class InvoicesApi
{
    public static void MapInvoicesApi(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/invoices").WithTags("Invoices");
        staff.MapPost("/", (InvoiceRequest request, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db,
                    InvoiceIntake intake, TimeProvider clock, CancellationToken ct) =>
                SubmitJsonAsync(request, request.ClinicCode?.Trim(), http, language, identity, db, intake, clock, ct))
            .RequireAccess(Access.Adjudicate)
            .WithSummary("Submits a clinic's invoice on its behalf (clinicCode required) and adjudicates it line by line at once");
        staff.MapGet("/", ListAsync).RequireAccess(Access.ReadCases).WithSummary("The invoices of a case (caseNumber), oldest first");
        staff.MapGet("/{id:guid}", GetAsync).RequireAccess(Access.ReadCases)
            .WithSummary("One invoice with the decision on each line, explained in the reader's language (language=en|ru or Accept-Language)");
        staff.MapPost("/{id:guid}/lines/{line:int}/override", OverrideAsync).RequireAccess(Access.Adjudicate)
            .WithSummary("Decides a line by hand (approved, reduced with the amount paid, or rejected) with a reason; the invoice is adjudicated again");
        staff.MapPost("/{id:guid}/return", ReturnAsync).RequireAccess(Access.Adjudicate)
            .WithSummary("Returns the invoice to its biller for correction (not a rejection): nothing is paid and a corrected invoice may follow under the same number");
        staff.MapPost("/{id:guid}/adjudicate", AdjudicateAgainAsync).RequireAccess(Access.Adjudicate)
            .WithSummary("Adjudicates a pending invoice again (e.g. after the missing exchange rate was loaded)");

        var clinic = app.MapGroup("/clinic/invoices").WithTags("Invoices").RequireAccess(Access.ActAsClinic);
        clinic.MapPost("/", (InvoiceRequest request, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db,
                    InvoiceIntake intake, TimeProvider clock, CancellationToken ct) =>
                SubmitJsonAsync(request, identity.ClinicCode, http, language, identity, db, intake, clock, ct))
            .WithSummary("The calling clinic submits its invoice; it is adjudicated at once");
        clinic.MapGet("/{id:guid}", async Task<Results<Ok<InvoiceView>, ProblemHttpResult>> (Guid id, HttpRequest http, string? language,
                RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct) =>
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                if (await InvoiceStore.GetAsync(connection, null, identity.TenantId, id, ct) is not { } stored
                    || stored.Invoice.Kind != InvoiceKinds.Clinic || stored.Invoice.Biller.Code != identity.ClinicCode)
                    return Problems.NotFound($"Invoice {id} was not found.");
                return TypedResults.Ok(InvoiceViews.Of(stored, await Adjudications.LatestAsync(connection, null, id, ct),
                    ReaderLanguage.Of(http, language)));
            })
            .WithSummary("One of the calling clinic's invoices with the decision on each line");
    }


    private static async Task<Results<Created<InvoiceView>, ValidationProblem, ProblemHttpResult>> SubmitJsonAsync(InvoiceRequest request,
        string? clinicCode, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, InvoiceIntake intake,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("clinicCode", clinicCode)) errors.MaxLength("clinicCode", clinicCode, 100);
        var draft = InvoiceRules.ToInvoice(request, identity.TenantId, InvoiceKinds.Clinic, new Party(clinicCode ?? "", clinicCode, null, null,
            null, null, null, null, ""), clock.GetUtcNow(), errors);
        if (draft is null || !errors.IsValid) return Problems.Validation(errors.ToDictionary());

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var (target, field, error) = await InvoiceIntake.FindTargetAsync(transaction, identity.TenantId, draft.CaseNumber, draft.GuaranteeNumber,
            clinicCode, ct);
        if (target is null) return Problems.Validation(field!, error!);
        draft = draft with { Biller = draft.Biller with { Name = target.ClinicName ?? clinicCode! } };
        var outcome = await intake.SubmitAsync(transaction, draft, target, null, identity.ActorId, null, ct);
        if (outcome.Conflict is { } conflict) return Problems.Conflict(conflict);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/invoices/{draft.Id}", InvoiceViews.Of(outcome.Invoice!, outcome.Adjudication, ReaderLanguage.Of(http, language)));
    }

    private static async Task<Results<Ok<IReadOnlyList<InvoiceView>>, ValidationProblem>> ListAsync(string? caseNumber, HttpRequest http,
        string? language, RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(caseNumber)) return Problems.Validation("caseNumber", "The field is required.");
        await using var connection = await db.OpenConnectionAsync(ct);
        var invoices = await InvoiceStore.ListAsync(connection, null, identity.TenantId, "i.case_number = @case_number",
            p => p.AddWithValue("case_number", caseNumber.Trim()), ct);
        var decisions = await Adjudications.LatestAsync(connection, null, invoices.Select(i => i.Invoice.Id).ToArray(), ct);
        var lang = ReaderLanguage.Of(http, language);
        return TypedResults.Ok<IReadOnlyList<InvoiceView>>(invoices.Select(i => InvoiceViews.Of(i, decisions.GetValueOrDefault(i.Invoice.Id), lang)).ToArray());
    }

    private static async Task<Results<Ok<InvoiceView>, ProblemHttpResult>> GetAsync(Guid id, HttpRequest http, string? language,
        RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await InvoiceStore.GetAsync(connection, null, identity.TenantId, id, ct) is not { } stored)
            return Problems.NotFound($"Invoice {id} was not found.");
        return TypedResults.Ok(InvoiceViews.Of(stored, await Adjudications.LatestAsync(connection, null, id, ct), ReaderLanguage.Of(http, language)));
    }

    private static async Task<Results<Ok<InvoiceView>, ValidationProblem, ProblemHttpResult>> OverrideAsync(Guid id, int line,
        LineOverrideRequest request, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, Adjudications adjudications,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var outcome = request.Outcome?.Trim().ToLowerInvariant();
        if (errors.Required("outcome", outcome)) errors.OneOf("outcome", outcome, [LineOutcomes.Approved, LineOutcomes.Reduced, LineOutcomes.Rejected]);
        if (outcome == LineOutcomes.Reduced && errors.Required("paid", request.Paid) && request.Paid < 0)
            errors.Add("paid", "The amount paid must be 0 or more.");
        if (errors.Required("reason", request.Reason)) errors.MaxLength("reason", request.Reason, 1000);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await LockAsync(transaction, identity.TenantId, id, ct) is not { } stored) return Problems.NotFound($"Invoice {id} was not found.");
        if (stored.Invoice.Lines.FirstOrDefault(l => l.Number == line) is not { } billed)
            return Problems.NotFound($"Invoice {stored.Invoice.Number} has no line {line}.");
        if (stored.Status != InvoiceStatuses.Adjudicated)
            return Problems.Conflict($"Invoice {stored.Invoice.Number} is {stored.Status}: only an adjudicated invoice's lines can be decided by hand.");
        if (await PaymentOrders.SentAsync(transaction, id, ct))
            return Problems.Conflict($"The payment for invoice {stored.Invoice.Number} was sent: its decision can no longer change.");
        if (outcome == LineOutcomes.Reduced && request.Paid > billed.Amount)
            return Problems.Validation("paid", $"The amount paid cannot exceed the amount billed ({billed.Amount:0.00}).");
        var paid = outcome switch { LineOutcomes.Approved => billed.Amount, LineOutcomes.Rejected => 0, _ => Money.Round(request.Paid!.Value) };
        await using (var save = new NpgsqlCommand("""
            INSERT INTO line_overrides (invoice_id, line, tenant_id, outcome, paid, reason, decided_by, decided_at)
            VALUES (@id, @line, @tenant, @outcome, @paid, @reason, @by, @at)
            ON CONFLICT (invoice_id, line) DO UPDATE SET outcome = excluded.outcome, paid = excluded.paid, reason = excluded.reason,
                decided_by = excluded.decided_by, decided_at = excluded.decided_at
            """, connection, transaction))
        {
            save.Parameters.AddWithValue("id", id);
            save.Parameters.AddWithValue("line", line);
            save.Parameters.AddWithValue("tenant", identity.TenantId);
            save.Parameters.AddWithValue("outcome", outcome!);
            save.Parameters.AddWithValue("paid", paid);
            save.Parameters.AddWithValue("reason", request.Reason!.Trim());
            save.Parameters.AddWithValue("by", identity.ActorId);
            save.Parameters.AddWithValue("at", clock.GetUtcNow());
            await save.ExecuteNonQueryAsync(ct);
        }
        var result = await adjudications.AdjudicateAsync(transaction, stored, identity.ActorId, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(InvoiceViews.Of((await InvoiceStore.GetAsync(connection, null, identity.TenantId, id, ct))!, result.Adjudication,
            ReaderLanguage.Of(http, language)));
    }

    private static async Task<Results<Ok<InvoiceView>, ValidationProblem, ProblemHttpResult>> ReturnAsync(Guid id, ReturnInvoiceRequest request,
        HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db, Adjudications adjudications, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (errors.Required("reason", request.Reason)) errors.MaxLength("reason", request.Reason, 1000);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await LockAsync(transaction, identity.TenantId, id, ct) is not { } stored) return Problems.NotFound($"Invoice {id} was not found.");
        if (stored.Status == InvoiceStatuses.Returned) return Problems.Conflict($"Invoice {stored.Invoice.Number} was returned already.");
        if (await PaymentOrders.SentAsync(transaction, id, ct))
            return Problems.Conflict($"The payment for invoice {stored.Invoice.Number} was sent: it can no longer be returned.");
        var decision = await adjudications.ReturnAsync(transaction, stored, request.Reason!.Trim(), identity.ActorId, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(InvoiceViews.Of((await InvoiceStore.GetAsync(connection, null, identity.TenantId, id, ct))!, decision,
            ReaderLanguage.Of(http, language)));
    }

    private static async Task<Results<Ok<InvoiceView>, ProblemHttpResult>> AdjudicateAgainAsync(Guid id, HttpRequest http, string? language,
        RequestIdentity identity, NpgsqlDataSource db, Adjudications adjudications, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await LockAsync(transaction, identity.TenantId, id, ct) is not { } stored) return Problems.NotFound($"Invoice {id} was not found.");
        if (stored.Status != InvoiceStatuses.Pending)
            return Problems.Conflict($"Invoice {stored.Invoice.Number} is {stored.Status}: only a pending invoice is adjudicated again this way.");
        var result = await adjudications.AdjudicateAsync(transaction, stored, identity.ActorId, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(InvoiceViews.Of((await InvoiceStore.GetAsync(connection, null, identity.TenantId, id, ct))!, result.Adjudication,
            ReaderLanguage.Of(http, language)));
    }

    /// <summary>The tenant's invoice, its row locked for the decision; null when there is none (or it is another tenant's).</summary>
    private static async Task<StoredInvoice?> LockAsync(NpgsqlTransaction transaction, string tenantId, Guid id, CancellationToken ct)
    {
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM invoices WHERE id = @id AND tenant_id = @tenant FOR UPDATE",
                         transaction.Connection, transaction))
        {
            lockRow.Parameters.AddWithValue("id", id);
            lockRow.Parameters.AddWithValue("tenant", tenantId);
            if (await lockRow.ExecuteScalarAsync(ct) is null) return null;
        }
        return await InvoiceStore.GetAsync(transaction.Connection!, transaction, tenantId, id, ct);
    }
}
