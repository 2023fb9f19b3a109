using Platform.Billing.Invoices;
using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace Platform.Billing.Tests.Forms;

// The record, not the namespace Platform.Billing.Decisions (which this namespace would find first).

/// <summary>Invoices, adjudications and payers the form tests render, and reading a PDF's text back.</summary>
internal static class Samples
{
    public static readonly Payer Payer = new("Global Assist LLC", "GA-7781", "100 Main Street, Suite 400", "Miami", "FL", "33131", "US");

    public static readonly Party UsClinic = new(
        "Mercy Beach Medical Group", "mbmg", "1234567893", "59-1234567", "2500 Ocean Drive", "Miami Beach", "FL", "33139", "US");

    public static readonly Patient Patient = new("IVANOVA", "MARIA", new DateOnly(1984, 3, 7), "F", "POL-2025-000123");

    public static Invoice Professional(int lineCount = 3, Func<int, string>? description = null) => Build(
        ClaimForms.Professional, "21", lineCount,
        n => new InvoiceLine(n, n % 3 == 0 ? "99213:25" : $"{71045 + n % 5}", CodeSystems.Cpt, null,
            description?.Invoke(n) ?? $"Service {n}: office visit or imaging",
            new DateOnly(2025, 7, 1).AddDays(n % 10), n % 2 + 1, 100m + n, (n % 2 + 1) * (100m + n), [1 + n % 2, 3], "medical-expenses"));

    public static Invoice Institutional(int lineCount = 3, Func<int, string>? description = null) => Build(
        ClaimForms.Institutional, "0111", lineCount,
        n => new InvoiceLine(n, n == 1 ? "" : $"8{5000 + n}", n == 1 ? CodeSystems.PriceList : CodeSystems.Hcpcs, n == 1 ? "0120" : $"0{300 + n % 50}",
            description?.Invoke(n) ?? (n == 1 ? "Room and board, semi-private" : $"Laboratory test {n}"),
            new DateOnly(2025, 7, 1).AddDays(n % 5), n == 1 ? 3 : 1, n == 1 ? 1200m : 40m + n, n == 1 ? 3600m : 40m + n, [1], "medical-expenses"));

    private static Invoice Build(string form, string facility, int lineCount, Func<int, InvoiceLine> line) => new(
        Guid.NewGuid(), "tenant-a", InvoiceKinds.Clinic, form, "json", "INV-88120", "MA-2025-0042", Guid.NewGuid(), "GOP-2025-0042-1",
        UsClinic, Patient, new DateOnly(2025, 7, 1), new DateOnly(2025, 7, 10), "USD",
        ["J189", "R509", "E860", "I10"], [.. Enumerable.Range(1, lineCount).Select(line)], facility,
        new DateTimeOffset(2025, 7, 12, 9, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// An adjudication of <paramref name="invoice"/> in which line n gets the adjustment <c>codes[(n - 1) % codes.Count]</c>
    /// of a quarter of its amount (the rest paid), so every code appears when there are enough lines.
    /// </summary>
    public static Adjudication Adjudicate(Invoice invoice, IReadOnlyList<(string Group, string Reason)> codes)
    {
        var decisions = invoice.Lines.Select(l =>
        {
            var (group, reason) = codes[(l.Number - 1) % codes.Count];
            var adjusted = Math.Round(l.Amount / 4, 2);
            var patient = group == "PR" ? adjusted : 0;
            return new LineDecision(l.Number, LineOutcomes.Reduced, l.Amount, l.Amount - adjusted + patient, l.Amount - adjusted, patient,
                [new Adjustment(group, reason, adjusted)], null);
        }).ToList();
        return new Adjudication(invoice.Id, 1, AdjudicationStatuses.Adjudicated, null, invoice.Total, decisions.Sum(d => d.Paid),
            decisions.Sum(d => d.PatientPays), decisions.Sum(d => d.Billed - d.Paid - d.PatientPays), "EUR", 0.92m,
            new DateOnly(2025, 7, 12), Math.Round(decisions.Sum(d => d.Paid) * 0.92m, 2), decisions,
            new DateTimeOffset(2025, 7, 14, 10, 0, 0, TimeSpan.Zero), "rules");
    }

    /// <summary>
    /// Every page's text in the order it was drawn (a box's label, then its value; a table cell's lines together), a
    /// space where letters jump (a new line, the next cell), no-break spaces made plain ones.
    /// </summary>
    public static IReadOnlyList<string> Pages(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return [.. document.GetPages().Select(p => Normal(DrawnText(p)))];
    }

    private static string DrawnText(Page page)
    {
        var text = new StringBuilder();
        Letter? previous = null;
        foreach (var letter in page.Letters)
        {
            if (previous is not null
                && (Math.Abs(letter.StartBaseLine.Y - previous.StartBaseLine.Y) > 0.5 || Math.Abs(letter.StartBaseLine.X - previous.EndBaseLine.X) > 1))
                text.Append(' ');
            text.Append(letter.Value);
            previous = letter;
        }
        return text.ToString();
    }

    public static string Text(byte[] pdf) => string.Join("\n", Pages(pdf));

    /// <summary>No-break spaces (Russian thousands) and runs of whitespace as one plain space, for comparing text.</summary>
    public static string Normal(string value) =>
        string.Join(' ', value.Replace('\u00A0', ' ').Replace('\u202F', ' ').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Whether every letter lies inside its page (nothing drawn past an edge, where a viewer would cut it off).</summary>
    public static bool EverythingInsidePages(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().All(p => p.Letters.All(l =>
            l.BoundingBox.Left >= 0 && l.BoundingBox.Right <= p.Width && l.BoundingBox.Bottom >= 0 && l.BoundingBox.Top <= p.Height));
    }
}
