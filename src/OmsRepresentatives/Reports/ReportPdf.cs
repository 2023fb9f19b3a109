using PdfSharp;
using Platform.Pdf;

namespace Platform.OmsRepresentatives.Reports;

/// <summary>
/// A report as a PDF to print and sign, on A4 in DejaVu Sans (Cyrillic; the platform's <see cref="FormWriter"/>): the
/// SMO's name, the title, the period and when it was formed, then each table with its heading repeated on every page it
/// runs over, counts aligned right, total rows in bold on grey; every page's footer names the report and its page.
/// </summary>
public static class ReportPdf
{
    public const string ContentType = "application/pdf";

    public static byte[] Render(ReportDocument report, string smoName)
    {
        using var w = new FormWriter(PageSize.A4, report.Title, $"{report.Title} · {smoName}");
        w.ContinuedHeader($"{report.Title} (продолжение)");
        w.NewPage();
        w.Paragraph(smoName, FormWriter.Bold, brush: FormWriter.LabelBrush, spaceAfter: 4);
        w.Paragraph(report.Title, FormWriter.Title, spaceAfter: 6);
        foreach (var fact in report.Facts) w.Field(fact.Label, fact.Value, labelWidth: 190);
        foreach (var table in report.Tables)
        {
            if (table.Caption is not null) w.Heading(table.Caption, spaceBefore: 12);
            else w.Y += 8;
            var weights = table.Columns.Sum(c => c.Weight);
            w.BeginTable([.. table.Columns.Select(c => new Column(c.Header, w.Width * c.Weight / weights, AlignRight: c.Kind != CellKind.Text))],
                FormWriter.Text, FormWriter.SmallBold);
            foreach (var row in table.Rows)
                w.Row([.. row.Cells.Select((c, i) => c is null && table.Columns[i].Kind != CellKind.Text ? "—" : ReportCells.Text(c))],
                    row.Total ? FormWriter.Bold : null, shaded: row.Total);
            w.EndTable();
        }
        return w.Save("стр.", "из");
    }
}
