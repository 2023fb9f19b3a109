using Platform.Billing.Invoices;
using Platform.Billing.X12;

namespace Platform.Billing.Tests.X12;

public class Remittance835Tests
{
    private static readonly X12Contact PayerContact = new("EDI SUPPORT", "617-555-0123", "edi@acme.example");

    /// <summary>Line 1 reduced to the fee schedule with a co-payment, line 2 paid in full, line 3 rejected as not covered.</summary>
    private static Adjudication Decide(Invoice invoice)
    {
        LineDecision[] lines =
        [
            new(1, LineOutcomes.Reduced, 180m, 150m, 130m, 20m, [new("CO", "45", 30m), new("PR", "3", 20m)], null),
            new(2, LineOutcomes.Approved, 35.5m, 35.5m, 35.5m, 0m, [], null),
            new(3, LineOutcomes.Rejected, 50m, 0m, 0m, 0m, [new("CO", "96", 50m)], null),
        ];
        return Adjudication(invoice, lines);
    }

    private static Adjudication Adjudication(Invoice invoice, LineDecision[] lines) => new(
        invoice.Id, 1, AdjudicationStatuses.Adjudicated, null, invoice.Total, lines.Sum(l => l.Paid), lines.Sum(l => l.PatientPays),
        lines.Sum(l => l.Billed - l.Paid - l.PatientPays), "EUR", 0.92m, new DateOnly(2026, 3, 10), lines.Sum(l => l.Paid) * 0.92m, lines,
        new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero), "adjudicator@acme");

    private static PaymentOrder Payment(Invoice invoice, decimal amount, string method = "ACH") => new(
        Guid.CreateVersion7(), invoice.Id, InvoiceKinds.Clinic, invoice.Biller.Name, "021000021/123456789", amount, invoice.Currency,
        PaymentStatuses.Pending, "ACME-PAY-000017", method, new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero), new DateOnly(2026, 3, 13));

    private static string WriteOne(Invoice invoice, Adjudication adjudication, PaymentOrder? payment = null) =>
        Remittance835.Write(payment ?? Payment(invoice, adjudication.Lines.Sum(l => l.Paid)), [new RemittanceClaim(invoice, adjudication)],
            X12Samples.Payer, PayerContact, X12Samples.Control);

    private static decimal Number(string value) => decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    private static decimal CasTotal(X12Segment cas)
    {
        var sum = 0m;
        for (var n = 3; n <= cas.Count; n += 3) sum += Number(cas[n]);
        return sum;
    }

    [Fact]
    public void Each_service_line_balances_its_charge_less_its_adjustments_to_what_it_pays()
    {
        var invoice = X12Samples.ProfessionalInvoice();
        var segments = X12Samples.Segments(WriteOne(invoice, Decide(invoice)));

        var svcs = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].Id != "SVC") continue;
            svcs++;
            var adjustments = segments.Skip(i + 1).TakeWhile(s => s.Id is not ("SVC" or "CLP" or "SE")).Where(s => s.Id == "CAS").Sum(CasTotal);
            Assert.Equal(Number(segments[i][3]), Number(segments[i][2]) - adjustments);
        }
        Assert.Equal(3, svcs);
        Assert.Contains(segments, s => s.ToString() == "SVC*HC:99204*180*130**1");
        Assert.Contains(segments, s => s.ToString() == "CAS*CO*45*30");
        Assert.Contains(segments, s => s.ToString() == "CAS*PR*3*20");
        Assert.Contains(segments, s => s.ToString() == "AMT*B6*150");
    }

    [Fact]
    public void Each_claim_balances_its_charge_less_claim_and_line_adjustments_to_what_it_pays()
    {
        var invoice = X12Samples.ProfessionalInvoice();
        var segments = X12Samples.Segments(WriteOne(invoice, Decide(invoice)));

        var clp = segments.Single(s => s.Id == "CLP");
        var adjustments = segments.SkipWhile(s => s.Id != "CLP").Where(s => s.Id == "CAS").Sum(CasTotal);
        Assert.Equal(Number(clp[4]), Number(clp[3]) - adjustments);
        Assert.Equal($"CLP*INV-2001*1*265.5*165.5*20*15*{invoice.Id}*11*1", clp.ToString());
    }

    [Fact]
    public void The_payment_is_the_sum_of_what_its_claims_pay()
    {
        var first = X12Samples.ProfessionalInvoice();
        var second = X12Samples.ProfessionalInvoice() with { Number = "INV-2002" };
        var claims = new[] { new RemittanceClaim(first, Decide(first)), new RemittanceClaim(second, Decide(second)) };

        var text = Remittance835.Write(Payment(first, 331m), claims, X12Samples.Payer, PayerContact, X12Samples.Control);

        var segments = X12Samples.Segments(text);
        var bpr = segments.Single(s => s.Id == "BPR");
        Assert.Equal(segments.Where(s => s.Id == "CLP").Sum(s => Number(s[4])), Number(bpr[2]));
        Assert.Equal(("I", "331", "C", "ACH", "20260313"), (bpr[1], bpr[2], bpr[3], bpr[4], bpr[16]));
        Assert.Equal("TRN*1*ACME-PAY-000017*1591112222", segments.Single(s => s.Id == "TRN").ToString());
        Assert.Equal("N1*PE*MIAMI BEACH URGENT CARE*XX*1234567893", segments.Single(s => s.Id == "N1" && s[1] == "PE").ToString());
    }

    [Fact]
    public void A_payment_that_differs_from_what_its_claims_pay_is_refused_naming_BPR02()
    {
        var invoice = X12Samples.ProfessionalInvoice();

        var refusal = Assert.Throws<X12WriteException>(() => WriteOne(invoice, Decide(invoice), Payment(invoice, 170m)));

        Assert.StartsWith("BPR02", Assert.Single(refusal.Problems));
    }

    [Fact]
    public void A_line_whose_adjustments_do_not_explain_the_difference_is_refused_naming_SVC03()
    {
        var invoice = X12Samples.ProfessionalInvoice();
        var decided = Decide(invoice);
        var adjudication = decided with { Lines = [decided.Lines[0] with { Adjustments = [new("CO", "45", 25m), new("PR", "3", 20m)] }, decided.Lines[1], decided.Lines[2]] };

        var refusal = Assert.Throws<X12WriteException>(() => WriteOne(invoice, adjudication));

        Assert.Contains(refusal.Problems, p => p.StartsWith("SVC03 (claim INV-2001 line 1)", StringComparison.Ordinal));
        Assert.Contains(refusal.Problems, p => p.StartsWith("CLP04 (claim INV-2001)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_claim_whose_adjudication_approves_other_than_its_lines_pay_is_refused_naming_CLP04()
    {
        var invoice = X12Samples.ProfessionalInvoice();
        var adjudication = Decide(invoice) with { Approved = 200m };

        var refusal = Assert.Throws<X12WriteException>(() => WriteOne(invoice, adjudication));

        Assert.Contains("approves 200.00 but its lines pay 165.50", Assert.Single(refusal.Problems));
    }

    [Fact]
    public void A_claim_that_pays_nothing_is_denied_and_the_payment_is_a_notice_without_funds()
    {
        var invoice = X12Samples.ProfessionalInvoice();
        var adjudication = Adjudication(invoice, [.. invoice.Lines.Select(l => new LineDecision(l.Number, LineOutcomes.Rejected, l.Amount, 0m, 0m, 0m, [new("CO", "27", l.Amount)], null))]);

        var segments = X12Samples.Segments(WriteOne(invoice, adjudication));

        Assert.Equal("BPR*H*0*C*NON************20260313", segments.Single(s => s.Id == "BPR").ToString());
        Assert.Equal("4", segments.Single(s => s.Id == "CLP")[2]);
    }

    [Fact]
    public void More_than_six_reasons_of_one_group_take_a_second_CAS_segment()
    {
        var invoice = X12Samples.ProfessionalInvoice();
        var decided = Decide(invoice);
        Adjustment[] seven = [.. new[] { "45", "96", "18", "27", "26", "119", "B7" }.Select(r => new Adjustment("CO", r, 10m)), new("PR", "1", 10m)];
        var adjudication = decided with { Lines = [decided.Lines[0] with { Paid = 100m, Adjustments = seven }, decided.Lines[1], decided.Lines[2]], Approved = 135.5m };

        var segments = X12Samples.Segments(WriteOne(invoice, adjudication));

        var cas = segments.Where(s => s.Id == "CAS").Select(s => s.ToString()).ToList();
        Assert.Equal("CAS*CO*45*10**96*10**18*10**27*10**26*10**119*10", cas[0]);
        Assert.Equal("CAS*CO*B7*10", cas[1]);
        Assert.Equal("CAS*PR*1*10", cas[2]);
    }

    [Fact]
    public void A_payee_without_an_NPI_is_identified_by_its_tax_id_and_one_with_neither_is_refused_naming_N104()
    {
        var invoice = X12Samples.ProfessionalInvoice() with { Biller = X12Samples.Clinic with { Npi = null } };
        var segments = X12Samples.Segments(WriteOne(invoice, Decide(invoice)));
        Assert.Equal("N1*PE*MIAMI BEACH URGENT CARE*FI*591234567", segments.Single(s => s.Id == "N1" && s[1] == "PE").ToString());

        var abroad = invoice with { Biller = invoice.Biller with { TaxId = null, Country = "TR" } };
        var refusal = Assert.Throws<X12WriteException>(() => WriteOne(abroad, Decide(abroad)));
        Assert.StartsWith("1000B N104", Assert.Single(refusal.Problems));
    }

    [Fact]
    public void An_institutional_claim_reports_revenue_codes_and_lines_billed_by_revenue_code_alone()
    {
        var invoice = X12Samples.InstitutionalInvoice();
        var adjudication = Adjudication(invoice, [.. invoice.Lines.Select(l => new LineDecision(l.Number, LineOutcomes.Approved, l.Amount, l.Amount, l.Amount, 0m, [], null))]);

        var segments = X12Samples.Segments(WriteOne(invoice, adjudication));

        Assert.Equal(["SVC*NU:0120*4500*4500**3", "SVC*HC:44970*2100*2100*0360*1", "SVC*HC:J2405*330*330*0250*6"],
            segments.Where(s => s.Id == "SVC").Select(s => s.ToString()));
        Assert.Equal("11", segments.Single(s => s.Id == "CLP")[8]);
    }

    [Fact]
    public void A_returned_invoice_has_nothing_to_remit()
    {
        var invoice = X12Samples.ProfessionalInvoice();
        var returned = Decide(invoice) with { Status = AdjudicationStatuses.Returned };

        var refusal = Assert.Throws<X12WriteException>(() => WriteOne(invoice, returned));

        Assert.Contains(refusal.Problems, p => p.Contains("returned, not adjudicated"));
    }

    [Fact]
    public void The_835_leaves_ST03_out_as_its_guide_marks_it_not_used_and_counts_its_segments_in_SE01()
    {
        var invoice = X12Samples.ProfessionalInvoice();
        var text = WriteOne(invoice, Decide(invoice));

        var segments = X12Samples.Segments(text);

        Assert.Equal("ST*835*0001", segments[0].ToString());
        Assert.Equal(segments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), segments[^1][1]);
        Assert.Equal("005010X221A1", X12Reader.Read(text).Interchange!.Groups[0].Version);
    }
}
