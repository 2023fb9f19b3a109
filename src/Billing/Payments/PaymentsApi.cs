using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Billing.Invoices;

namespace Platform.Billing.Payments;

/// <summary>A payment's new status: sent, paid (on <c>paidOn</c>, default today) or failed (with <c>reason</c>); a failed one may be pending again.</summary>
public sealed record PaymentStatusRequest(string? Status, string? Reason, DateOnly? PaidOn);

public sealed record PaymentView(
    Guid Id,
    Guid InvoiceId,
    string InvoiceNumber,
    string CaseNumber,
    string PayeeKind,
    string PayeeName,
    string? PayeeAccount,
    decimal Amount,
    string Currency,
    string Status,
    string? FailureReason,
    string Reference,
    string Method,
    DateTimeOffset CreatedAt,
    DateOnly? PaidOn);

public static class PaymentsApi
{
    private static readonly Dictionary<string, string[]> Next = new()
    {
        [PaymentStatuses.Pending] = [PaymentStatuses.Sent, PaymentStatuses.Failed],
        [PaymentStatuses.Sent] = [PaymentStatuses.Paid, PaymentStatuses.Failed],
        [PaymentStatuses.Failed] = [PaymentStatuses.Pending],
        [PaymentStatuses.Paid] = [],
    };

    public static RouteGroupBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/payments").WithTags("Payments");
        group.MapGet("/", ListAsync).RequireAccess(Access.ReadCases)
            .WithSummary("Payment orders, newest first: of a case (caseNumber), or by status (pending, sent, paid, failed); at most 500");
        group.MapGet("/{id:guid}", GetAsync).RequireAccess(Access.ReadCases).WithSummary("One payment order");
        group.MapPost("/{id:guid}/status", SetStatusAsync).RequireAccess(Access.Pay)
            .WithSummary("Records that a payment was sent, paid or failed (pending → sent → paid; a failure may be retried as pending)");
        return group;
    }

    private const string From = """
        FROM payment_orders p JOIN invoices i ON i.id = p.invoice_id
        """;

    public static async Task<IReadOnlyList<PaymentView>> QueryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId,
        string where, Action<NpgsqlParameterCollection> parameters, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT {PaymentOrders.Columns}, i.number, i.case_number {From}
            WHERE p.tenant_id = @tenant AND {where}
            ORDER BY p.created_at DESC, p.id LIMIT 500
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        parameters(cmd.Parameters);
        var list = new List<PaymentView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var o = PaymentOrders.Read(r);
            list.Add(new PaymentView(o.Id, o.InvoiceId, r.GetString(13), r.GetString(14), o.PayeeKind, o.PayeeName, o.PayeeAccount, o.Amount,
                o.Currency, o.Status, r.IsDBNull(12) ? null : r.GetString(12), o.Reference, o.Method, o.CreatedAt, o.PaidOn));
        }
        return list;
    }

    private static async Task<Results<Ok<IReadOnlyList<PaymentView>>, ValidationProblem>> ListAsync(string? caseNumber, string? status,
        RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        if (status is not null && !Next.ContainsKey(status)) return Problems.Validation("status", $"'{status}' is not one of: {string.Join(", ", Next.Keys)}.");
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await QueryAsync(connection, null, identity.TenantId,
            "(@case::text IS NULL OR i.case_number = @case) AND (@status::text IS NULL OR p.status = @status)",
            p =>
            {
                p.Add(new NpgsqlParameter<string?>("case", caseNumber?.Trim()));
                p.Add(new NpgsqlParameter<string?>("status", status));
            }, ct));
    }

    private static async Task<Results<Ok<PaymentView>, ProblemHttpResult>> GetAsync(Guid id, RequestIdentity identity, NpgsqlDataSource db,
        CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await QueryAsync(connection, null, identity.TenantId, "p.id = @id", p => p.AddWithValue("id", id), ct)).SingleOrDefault() is { } found
            ? TypedResults.Ok(found)
            : Problems.NotFound($"Payment {id} was not found.");
    }

    private static async Task<Results<Ok<PaymentView>, ValidationProblem, ProblemHttpResult>> SetStatusAsync(Guid id, PaymentStatusRequest request,
        RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var status = request.Status?.Trim().ToLowerInvariant();
        if (errors.Required("status", status)) errors.OneOf("status", status, Next.Keys);
        if (status == PaymentStatuses.Failed) errors.Required("reason", request.Reason);
        errors.MaxLength("reason", request.Reason, 1000);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var current = new NpgsqlCommand("SELECT status FROM payment_orders WHERE id = @id AND tenant_id = @tenant FOR UPDATE",
                         connection, transaction))
        {
            current.Parameters.AddWithValue("id", id);
            current.Parameters.AddWithValue("tenant", identity.TenantId);
            if (await current.ExecuteScalarAsync(ct) is not string was) return Problems.NotFound($"Payment {id} was not found.");
            if (!Next[was].Contains(status))
                return Problems.Conflict($"A {was} payment cannot become {status}" +
                    (Next[was].Length == 0 ? "." : $"; it can become {string.Join(" or ", Next[was])}."));
        }
        var now = clock.GetUtcNow();
        await using (var update = new NpgsqlCommand("""
            UPDATE payment_orders SET status = @status, changed_at = @now,
                failure_reason = CASE WHEN @status = 'failed' THEN @reason END,
                paid_on = CASE WHEN @status = 'paid' THEN @paid_on END
            WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("status", status!);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.Add(new NpgsqlParameter<string?>("reason", request.Reason?.Trim()));
            update.Parameters.AddWithValue("paid_on", request.PaidOn ?? DateOnly.FromDateTime(now.UtcDateTime));
            await update.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok((await QueryAsync(connection, null, identity.TenantId, "p.id = @id", p => p.AddWithValue("id", id), ct)).Single());
    }
}
