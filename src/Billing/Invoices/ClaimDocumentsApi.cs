using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Billing.Decisions;
using Platform.Billing.Fhir;
using Platform.Billing.Forms;
using Platform.Billing.Payments;

namespace Platform.Billing.Invoices;

/// <summary>An invoice in the other shapes it is asked for: the US claim form (CMS-1500 or UB-04) and FHIR R4.</summary>
public static class ClaimDocumentsApi
{
    public const string FhirJson = "application/fhir+json";

    public static void MapClaimDocumentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/invoices/{id:guid}").WithTags("Invoices").RequireAccess(Access.ReadCases);
        group.MapGet("/claim-form.pdf", ClaimFormAsync)
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .WithSummary("The invoice's US claim data as a PDF: the CMS-1500 items for a professional claim, the UB-04 form locators for an institutional one");
        group.MapGet("/fhir/claim", async Task<Results<ContentHttpResult, ProblemHttpResult>> (Guid id, RequestIdentity identity, NpgsqlDataSource db,
                IOptions<BillingOptions> options, CancellationToken ct) =>
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                if (await InvoiceStore.GetAsync(connection, null, identity.TenantId, id, ct) is not { } stored)
                    return Problems.NotFound($"Invoice {id} was not found.");
                return TypedResults.Text(FhirClaims.ToJson(FhirClaims.ToClaim(stored.Invoice, options.Value.Payer())), FhirJson);
            })
            .Produces(StatusCodes.Status200OK, contentType: FhirJson)
            .WithSummary("The invoice as a FHIR R4 Claim");
        group.MapGet("/fhir/claim-response", async Task<Results<ContentHttpResult, ProblemHttpResult>> (Guid id, RequestIdentity identity,
                NpgsqlDataSource db, IOptions<BillingOptions> options, CancellationToken ct) =>
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                if (await InvoiceStore.GetAsync(connection, null, identity.TenantId, id, ct) is not { } stored)
                    return Problems.NotFound($"Invoice {id} was not found.");
                if (await Adjudications.LatestAsync(connection, null, id, ct) is not { } decision)
                    return Problems.Conflict($"Invoice {stored.Invoice.Number} is pending: {stored.PendingReason} There is no decision to answer with yet.");
                var order = await PaymentOrders.FindAsync(connection, identity.TenantId, null, id, ct) is var (found, _)
                            && found.Status == PaymentStatuses.Paid ? found : null;
                return TypedResults.Text(FhirClaims.ToJson(FhirClaims.ToClaimResponse(stored.Invoice, decision, options.Value.Payer(), order)), FhirJson);
            })
            .Produces(StatusCodes.Status200OK, contentType: FhirJson)
            .WithSummary("The decision on the invoice as a FHIR R4 ClaimResponse (with the payment once it is paid)");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ClaimFormAsync(Guid id, RequestIdentity identity,
        NpgsqlDataSource db, IOptions<BillingOptions> options, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await InvoiceStore.GetAsync(connection, null, identity.TenantId, id, ct) is not { } stored)
            return Problems.NotFound($"Invoice {id} was not found.");
        var invoice = stored.Invoice;
        return invoice.Form switch
        {
            ClaimForms.Professional => TypedResults.File(Cms1500Pdf.Render(invoice, options.Value.Payer()), "application/pdf", $"CMS-1500 {invoice.Number}.pdf"),
            ClaimForms.Institutional => TypedResults.File(Ub04Pdf.Render(invoice, options.Value.Payer()), "application/pdf", $"UB-04 {invoice.Number}.pdf"),
            _ => Problems.Conflict($"Invoice {invoice.Number} is not a US professional or institutional claim: it has no CMS-1500 or UB-04."),
        };
    }
}
