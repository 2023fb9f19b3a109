using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Platform.OmsRepresentatives.Register;

/// <summary>
/// The errors of a file being loaded, keyed <c>rows[12].enp</c> (the line of the file where the row starts, the header
/// being line 1). At most <see cref="MaxRowsWithErrors"/> rows are reported; once a row is bad the load writes nothing.
/// </summary>
public sealed class LoadErrors
{
    public const int MaxRowsWithErrors = 100;

    public ValidationErrors Errors { get; } = new();
    public int RowsWithErrors { get; private set; }
    public bool IsValid => RowsWithErrors == 0;
    public bool TooMany => RowsWithErrors >= MaxRowsWithErrors;

    public void Reject(ValidationErrors row)
    {
        foreach (var (field, messages) in row.ToDictionary())
            foreach (var message in messages) Errors.Add(field, message);
        RowsWithErrors++;
    }

    public void Reject(string field, string error)
    {
        Errors.Add(field, error);
        RowsWithErrors++;
    }

    public string Detail => TooMany
        ? $"Nothing was loaded. The first {MaxRowsWithErrors} bad rows are listed; fix them and send the file again."
        : "Nothing was loaded. Fix the rows listed and send the file again.";
}

/// <summary>One data row of a CSV file, its fields looked up by the column's position in the file's own order.</summary>
public readonly struct CsvRow(string[] record, int[] columns, string[] names, int line)
{
    public int Line => line;

    /// <summary>The field's trimmed text; empty when the column is absent from the file.</summary>
    public string Get(int column) => columns[column] < 0 ? "" : record[columns[column]].Trim();

    /// <summary>The error key of a field: <c>rows[12].enp</c>.</summary>
    public string Key(int column) => $"rows[{line}].{names[column]}";
}

/// <summary>
/// Reads a CSV file (UTF-8, RFC 4180 quoting, ';' or ',' as the delimiter as the header row shows, the header naming
/// the columns in any order, case-insensitively) from a stream, one row at a time, with CsvHelper's parser. The header
/// and the shape of every row (field count, quotes, control characters) are checked here; the fields by the caller.
/// </summary>
public static class CsvRows
{
    public static async Task ReadAsync(Stream body, string[] names, int[] required, LoadErrors errors,
        Func<CsvRow, ValueTask> onRow, CancellationToken ct)
    {
        using var text = new StreamReader(body, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true,
            bufferSize: 64 * 1024, leaveOpen: true);
        string? badField = null;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            IgnoreBlankLines = false, // blank lines still count as lines of the file, so line numbers stay right
            BadDataFound = args => badField ??= args.Field,
            MissingFieldFound = null,
            DetectDelimiter = true,
            DetectDelimiterValues = [";", ","],
        };
        using var parser = new CsvParser(text, config);

        var lastLine = 0;
        int[]? columns = null;
        var width = 0;
        while (await parser.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            var line = lastLine + 1;
            lastLine = parser.RawRow;
            var record = parser.Record!;
            var quoting = badField;
            badField = null;

            if (columns is null)
            {
                columns = ReadHeader(record, names, required, errors);
                if (columns is null) return;
                width = record.Length;
                continue;
            }
            if (record is [""]) continue; // a blank line

            var at = $"rows[{line}]";
            string? shape = null;
            if (quoting is not null)
                shape = "The quotes are malformed: enclose the whole field in double quotes and double any quote inside it (\"\").";
            else if (record.Length != width)
                shape = $"The row has {record.Length} fields; the header has {width}.";
            if (shape is not null)
            {
                errors.Reject(at, shape);
                if (errors.TooMany) return;
                continue;
            }
            var control = -1;
            for (var i = 0; i < record.Length && control < 0; i++)
                if (PlainText.HasControlCharacters(record[i])) control = i;
            if (control >= 0)
            {
                errors.Reject(Array.IndexOf(columns, control) is >= 0 and var field ? $"{at}.{names[field]}" : at, PlainText.Rule);
                if (errors.TooMany) return;
                continue;
            }

            await onRow(new CsvRow(record, columns, names, line));
            if (errors.TooMany) return;
        }
        if (columns is null) errors.Reject("rows[1]", $"The file is empty: the first row must be the header ({string.Join(";", names)}).");
    }

    /// <summary>Where each known column is in the file (-1 when absent), or null when the header is wrong.</summary>
    private static int[]? ReadHeader(string[] header, string[] names, int[] required, LoadErrors errors)
    {
        var e = new ValidationErrors();
        var columns = Enumerable.Repeat(-1, names.Length).ToArray();
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            var known = Array.IndexOf(names, name);
            if (known < 0) e.Add($"rows[1].{name}", $"Unknown column '{header[i]}'. The columns are: {string.Join(", ", names)}.");
            else if (columns[known] >= 0) e.Add($"rows[1].{name}", "The column appears twice.");
            else columns[known] = i;
        }
        foreach (var column in required)
            if (columns[column] < 0) e.Add($"rows[1].{names[column]}", "The column is missing.");
        if (e.IsValid) return columns;
        errors.Reject(e);
        return null;
    }

    /// <summary>A date written yyyy-MM-dd.</summary>
    public static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>The 16 digits of an ЕНП (the single policy number) as a number, for a compact set of those seen.</summary>
    public static bool TryEnp(string text, out long value)
    {
        value = 0;
        if (text.Length != 16) return false;
        foreach (var c in text)
        {
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
