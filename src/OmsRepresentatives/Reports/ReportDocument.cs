namespace Platform.OmsRepresentatives.Reports;

/// <summary>
/// A report as its readers see it, whatever the format: the title, the lines under it (the SMO, the period, when it
/// was formed) and its tables. Each report's model turns into one of these once (<c>ToDocument</c>), and the CSV, XLSX
/// and PDF renderers draw only from it, so the three formats cannot disagree on a figure or a heading.
/// </summary>
/// <param name="Title">The report's title, in Russian.</param>
/// <param name="FileName">The attachment's name without its extension, in Latin (informing-2026-01-01-2026-03-31).</param>
/// <param name="SheetName">The spreadsheet's sheet name (at most 31 characters).</param>
/// <param name="Facts">Label and value lines under the title.</param>
public sealed record ReportDocument(string Title, string FileName, string SheetName, IReadOnlyList<ReportFact> Facts, IReadOnlyList<ReportTable> Tables);

public sealed record ReportFact(string Label, string Value);

/// <summary>A table: its caption (null for a report of one table), its columns and rows.</summary>
public sealed record ReportTable(string? Caption, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<ReportRow> Rows);

/// <summary>A column: its Russian heading, what its cells hold, and its share of the page's width in the PDF.</summary>
public sealed record ReportColumn(string Header, CellKind Kind, double Weight = 1);

public enum CellKind
{
    /// <summary>Words (a kind's name).</summary>
    Text,

    /// <summary>A count of persons, appeals, ... (a whole number).</summary>
    Count,

    /// <summary>A share in per cent, to one decimal place; empty when it cannot be computed (nothing to divide by).</summary>
    Percent,
}

/// <summary>
/// A row: one cell per column, a <see cref="string"/> for <see cref="CellKind.Text"/>, a <see cref="long"/> for
/// <see cref="CellKind.Count"/>, a <see cref="decimal"/> or null for <see cref="CellKind.Percent"/>; <c>Total</c> rows are set in bold.
/// </summary>
public sealed record ReportRow(IReadOnlyList<object?> Cells, bool Total = false);

/// <summary>How the renderers write a cell for a person (the XLSX keeps numbers as numbers).</summary>
public static class ReportCells
{
    public static string Text(object? cell) => cell switch
    {
        null => "",
        string s => s,
        long n => n.ToString("N0", ReportPeriod.Russian),
        int n => n.ToString("N0", ReportPeriod.Russian),
        decimal d => d.ToString("0.0", ReportPeriod.Russian),
        _ => Convert.ToString(cell, ReportPeriod.Russian) ?? "",
    };

    /// <summary>A share in per cent to one decimal place; null when there is nothing to divide by.</summary>
    public static decimal? Percent(long part, long whole) =>
        whole == 0 ? null : decimal.Round(100m * part / whole, 1, MidpointRounding.AwayFromZero);
}
