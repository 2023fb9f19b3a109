using Platform.Billing.Forms;

namespace Platform.Billing.Tests.Forms;

public sealed class Cms1500PdfTests
{
    [Fact]
    public void Item_23_shows_the_guarantee_number_and_24F_each_lines_charge()
    {
        var invoice = Samples.Professional(4);

        var text = Samples.Text(Cms1500Pdf.Render(invoice, Samples.Payer));

        Assert.Contains("23. Prior authorization number GOP-2025-0042-1", text);
        Assert.Contains("24F. $ Charges", text);
        foreach (var line in invoice.Lines)
            Assert.Contains($"07/0{line.ServiceDate.Day}/2025 07/0{line.ServiceDate.Day}/2025 21 {line.ServiceCode.Split(':')[0]}", text);
        Assert.Contains("07/02/2025 07/02/2025 21 71046 BC 202.00 2 1234567893", text);
        Assert.Contains("07/04/2025 07/04/2025 21 99213 25 BC 206.00 2 1234567893", text);
        Assert.Contains("28. Total charge 614.00 USD", text);
    }

    [Fact]
    public void The_patient_insured_diagnosis_and_billing_provider_items_carry_the_invoice_values()
    {
        var text = Samples.Text(Cms1500Pdf.Render(Samples.Professional(2), Samples.Payer));

        Assert.Contains("1a. Insured's I.D. number POL-2025-000123", text);
        Assert.Contains("2. Patient's name (last name, first name) IVANOVA, MARIA", text);
        Assert.Contains("03/07/1984 F", text);
        Assert.Contains("4. Insured's name (last name, first name) IVANOVA, MARIA", text);
        Assert.Contains("11c. Insurance plan name or program name Global Assist LLC", text);
        Assert.Contains("ICD Ind. 0", text);
        Assert.Contains("A. J189 B. R509 C. E860 D. I10", text);
        Assert.Contains("33. Billing provider info & ph # Mercy Beach Medical Group 2500 Ocean Drive, Miami Beach, FL 33139, US", text);
        Assert.Contains("33a. NPI 1234567893", text);
    }

    [Fact]
    public void A_40_line_claim_takes_seven_pages_of_six_lines_and_loses_none()
    {
        var invoice = Samples.Professional(40);

        var pages = Samples.Pages(Cms1500Pdf.Render(invoice, Samples.Payer));

        Assert.Equal(7, pages.Count);
        for (var n = 1; n <= 40; n++)
        {
            var page = pages[(n - 1) / 6];
            Assert.Contains($"Line {n}: Service {n}: office visit or imaging", page);
        }
        Assert.All(pages, p => Assert.Contains("23. Prior authorization number GOP-2025-0042-1", p));
        Assert.Contains("Claim page 7 of 7", pages[6]);
        Assert.Contains("CONTINUED", pages[0]);
        Assert.Contains("28. Total charge 7,220.00 USD", pages[6]);
    }

    [Fact]
    public void Long_descriptions_wrap_on_the_page_without_losing_a_word()
    {
        var invoice = Samples.Professional(40, n => $"Start{n} " + string.Join(' ', Enumerable.Repeat("extended consultation with review of outside imaging", n % 4 == 0 ? 12 : 2)) + $" End{n}");

        var pdf = Cms1500Pdf.Render(invoice, Samples.Payer);
        var text = Samples.Text(pdf);

        Assert.True(Samples.EverythingInsidePages(pdf));
        foreach (var line in invoice.Lines) Assert.Contains(Samples.Normal($"Line {line.Number}: {line.Description}"), text);
    }
}
