using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Platform.OmsRepresentatives.Reports;

/// <summary>
/// A report as an Excel workbook (Open XML SDK): one sheet with the title in large bold, the facts, then each table
/// with its caption, bold bordered headings, counts and per cents as numbers (so they sum and chart), total rows in
/// bold, and columns wide enough for what they hold.
/// </summary>
public static class ReportXlsx
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // Cell formats, by their index in the stylesheet below.
    private const uint Plain = 0, Title = 1, Bold = 2, Header = 3, TextCell = 4, CountCell = 5, PercentCell = 6,
        TotalText = 7, TotalCount = 8, TotalPercent = 9;

    private const uint PercentFormat = 164;

    public static byte[] Render(ReportDocument report)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            var strings = new SharedStrings(workbook.AddNewPart<SharedStringTablePart>());

            var width = Math.Max(2, report.Tables.Max(t => t.Columns.Count));
            var widths = new double[width];
            var data = new SheetData();
            var merges = new MergeCells();
            uint rowIndex = 0;

            Row Add(params Cell[] cells)
            {
                var row = new Row { RowIndex = ++rowIndex };
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i].CellReference = Reference(i, rowIndex);
                    row.Append(cells[i]);
                }
                data.Append(row);
                return row;
            }

            void Fit(int column, string text) => widths[column] = Math.Max(widths[column], Math.Min(60, text.Length * 1.1 + 2));

            var title = Add(strings.Cell(report.Title, Title));
            title.Height = 22;
            title.CustomHeight = true;
            merges.Append(new MergeCell { Reference = $"A1:{Reference(width - 1, 1)}" });
            foreach (var fact in report.Facts)
            {
                Add(strings.Cell(fact.Label, Bold), strings.Cell(fact.Value, Plain));
                Fit(0, fact.Label);
            }
            foreach (var table in report.Tables)
            {
                Add();
                if (table.Caption is not null)
                {
                    Add(strings.Cell(table.Caption, Bold));
                    merges.Append(new MergeCell { Reference = $"{Reference(0, rowIndex)}:{Reference(width - 1, rowIndex)}" });
                }
                Add([.. table.Columns.Select(c => strings.Cell(c.Header, Header))]);
                // Headings wrap, so only their longest word must fit.
                for (var i = 0; i < table.Columns.Count; i++) Fit(i, table.Columns[i].Header.Split(' ').MaxBy(w => w.Length)!);
                foreach (var row in table.Rows)
                {
                    Add([.. row.Cells.Select((cell, i) => Cell(cell, table.Columns[i].Kind, row.Total, strings))]);
                    for (var i = 0; i < row.Cells.Count; i++) Fit(i, ReportCells.Text(row.Cells[i]));
                }
            }

            var columns = new Columns(widths.Select((w, i) => new Column
            {
                Min = (uint)i + 1, Max = (uint)i + 1, Width = Math.Round(Math.Max(w, 10), 1), CustomWidth = true,
            }));
            var worksheet = workbook.AddNewPart<WorksheetPart>();
            worksheet.Worksheet = new Worksheet(columns, data, merges,
                new PageMargins { Left = 0.5, Right = 0.5, Top = 0.6, Bottom = 0.6, Header = 0.3, Footer = 0.3 },
                new PageSetup { PaperSize = 9, Orientation = OrientationValues.Landscape, FitToWidth = 1, FitToHeight = 0 });
            worksheet.Worksheet.InsertAt(new SheetProperties(new PageSetupProperties { FitToPage = true }), 0);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(worksheet), SheetId = 1, Name = report.SheetName }));
            strings.Save();
            workbook.Workbook.Save();
        }
        return stream.ToArray();
    }

    private static Cell Cell(object? value, CellKind kind, bool total, SharedStrings strings) => (kind, value) switch
    {
        (CellKind.Count, long n) => new Cell { DataType = CellValues.Number, CellValue = new CellValue((decimal)n), StyleIndex = total ? TotalCount : CountCell },
        (CellKind.Percent, decimal d) => new Cell { DataType = CellValues.Number, CellValue = new CellValue(d), StyleIndex = total ? TotalPercent : PercentCell },
        (CellKind.Count, null) => new Cell { StyleIndex = total ? TotalCount : CountCell },
        (CellKind.Percent, null) => new Cell { StyleIndex = total ? TotalPercent : PercentCell },
        _ => strings.Cell(ReportCells.Text(value), total ? TotalText : TextCell),
    };

    /// <summary>A1-style reference of a zero-based column and one-based row.</summary>
    public static string Reference(int column, uint row)
    {
        var name = "";
        for (var c = column + 1; c > 0; c = (c - 1) / 26) name = (char)('A' + (c - 1) % 26) + name;
        return name + row;
    }

    private static Stylesheet Styles()
    {
        static Font Font(bool bold, double size = 11)
        {
            var font = new Font();
            if (bold) font.Append(new DocumentFormat.OpenXml.Spreadsheet.Bold());
            font.Append(new FontSize { Val = size }, new FontName { Val = "Calibri" });
            return font;
        }
        var thin = new Border(
            new LeftBorder { Style = BorderStyleValues.Thin }, new RightBorder { Style = BorderStyleValues.Thin },
            new TopBorder { Style = BorderStyleValues.Thin }, new BottomBorder { Style = BorderStyleValues.Thin }, new DiagonalBorder());
        static CellFormat Format(uint font, uint border, uint numberFormat = 0, uint fill = 0, bool wrap = false) => new()
        {
            FontId = font, BorderId = border, NumberFormatId = numberFormat, FillId = fill, FormatId = 0,
            ApplyFont = font != 0, ApplyBorder = border != 0, ApplyNumberFormat = numberFormat != 0, ApplyFill = fill != 0,
            Alignment = wrap ? new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Center, Horizontal = HorizontalAlignmentValues.Center } : null,
            ApplyAlignment = wrap,
        };
        const uint count = 3; // #,##0: digits grouped as the reader's Excel groups them
        return new Stylesheet(
            new NumberingFormats(new NumberingFormat { NumberFormatId = PercentFormat, FormatCode = "0.0" }) { Count = 1 },
            new Fonts(Font(false), Font(true, 14), Font(true)) { Count = 3 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
                new Fill(new PatternFill(new ForegroundColor { Rgb = "FFEEEEEE" }) { PatternType = PatternValues.Solid })) { Count = 3 },
            new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder()), thin) { Count = 2 },
            new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
            new CellFormats(
                Format(0, 0),                          // Plain
                Format(1, 0),                          // Title
                Format(2, 0),                          // Bold
                Format(2, 1, fill: 2, wrap: true),     // Header
                Format(0, 1),                          // TextCell
                Format(0, 1, count),                   // CountCell
                Format(0, 1, PercentFormat),           // PercentCell
                Format(2, 1, fill: 2),                 // TotalText
                Format(2, 1, count, fill: 2),          // TotalCount
                Format(2, 1, PercentFormat, fill: 2))  // TotalPercent
            { Count = 10 },
            new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
    }

    /// <summary>The workbook's shared strings: each distinct text stored once, cells pointing at it by index.</summary>
    private sealed class SharedStrings(SharedStringTablePart part)
    {
        private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
        private readonly SharedStringTable table = new();

        public Cell Cell(string text, uint style)
        {
            if (!index.TryGetValue(text, out var i))
            {
                i = index.Count;
                index[text] = i;
                table.AppendChild(new SharedStringItem(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            }
            return new Cell { DataType = CellValues.SharedString, CellValue = new CellValue(i), StyleIndex = style };
        }

        public void Save()
        {
            table.Count = table.UniqueCount = (uint)index.Count;
            part.SharedStringTable = table;
        }
    }
}
