using Platform.Billing.Invoices;
using Platform.Billing.X12;

namespace Platform.Billing.Tests.X12;

public class Claim837WriteTests
{
    [Fact]
    public void A_professional_invoice_written_as_an_837P_reads_back_as_the_same_invoice()
    {
        var invoice = X12Samples.ProfessionalInvoice();

        var text = Claim837.Write(invoice, X12Samples.Parties, X12Samples.Control);
        var result = X12Samples.Parse(text);

        Assert.True(result.Ok, string.Join("\n", result.Errors) + "\n" + text);
        AssertSameClaim(invoice, Assert.Single(result.Invoices), "x12-837p");
        Assert.Equal("005010X222A1", X12Reader.Read(text).Interchange!.Groups[0].Version);
    }

    [Fact]
    public void An_institutional_invoice_written_as_an_837I_reads_back_as_the_same_invoice()
    {
        var invoice = X12Samples.InstitutionalInvoice();

        var text = Claim837.Write(invoice, X12Samples.Parties, X12Samples.Control);
        var result = X12Samples.Parse(text);

        Assert.True(result.Ok, string.Join("\n", result.Errors) + "\n" + text);
        AssertSameClaim(invoice, Assert.Single(result.Invoices), "x12-837i");
        var segments = X12Samples.Segments(text);
        Assert.Contains(segments, s => s.ToString() == "SV2*0120**4500*UN*3");
        Assert.Contains(segments, s => s.ToString() == "DTP*435*D8*20260305");
    }

    [Fact]
    public void Every_claim_of_both_samples_survives_a_round_trip()
    {
        foreach (var sample in new[] { X12Samples.Professional, X12Samples.Institutional })
        {
            var parsed = X12Samples.Parse(sample).Invoices;
            foreach (var invoice in parsed)
            {
                var again = X12Samples.Parse(Claim837.Write(invoice, X12Samples.Parties, X12Samples.Control));
                Assert.True(again.Ok, string.Join("\n", again.Errors));
                AssertSameClaim(invoice, Assert.Single(again.Invoices), invoice.Source);
            }
        }
    }

    [Fact]
    public void Several_invoices_go_in_one_transaction_set_each_under_its_billing_provider()
    {
        var invoices = new[] { X12Samples.ProfessionalInvoice(), X12Samples.ProfessionalInvoice() with { Number = "INV-2002" } };

        var text = Claim837.Write(invoices, X12Samples.Parties, X12Samples.Control);

        Assert.Equal(["INV-2001", "INV-2002"], X12Samples.Parse(text).Invoices.Select(i => i.Number));
        Assert.Equal(4, X12Samples.Segments(text).Count(s => s.Id == "HL"));
    }

    [Fact]
    public void An_invoice_in_another_currency_carries_a_CUR_segment_and_keeps_its_currency()
    {
        var text = Claim837.Write(X12Samples.ProfessionalInvoice("EUR"), X12Samples.Parties, X12Samples.Control);

        Assert.Contains(X12Samples.Segments(text), s => s.ToString() == "CUR*85*EUR");
        Assert.Equal("EUR", Assert.Single(X12Samples.Parse(text).Invoices).Currency);
    }

    [Fact]
    public void A_billing_provider_without_an_NPI_cannot_be_written_and_the_refusal_names_NM109()
    {
        var invoice = X12Samples.ProfessionalInvoice() with { Biller = X12Samples.Clinic with { Npi = null } };

        var refusal = Assert.Throws<X12WriteException>(() => Claim837.Write(invoice, X12Samples.Parties, X12Samples.Control));

        Assert.Contains(refusal.Problems, p => p.StartsWith("2010AA NM109", StringComparison.Ordinal));
    }

    [Fact]
    public void Values_with_a_delimiter_or_outside_ASCII_and_price_list_codes_are_refused_all_at_once()
    {
        var invoice = X12Samples.ProfessionalInvoice() with
        {
            Number = "INV*1",
            Patient = new Patient("ИВАНОВА", "MARIA", new DateOnly(1985, 4, 12), "F", "POL-1"),
        };
        invoice = invoice with { Lines = [invoice.Lines[0] with { ServiceCode = "CONS-1", CodeSystem = CodeSystems.PriceList }] };
        invoice = invoice with { };

        var refusal = Assert.Throws<X12WriteException>(() => Claim837.Write(invoice, X12Samples.Parties, X12Samples.Control));

        Assert.Contains(refusal.Problems, p => p.StartsWith("CLM01", StringComparison.Ordinal));
        Assert.Contains(refusal.Problems, p => p.StartsWith("2010BA NM103", StringComparison.Ordinal));
        Assert.Contains(refusal.Problems, p => p.StartsWith("SV101-2", StringComparison.Ordinal));
    }

    private static void AssertSameClaim(Invoice expected, Invoice actual, string source)
    {
        Assert.Equal(source, actual.Source);
        Assert.Equal((expected.Form, expected.Number, expected.CaseNumber, expected.GuaranteeNumber, expected.Currency, expected.FacilityCode),
            (actual.Form, actual.Number, actual.CaseNumber, actual.GuaranteeNumber, actual.Currency, actual.FacilityCode));
        Assert.Equal(expected.Patient, actual.Patient);
        Assert.Equal(expected.Biller with { Code = null, TaxId = expected.Biller.TaxId?.Replace("-", "") }, actual.Biller);
        Assert.Equal((expected.ServiceFrom, expected.ServiceTo), (actual.ServiceFrom, actual.ServiceTo));
        Assert.Equal(expected.Diagnoses, actual.Diagnoses);
        Assert.Equal(expected.Lines.Count, actual.Lines.Count);
        foreach (var (e, a) in expected.Lines.Zip(actual.Lines))
        {
            Assert.Equal(e with { DiagnosisPointers = [], Description = null }, a with { DiagnosisPointers = [] });
            Assert.Equal(e.DiagnosisPointers, a.DiagnosisPointers);
        }
    }
}
