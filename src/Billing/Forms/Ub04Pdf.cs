using PdfSharp;
using Platform.Billing.Invoices;
using Platform.Pdf;

namespace Platform.Billing.Forms;

/// <summary>
/// An institutional invoice's data laid out as the UB-04 (CMS-1450) claim form, form locator by form locator with the
/// FL numbers as labels: not the red-ink form, but a page a person can check the claim against. 22 service lines a
/// page, the 23rd line of the last page carrying the total (revenue code 0001) like the paper form; US Letter.
/// </summary>
public static class Ub04Pdf
{
    public const int LinesPerPage = 22;

    private static readonly Column[] ServiceColumns =
    [
        new("42. Rev. cd.", 40), new("43. Description", 184), new("44. HCPCS / rate / HIPPS code", 72),
        new("45. Serv. date", 56), new("46. Serv. units", 42, AlignRight: true), new("47. Total charges", 74, AlignRight: true),
        new("48. Non-covered charges", 72, AlignRight: true),
    ];

    /// <param name="invoice">An institutional invoice (<see cref="ClaimForms.Institutional"/>); <c>FacilityCode</c> is its type of bill.</param>
    /// <param name="payer">The payer the claim is addressed to (FL 50, 51).</param>
    public static byte[] Render(Invoice invoice, Payer payer)
    {
        var pages = FormText.Pages(invoice.Lines, LinesPerPage);
        using var writer = new FormWriter(PageSize.Letter, $"UB-04 claim data {invoice.Number}",
            $"UB-04 claim data · invoice {invoice.Number} · amounts in {invoice.Currency}");
        writer.ContinuedHeader($"UB-04 claim data · invoice {invoice.Number} · {FormText.LastFirst(invoice.Patient)} (continued)");
        for (var p = 0; p < pages.Count; p++)
        {
            writer.NewPage();
            Header(writer, invoice, p + 1, pages.Count);
            writer.BeginTable(ServiceColumns);
            foreach (var line in pages[p])
            {
                writer.Row([
                    line.RevenueCode, line.Description, Hcpcs(line), FormText.UsDate(line.ServiceDate), FormText.Quantity(line.Quantity),
                    FormText.Amount(line.Amount), "",
                ]);
            }
            var last = p == pages.Count - 1;
            writer.Row([
                last ? "0001" : "", $"PAGE {p + 1} OF {pages.Count}{(last ? " · TOTAL" : " · CONTINUED")}", "", "", "",
                last ? FormText.Amount(invoice.Total) : $"this page {FormText.Amount(pages[p].Sum(l => l.Amount))}", "",
            ], FormWriter.SmallBold, shaded: true);
            writer.EndTable();
            writer.Y += 4;
            Footer(writer, invoice, payer);
        }
        return writer.Save();
    }

    // FL 44: the HCPCS code and its modifiers; for a line billed by a rate (accommodation, no code) the rate.
    private static string Hcpcs(InvoiceLine line)
    {
        var (code, modifiers) = FormText.Procedure(line.ServiceCode);
        if (line.CodeSystem is CodeSystems.Cpt or CodeSystems.Hcpcs && code.Length > 0) return $"{code} {modifiers}".Trim();
        return code.Length > 0 ? $"{code} (rate {FormText.Amount(line.UnitPrice)})" : $"rate {FormText.Amount(line.UnitPrice)}";
    }

    private static void Header(FormWriter w, Invoice invoice, int page, int pages)
    {
        w.Paragraph("UB-04 (CMS-1450) claim data · institutional", FormWriter.Title, spaceAfter: 0);
        w.Paragraph($"Claim page {page} of {pages} · the claim's data form locator by form locator (not the red-ink form) · amounts in {invoice.Currency}",
            FormWriter.Small, brush: FormWriter.LabelBrush, spaceAfter: 6);
        var biller = invoice.Biller;
        w.Boxes(
            new Box("1. Billing provider name, address", $"{biller.Name}\n{FormText.Address(biller)}", 3, Emphasis: true),
            new Box("3a. Pat. cntl #", invoice.Number, 1.1),
            new Box("4. Type of bill", invoice.FacilityCode, 0.8, Emphasis: true));
        w.Boxes(
            new Box("5. Fed. tax no.", biller.TaxId, 1),
            new Box("6. Statement covers period (from – through)", $"{FormText.UsDate(invoice.ServiceFrom)} – {FormText.UsDate(invoice.ServiceTo)}", 1.6),
            new Box("Case number", invoice.CaseNumber, 1));
        var patient = invoice.Patient;
        w.Boxes(
            new Box("8. Patient name (last, first)", FormText.LastFirst(patient), 1.6, Emphasis: true),
            new Box("9. Patient address", "not on the invoice", 1.2),
            new Box("10. Birthdate", FormText.UsDate(patient.DateOfBirth), 0.8),
            new Box("11. Sex", FormText.Sex(patient.Sex), 0.6));
        w.Y += 4;
    }

    private static void Footer(FormWriter w, Invoice invoice, Payer payer)
    {
        var patient = invoice.Patient;
        w.Boxes(
            new Box("50. Payer name", payer.Name, 2),
            new Box("51. Health plan ID", payer.Identifier, 1),
            new Box("56. NPI", invoice.Biller.Npi, 1.2, Emphasis: true));
        w.Boxes(
            new Box("58. Insured's name", FormText.LastFirst(patient), 1.6),
            new Box("59. P. rel", "18 (self)", 0.6),
            new Box("60. Insured's unique ID", patient.PolicyNumber, 1.4, Emphasis: true),
            new Box("63. Treatment authorization codes", invoice.GuaranteeNumber, 1.6, Emphasis: true));
        var others = invoice.Diagnoses.Skip(1).Select((d, i) => $"{FormText.DiagnosisLetter(i + 1)}. {d}").ToList();
        w.Boxes(
            new Box("66. DX (version qualifier)", "0 (ICD-10-CM)", 0.9),
            new Box("67. Principal diagnosis code", invoice.Diagnoses.Count > 0 ? invoice.Diagnoses[0] : "—", 1, Emphasis: true),
            new Box("67A–67Q. Other diagnosis codes", others.Count == 0 ? "—" : string.Join("    ", others), 3));
    }
}
