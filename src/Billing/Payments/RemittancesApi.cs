using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Billing.Decisions;
using Platform.Billing.Forms;
using Platform.Billing.Invoices;
using Platform.Billing.X12;

namespace Platform.Billing.Payments;

/// <summary>
/// What a payee is told about a payment: the X12 835 (for a US clinic's system) and the PDF statement (for a person),
/// both from the payment order and the decision on its invoice. The clinic's own key reads its own payments' only.
/// </summary>
public static class RemittancesApi
{
    public static void MapRemittancesApi(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/payments").WithTags("Payments").RequireAccess(Access.ReadCases);
        staff.MapGet("/{id:guid}/835", (Guid id, RequestIdentity identity, NpgsqlDataSource db, IOptions<BillingOptions> options,
                IHostEnvironment environment, CancellationToken ct) => X12Async(id, null, identity, db, options.Value, environment, ct))
            .Produces(StatusCodes.Status200OK, contentType: "application/edi-x12")
            .WithSummary("The payment's remittance advice as an X12 835 (CLP/SVC/CAS with the CARC codes); for a US clinic with an NPI or tax id");
        staff.MapGet("/{id:guid}/statement.pdf", (Guid id, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db,
                IOptions<BillingOptions> options, CancellationToken ct) => StatementAsync(id, null, http, language, identity, db, options.Value, ct))
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .WithSummary("The payment's statement as a PDF: every line billed, allowed, paid and why, in the reader's language (language=en|ru)");

        // An invoice's own 835: its payment's, or for an invoice nothing of which is paid, a remittance of no payment
        // (BPR H, CLP status 4) that tells the clinic why.
        app.MapGet("/invoices/{id:guid}/835", (Guid id, RequestIdentity identity, NpgsqlDataSource db, IOptions<BillingOptions> options,
                IHostEnvironment environment, CancellationToken ct) => InvoiceX12Async(id, null, identity, db, options.Value, environment, ct))
            .WithTags("Invoices").RequireAccess(Access.ReadCases)
            .Produces(StatusCodes.Status200OK, contentType: "application/edi-x12")
            .WithSummary("The invoice's remittance advice as an X12 835: its payment's, or one of no payment when nothing of it is paid");
        app.MapGet("/clinic/invoices/{id:guid}/835", (Guid id, RequestIdentity identity, NpgsqlDataSource db, IOptions<BillingOptions> options,
                IHostEnvironment environment, CancellationToken ct) => InvoiceX12Async(id, identity.ClinicCode, identity, db, options.Value, environment, ct))
            .WithTags("Invoices").RequireAccess(Access.ActAsClinic)
            .Produces(StatusCodes.Status200OK, contentType: "application/edi-x12")
            .WithSummary("The 835 of one of the calling clinic's invoices");

        var clinic = app.MapGroup("/clinic/payments").WithTags("Payments").RequireAccess(Access.ActAsClinic);
        clinic.MapGet("/{id:guid}/835", (Guid id, RequestIdentity identity, NpgsqlDataSource db, IOptions<BillingOptions> options,
                IHostEnvironment environment, CancellationToken ct) => X12Async(id, identity.ClinicCode, identity, db, options.Value, environment, ct))
            .Produces(StatusCodes.Status200OK, contentType: "application/edi-x12")
            .WithSummary("The 835 of a payment to the calling clinic");
        clinic.MapGet("/{id:guid}/statement.pdf", (Guid id, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db,
                IOptions<BillingOptions> options, CancellationToken ct) =>
                StatementAsync(id, identity.ClinicCode, http, language, identity, db, options.Value, ct))
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .WithSummary("The statement of a payment to the calling clinic");
    }

    private sealed record Paid(PaymentOrder Order, int ControlNumber, RemittanceClaim Claim);

    /// <summary>The payment with its invoice and decision; null when it is not the tenant's (or, for a clinic, not its own).</summary>
    private static async Task<Paid?> FindAsync(NpgsqlDataSource db, string tenantId, Guid id, string? clinicCode, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await PaymentOrders.FindAsync(connection, tenantId, id, null, ct) is not var (order, control)) return null;
        if (await InvoiceStore.GetAsync(connection, null, tenantId, order.InvoiceId, ct) is not { } stored) return null;
        if (clinicCode is not null && (stored.Invoice.Kind != InvoiceKinds.Clinic || stored.Invoice.Biller.Code != clinicCode)) return null;
        if (await Adjudications.LatestAsync(connection, null, order.InvoiceId, ct) is not { } decision) return null;
        return new Paid(order, control, new RemittanceClaim(stored.Invoice, decision));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> X12Async(Guid id, string? clinicCode, RequestIdentity identity,
        NpgsqlDataSource db, BillingOptions options, IHostEnvironment environment, CancellationToken ct) =>
        await FindAsync(db, identity.TenantId, id, clinicCode, ct) is { } paid
            ? Write835(paid, options, environment)
            : Problems.NotFound($"Payment {id} was not found.");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> InvoiceX12Async(Guid id, string? clinicCode, RequestIdentity identity,
        NpgsqlDataSource db, BillingOptions options, IHostEnvironment environment, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await InvoiceStore.GetAsync(connection, null, identity.TenantId, id, ct) is not { } stored
            || (clinicCode is not null && (stored.Invoice.Kind != InvoiceKinds.Clinic || stored.Invoice.Biller.Code != clinicCode)))
            return Problems.NotFound($"Invoice {id} was not found.");
        if (stored.Status != InvoiceStatuses.Adjudicated || await Adjudications.LatestAsync(connection, null, id, ct) is not { } decision)
            return Problems.Conflict($"Invoice {stored.Invoice.Number} is {stored.Status}: an 835 answers a decided invoice.");
        if (await PaymentOrders.FindAsync(connection, identity.TenantId, null, id, ct) is var (order, control))
            return Write835(new Paid(order, control, new RemittanceClaim(stored.Invoice, decision)), options, environment);
        // Nothing to pay: no payment order exists; the remittance carries a payment of zero, traced by the invoice's id.
        var none = new PaymentOrder(Guid.Empty, id, "clinic", stored.Invoice.Biller.Name, null, 0, stored.Invoice.Currency, "none",
            $"NOPAY-{id:N}", "CHK", decision.AdjudicatedAt, null);
        var noneControl = (int)(BitConverter.ToUInt32(id.ToByteArray(), 0) % 999_999_999) + 1;
        return Write835(new Paid(none, noneControl, new RemittanceClaim(stored.Invoice, decision)), options, environment);
    }

    private static Results<ContentHttpResult, ProblemHttpResult> Write835(Paid paid, BillingOptions options, IHostEnvironment environment)
    {
        var payee = paid.Claim.Invoice.Biller;
        var control = new X12Control(options.PayerIdentifier!, payee.Npi ?? payee.TaxId ?? payee.Code ?? "PAYEE", paid.ControlNumber, paid.ControlNumber,
            paid.Order.CreatedAt, Production: environment.IsProduction());
        try
        {
            var text = Remittance835.Write(paid.Order, [paid.Claim], options.Payer(), new X12Contact(options.PayerName!, null, options.PayerEmail), control);
            return TypedResults.Text(text, "application/edi-x12", Encoding.ASCII);
        }
        catch (X12WriteException e)
        {
            return Problems.Conflict($"This payment cannot be written as an X12 835: {string.Join(" ", e.Problems)} " +
                                     "(an 835 is for a US clinic identified by its NPI or tax id; the PDF statement serves every payee).");
        }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> StatementAsync(Guid id, string? clinicCode, HttpRequest http,
        string? language, RequestIdentity identity, NpgsqlDataSource db, BillingOptions options, CancellationToken ct)
    {
        if (await FindAsync(db, identity.TenantId, id, clinicCode, ct) is not { } paid) return Problems.NotFound($"Payment {id} was not found.");
        var o = paid.Order;
        var payee = o.PayeeKind == "insured"
            ? new Party(o.PayeeName, null, null, null, null, null, null, null, "")
            : paid.Claim.Invoice.Biller;
        var pdf = RemittanceStatementPdf.Render(new Remittance(options.Payer(), payee, o.Reference, o.Method,
            o.PaidOn, o.Amount, o.Currency, [paid.Claim]), ReaderLanguage.Of(http, language));
        return TypedResults.File(pdf, "application/pdf", $"{o.Reference}.pdf");
    }
}
