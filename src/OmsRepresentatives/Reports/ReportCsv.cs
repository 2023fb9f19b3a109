using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Platform.OmsRepresentatives.Reports;

/// <summary>
/// A report as CSV the way Russian Excel opens it by a double click: UTF-8 with a byte order mark, fields separated by
/// ';', decimals with a comma, counts as plain digits. The title and the facts come first, then each table (its caption,
/// its headings, its rows) with an empty line between.
/// </summary>
public static class ReportCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static byte[] Render(ReportDocument report)
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        using (var csv = new CsvWriter(writer, new CsvConfiguration(ReportPeriod.Russian) { Delimiter = ";" }))
        {
            Line(csv, report.Title);
            foreach (var fact in report.Facts) Line(csv, fact.Label, fact.Value);
            foreach (var table in report.Tables)
            {
                csv.NextRecord();
                if (table.Caption is not null) Line(csv, table.Caption);
                Line(csv, [.. table.Columns.Select(c => c.Header)]);
                foreach (var row in table.Rows) Line(csv, [.. row.Cells.Select(Field)]);
            }
        }
        return stream.ToArray();
    }

    private static string Field(object? cell) => cell switch
    {
        long n => n.ToString(CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        decimal d => d.ToString("0.0", ReportPeriod.Russian),
        _ => ReportCells.Text(cell),
    };

    private static void Line(CsvWriter csv, params string[] fields)
    {
        foreach (var field in fields) csv.WriteField(field);
        csv.NextRecord();
    }
}
