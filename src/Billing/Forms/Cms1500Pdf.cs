using PdfSharp;
using PdfSharp.Drawing;
using Platform.Billing.Invoices;
using Platform.Pdf;

namespace Platform.Billing.Forms;

/// <summary>
/// A professional invoice's data laid out as the CMS-1500 (02/12) claim form, item by item with the form's numbers as
/// labels: not the red-ink form (which is printed on it by the clinic's software), but a page a person can check the
/// claim against. Six service lines a page, continued on further pages like the paper form; US Letter.
/// </summary>
public static class Cms1500Pdf
{
    public const int LinesPerPage = 6;

    // Item 24's columns (Letter: 540 points between the margins).
    private static readonly Column[] ServiceColumns =
    [
        new("24A. From", 50), new("24A. To", 50), new("24B. Place of service", 42), new("24C. EMG", 26),
        new("24D. CPT/HCPCS", 54), new("24D. Modifier", 54), new("24E. Diagnosis pointer", 48),
        new("24F. $ Charges", 66, AlignRight: true), new("24G. Days or units", 42, AlignRight: true), new("24J. Rendering provider NPI", 108),
    ];

    /// <param name="invoice">A professional invoice (<see cref="ClaimForms.Professional"/>); its biller is the billing and rendering provider.</param>
    /// <param name="payer">The payer the claim is addressed to (the form's carrier block and item 11c).</param>
    public static byte[] Render(Invoice invoice, Payer payer)
    {
        var pages = FormText.Pages(invoice.Lines, LinesPerPage);
        var title = $"CMS-1500 claim data {invoice.Number}";
        using var writer = new FormWriter(PageSize.Letter, title, $"CMS-1500 claim data · invoice {invoice.Number} · amounts in {invoice.Currency}");
        writer.ContinuedHeader($"CMS-1500 claim data · invoice {invoice.Number} · {FormText.LastFirst(invoice.Patient)} (continued)");
        for (var p = 0; p < pages.Count; p++)
        {
            writer.NewPage();
            Header(writer, invoice, payer, p + 1, pages.Count);
            writer.BeginTable(ServiceColumns);
            foreach (var line in pages[p]) ServiceLine(writer, invoice, line);
            writer.EndTable();
            writer.Y += 4;
            var last = p == pages.Count - 1;
            var total = last
                ? $"{FormText.Amount(invoice.Total)} {invoice.Currency}"
                : $"CONTINUED (this page {FormText.Amount(pages[p].Sum(l => l.Amount))})";
            writer.Boxes(
                new Box("25. Federal tax I.D. number (EIN)", invoice.Biller.TaxId, 1.2),
                new Box("26. Patient's account no.", invoice.Number, 1.2),
                new Box("27. Accept assignment?", "YES", 0.8),
                new Box("28. Total charge", total, 1.6, Emphasis: true));
            writer.Boxes(
                new Box("33. Billing provider info & ph #", $"{invoice.Biller.Name}\n{FormText.Address(invoice.Biller)}", 3),
                new Box("33a. NPI", invoice.Biller.Npi, 1, Emphasis: true),
                new Box("33b. Other ID (clinic code)", invoice.Biller.Code, 1));
        }
        return writer.Save();
    }

    private static void Header(FormWriter w, Invoice invoice, Payer payer, int page, int pages)
    {
        w.Paragraph("HEALTH INSURANCE CLAIM FORM · CMS-1500 (02/12) claim data", FormWriter.Title, spaceAfter: 0);
        w.Paragraph($"Claim page {page} of {pages} · the claim's data item by item (not the red-ink form) · amounts in {invoice.Currency}",
            FormWriter.Small, brush: FormWriter.LabelBrush, spaceAfter: 6);
        w.Boxes(
            new Box("Carrier (payer)", $"{payer.Name}, {FormText.Address(payer)}", 3),
            new Box("Payer ID", payer.Identifier, 1));
        var patient = invoice.Patient;
        w.Boxes(
            new Box("1. Type of coverage", "Other (travel medical insurance)", 1.4),
            new Box("1a. Insured's I.D. number", patient.PolicyNumber, 1.6, Emphasis: true),
            new Box("Case number", invoice.CaseNumber, 1));
        w.Boxes(
            new Box("2. Patient's name (last name, first name)", FormText.LastFirst(patient), 1.6, Emphasis: true),
            new Box("3. Patient's birth date (MM/DD/YYYY), sex", $"{FormText.UsDate(patient.DateOfBirth)}   {FormText.Sex(patient.Sex)}", 1.2),
            new Box("4. Insured's name (last name, first name)", FormText.LastFirst(patient), 1.6));
        w.Boxes(
            new Box("6. Patient relationship to insured", "Self", 1),
            new Box("11. Insured's policy group or FECA number", patient.PolicyNumber, 1.3),
            new Box("11c. Insurance plan name or program name", payer.Name, 1.7));
        w.Boxes(
            new Box("21. Diagnosis or nature of illness or injury (relate A–L to service line below, 24E) · ICD Ind. 0 (ICD-10-CM)",
                Diagnoses(invoice.Diagnoses), 3),
            new Box("23. Prior authorization number", invoice.GuaranteeNumber, 1.2, Emphasis: true));
        w.Y += 4;
    }

    private static string Diagnoses(IReadOnlyList<string> diagnoses) =>
        diagnoses.Count == 0 ? "—" : string.Join("    ", diagnoses.Select((d, i) => $"{FormText.DiagnosisLetter(i + 1)}. {d}"));

    private static void ServiceLine(FormWriter w, Invoice invoice, InvoiceLine line)
    {
        var (code, modifiers) = FormText.Procedure(line.ServiceCode);
        var description = $"Line {line.Number}: {line.Description}".TrimEnd(' ', ':');
        var cells = new string?[]
        {
            FormText.UsDate(line.ServiceDate), FormText.UsDate(line.ServiceDate), invoice.FacilityCode, "", code, modifiers,
            string.Concat(line.DiagnosisPointers.Select(FormText.DiagnosisLetter)), FormText.Amount(line.Amount),
            FormText.Quantity(line.Quantity), invoice.Biller.Npi,
        };
        // The shaded part of the line holds the supplemental information: here the service's description.
        w.KeepTogether(w.SpanHeight(description) + w.RowHeight(cells));
        w.SpanRow(description, shaded: true);
        w.Row(cells);
    }
}
