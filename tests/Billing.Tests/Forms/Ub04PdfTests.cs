using Platform.Billing.Forms;

namespace Platform.Billing.Tests.Forms;

public sealed class Ub04PdfTests
{
    [Fact]
    public void FL_63_shows_the_guarantee_number_and_FL_67_the_principal_and_other_diagnoses()
    {
        var text = Samples.Text(Ub04Pdf.Render(Samples.Institutional(3), Samples.Payer));

        Assert.Contains("63. Treatment authorization codes GOP-2025-0042-1", text);
        Assert.Contains("67. Principal diagnosis code J189", text);
        Assert.Contains("67A–67Q. Other diagnosis codes A. R509 B. E860 C. I10", text);
        Assert.Contains("60. Insured's unique ID POL-2025-000123", text);
        Assert.Contains("56. NPI 1234567893", text);
    }

    [Fact]
    public void The_header_locators_carry_the_provider_bill_type_period_and_patient()
    {
        var text = Samples.Text(Ub04Pdf.Render(Samples.Institutional(3), Samples.Payer));

        Assert.Contains("1. Billing provider name, address Mercy Beach Medical Group", text);
        Assert.Contains("4. Type of bill 0111", text);
        Assert.Contains("07/01/2025 – 07/10/2025", text);
        Assert.Contains("8. Patient name (last, first) IVANOVA, MARIA", text);
        Assert.Contains("10. Birthdate 03/07/1984", text);
    }

    [Fact]
    public void Each_line_shows_revenue_code_description_code_or_rate_date_units_and_charges()
    {
        var text = Samples.Text(Ub04Pdf.Render(Samples.Institutional(3), Samples.Payer));

        Assert.Contains("0120 Room and board, semi-private rate 1,200.00 07/02/2025 3 3,600.00", text);
        Assert.Contains("0302 Laboratory test 2 85002 07/03/2025 1 42.00", text);
        Assert.Contains("0001 PAGE 1 OF 1 · TOTAL 3,685.00", text);
    }

    [Fact]
    public void Forty_five_lines_take_three_pages_of_22_with_the_total_on_the_last()
    {
        var invoice = Samples.Institutional(45, n => $"Item {n} " + string.Join(' ', Enumerable.Repeat("comprehensive metabolic panel", n % 7 == 0 ? 10 : 1)));

        var pdf = Ub04Pdf.Render(invoice, Samples.Payer);
        var pages = Samples.Pages(pdf);

        Assert.True(pages.Count >= 3);
        Assert.True(Samples.EverythingInsidePages(pdf));
        var text = string.Join("\n", pages);
        foreach (var line in invoice.Lines) Assert.Contains(Samples.Normal(line.Description!), text);
        Assert.Contains("PAGE 1 OF 3 · CONTINUED", text);
        Assert.Contains($"0001 PAGE 3 OF 3 · TOTAL {invoice.Total.ToString("N2", System.Globalization.CultureInfo.InvariantCulture)}", Samples.Normal(text));
        Assert.Contains("Item 23 ", pages.Single(p => p.Contains("Claim page 2 of 3", StringComparison.Ordinal) && p.Contains("Item 23 ", StringComparison.Ordinal)));
    }
}
