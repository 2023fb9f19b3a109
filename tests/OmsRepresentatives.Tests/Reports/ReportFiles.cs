using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Spreadsheet;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace Platform.OmsRepresentatives.Tests.Reports;

/// <summary>The report files read back as a person's software would: the CSV by a CSV parser, the workbook by the Open XML SDK, the PDF's drawn text by PdfPig.</summary>
public static class ReportFiles
{
    /// <summary>The CSV's records (fields split on ';'); asserts the UTF-8 byte order mark Russian Excel needs.</summary>
    public static List<string[]> Csv(byte[] bytes)
    {
        Assert.True(bytes.Length > 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF, "the CSV starts with the UTF-8 byte order mark");
        using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = ";", HasHeaderRecord = false });
        var records = new List<string[]>();
        while (parser.Read()) records.Add(parser.Record!);
        return records;
    }

    /// <summary>A cell's text (shared strings resolved), whether it is a number, and whether bold.</summary>
    public sealed record XlsxCell(string Text, bool Number, bool Bold);

    /// <summary>The workbook's one sheet: its name, its cells by reference (A1) and its columns' widths; asserts the workbook is valid.</summary>
    public static (string SheetName, Dictionary<string, XlsxCell> Cells, double[] Widths) Xlsx(byte[] bytes)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        // A workbook Excel opens without repairing it: valid against the Office schema.
        var errors = new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single();
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        var strings = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToArray() ?? [];
        var formats = workbook.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ToArray();
        var fonts = workbook.WorkbookStylesPart.Stylesheet.Fonts!.Elements<Font>().ToArray();
        var cells = new Dictionary<string, XlsxCell>();
        foreach (var cell in part.Worksheet.Descendants<Cell>())
        {
            var value = cell.CellValue?.Text ?? "";
            var shared = cell.DataType?.Value == CellValues.SharedString;
            var font = fonts[(int)(formats[(int)(cell.StyleIndex?.Value ?? 0)].FontId?.Value ?? 0)];
            cells[cell.CellReference!.Value!] = new XlsxCell(shared ? strings[int.Parse(value, CultureInfo.InvariantCulture)] : value,
                !shared && value.Length > 0 && (cell.DataType is null || cell.DataType.Value == CellValues.Number), font.Bold is not null);
        }
        var widths = part.Worksheet.GetFirstChild<Columns>()?.Elements<Column>().Select(c => c.Width?.Value ?? 0).ToArray() ?? [];
        return (sheet.Name!.Value!, cells, widths);
    }

    /// <summary>
    /// The PDF's text in the order drawn, every break between words or lines as one plain space (no-break spaces too),
    /// so that a table row reads as its cells in order even where a cell's text wraps.
    /// </summary>
    public static string PdfText(byte[] bytes)
    {
        using var document = PdfDocument.Open(bytes);
        var text = new StringBuilder();
        foreach (var page in document.GetPages())
        {
            Letter? previous = null;
            foreach (var letter in page.Letters)
            {
                if (previous is not null)
                {
                    if (Math.Abs(letter.StartBaseLine.Y - previous.StartBaseLine.Y) > 0.5) text.Append('\n');
                    else if (Math.Abs(letter.StartBaseLine.X - previous.EndBaseLine.X) > 1) text.Append(' ');
                }
                text.Append(letter.Value);
                previous = letter;
            }
            text.Append('\n');
        }
        return string.Join(' ', text.ToString().Replace('\u00A0', ' ').Replace('\u202F', ' ')
            .Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
    }
}
