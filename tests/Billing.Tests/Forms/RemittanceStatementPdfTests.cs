using Platform.Billing.Decisions;
using Platform.Billing.Forms;
using Platform.Billing.Invoices;

namespace Platform.Billing.Tests.Forms;

// The record, not the namespace Platform.Billing.Decisions (which this namespace would find first).

public sealed class RemittanceStatementPdfTests
{
    private static Remittance Remittance(params RemittanceClaim[] claims) => new(
        Samples.Payer, Samples.UsClinic, "TRN-2025-000917", "ACH", new DateOnly(2025, 7, 20),
        claims.Sum(c => c.Adjudication.Approved), "USD", claims);

    private static RemittanceClaim Claim(Invoice invoice) => new(invoice, Samples.Adjudicate(invoice, ReasonTexts.Known));

    [Fact]
    public void In_Russian_shows_every_adjustment_code_with_its_Russian_explanation()
    {
        var claim = Claim(Samples.Professional(ReasonTexts.Known.Count));

        var text = Samples.Text(RemittanceStatementPdf.Render(Remittance(claim), "ru"));

        Assert.Contains("Выписка об оплате", text);
        foreach (var adjustment in claim.Adjudication.Lines.SelectMany(l => l.Adjustments))
            Assert.Contains(Samples.Normal(ReasonTexts.Explain(adjustment, "ru", "USD")), text);
        Assert.Contains("одобрено частично", text);
    }

    [Fact]
    public void Shows_the_payment_the_parties_and_per_line_billed_allowed_paid_and_patient_amounts()
    {
        var claim = Claim(Samples.Professional(3));

        var text = Samples.Text(RemittanceStatementPdf.Render(Remittance(claim), "en"));

        Assert.Contains("Payer Global Assist LLC (GA-7781)", text);
        Assert.Contains("Payee Mercy Beach Medical Group, NPI 1234567893", text);
        Assert.Contains("Payment reference TRN-2025-000917", text);
        Assert.Contains("Payment method bank transfer (ACH)", text);
        Assert.Contains("Payment date 20 Jul 2025", text);
        Assert.Contains("Invoice INV-88120 · IVANOVA MARIA", text);
        // Line 1 (202.00): CO-45 of 50.50, so 151.50 allowed and paid; line 2 (102.00): CO-18 of 25.50.
        Assert.Contains("1 71046 Service 1: office visit or imaging 2 Jul 2025 202.00 151.50 151.50 0.00 reduced", text);
        Assert.Contains("2 71047 Service 2: office visit or imaging 3 Jul 2025 102.00 76.50 76.50 0.00 reduced", text);
        Assert.Contains(ReasonTexts.Explain(new Adjustment("CO", "45", 50.5m), "en", "USD"), text);
        Assert.Contains($"Invoice total {claim.Adjudication.Billed.ToString("N2", System.Globalization.CultureInfo.InvariantCulture)} ", text);
        Assert.Contains("Amount of this payment", text);
    }

    [Fact]
    public void A_returned_invoice_shows_why_it_was_returned()
    {
        var invoice = Samples.Professional(2);
        var returned = new Adjudication(invoice.Id, 1, AdjudicationStatuses.Returned, "The medical report is missing.", invoice.Total, 0, 0, 0,
            "EUR", 0.92m, null, 0, [], DateTimeOffset.UnixEpoch, "rules");

        var text = Samples.Text(RemittanceStatementPdf.Render(Remittance(new RemittanceClaim(invoice, returned), Claim(Samples.Institutional(2))), "en"));

        Assert.Contains("Returned for correction The medical report is missing.", text);
        Assert.Contains("(CO-16)", text);
        Assert.Contains("Room and board, semi-private", text);
    }

    [Fact]
    public void A_long_statement_runs_over_pages_without_losing_a_line_or_an_explanation()
    {
        var claim = Claim(Samples.Professional(40, n => $"Service {n} " + string.Join(' ', Enumerable.Repeat("with an extended description of what was done", n % 5 == 0 ? 8 : 1))));

        var pdf = RemittanceStatementPdf.Render(Remittance(claim, Claim(Samples.Institutional(5))), "ru");
        var text = Samples.Text(pdf);

        Assert.True(Samples.Pages(pdf).Count > 2);
        Assert.True(Samples.EverythingInsidePages(pdf));
        foreach (var line in claim.Invoice.Lines) Assert.Contains(Samples.Normal(line.Description!), text);
        var explanations = claim.Adjudication.Lines.SelectMany(l => l.Adjustments).Select(a => Samples.Normal(ReasonTexts.Explain(a, "ru", "USD")));
        Assert.All(explanations, e => Assert.Contains(e, text));
    }
}
