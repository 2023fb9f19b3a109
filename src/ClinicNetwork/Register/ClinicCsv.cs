using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;

namespace Platform.ClinicNetwork.Register;

/// <summary>
/// Reads a CSV register (RFC 4180, UTF-8, comma-separated, first row the header) one row at a time from the request
/// stream: one clinic per row. Columns in any order, names case-insensitive; lists are ';'-separated. Errors are keyed
/// <c>rows[12].latitude</c>: the line of the file where the row starts, the header being line 1.
/// <list type="bullet">
/// <item><c>opening_hours</c>: <c>1-5 08:00-20:00;6 09:00-14:00</c> (days 1 = Monday to 7, a single day or a range)</item>
/// <item><c>prices</c>: <c>service:price:currency:valid_from[:valid_to]</c>, e.g. <c>consultation:80:USD:2026-01-01</c></item>
/// <item>booleans: true/false (also yes/no, 1/0); dates YYYY-MM-DD; numbers with '.' as the decimal point</item>
/// </list>
/// </summary>
internal static partial class ClinicCsvReader
{
    public static readonly string[] Columns =
    [
        "code", "name", "country", "city", "address", "latitude", "longitude", "time_zone", "phone", "email", "specialties",
        "languages", "inpatient", "outpatient", "admits_24_7", "direct_billing", "direct_billing_insurers", "contract_from",
        "contract_to", "status", "opening_hours", "prices",
    ];

    private static readonly string[] Required = ["code", "name", "country", "city", "address", "latitude", "longitude"];

    /// <summary>The JSON field each column stands for (the validation names fields the JSON way).</summary>
    private static readonly Dictionary<string, string> ColumnOf = new(StringComparer.Ordinal)
    {
        ["timeZone"] = "time_zone", ["admits247"] = "admits_24_7", ["directBilling"] = "direct_billing",
        ["directBillingInsurers"] = "direct_billing_insurers", ["contractFrom"] = "contract_from", ["contractTo"] = "contract_to",
        ["openingHours"] = "opening_hours",
    };

    public static string Column(string field) => ColumnOf.TryGetValue(field, out var column) ? column : field;

    [GeneratedRegex(@"^([1-7])(?:-([1-7]))?\s+(\S+)-(\S+)$")]
    private static partial Regex HoursEntry();

    public static async Task ReadAsync(Stream body, ClinicBatch batch, CancellationToken ct)
    {
        using var text = new StreamReader(body, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true,
            bufferSize: 64 * 1024, leaveOpen: true);
        string? badField = null;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            IgnoreBlankLines = false, // blank lines still count as lines of the file, so row numbers stay right
            BadDataFound = args => badField ??= args.Field,
            MissingFieldFound = null,
        };
        using var parser = new CsvParser(text, config);

        var lastLine = 0;
        Dictionary<string, int>? columns = null;
        var width = 0;
        while (await parser.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            var row = lastLine + 1;
            lastLine = parser.RawRow;
            var record = parser.Record!;
            var quoting = badField;
            badField = null;

            if (columns is null)
            {
                columns = ReadHeader(record, batch);
                if (columns is null) return;
                width = record.Length;
                continue;
            }
            if (record is [""]) continue; // a blank line

            var errors = new ValidationErrors();
            var at = $"rows[{row}]";
            if (quoting is not null)
                errors.Add(at, "The quotes are malformed: enclose the whole field in double quotes and double any quote inside it (\"\").");
            else if (record.Length != width)
                errors.Add(at, $"The row has {record.Length} fields; the header has {width}.");
            else
                foreach (var (column, i) in columns)
                    if (PlainText.HasControlCharacters(record[i])) errors.Add($"{at}.{column}", PlainText.Rule);
            if (errors.IsValid)
            {
                var keys = new FieldKeys(errors, at, Column);
                var input = Parse(record, columns, keys);
                if (input.ToRow(keys) is { } clinic && errors.IsValid) await batch.AddAsync(clinic, at, ct);
            }
            if (!errors.IsValid)
            {
                batch.Reject(errors);
                if (batch.TooManyErrors) return;
            }
        }
        if (columns is null) batch.Reject("rows[1]", $"The file is empty: the first row must be the header ({string.Join(",", Columns)}).");
    }

    private static Dictionary<string, int>? ReadHeader(string[] header, ClinicBatch batch)
    {
        var errors = new ValidationErrors();
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            if (!Columns.Contains(name)) errors.Add($"rows[1].{name}", $"Unknown column '{header[i]}'. The columns are: {string.Join(", ", Columns)}.");
            else if (!columns.TryAdd(name, i)) errors.Add($"rows[1].{name}", "The column appears twice.");
        }
        foreach (var required in Required)
            if (!columns.ContainsKey(required)) errors.Add($"rows[1].{required}", "The column is missing.");
        if (errors.IsValid) return columns;
        batch.Reject(errors);
        return null;
    }

    /// <summary>The row as the JSON input, with what cannot even be typed (a number, a date, a flag) reported here.</summary>
    private static ClinicInput Parse(string[] record, Dictionary<string, int> columns, FieldKeys keys)
    {
        string? Get(string column) => columns.TryGetValue(column, out var i) && record[i].Trim() is { Length: > 0 } value ? value : null;
        List<string?>? List(string column) => Get(column)?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Cast<string?>().ToList();

        double? Number(string column)
        {
            if (Get(column) is not { } raw) return null;
            if (double.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return value;
            keys.Add(column, $"'{raw}' is not a number: digits with '.' as the decimal point, such as 28.5383.");
            return double.NaN; // reported; keeps "required" from being said as well
        }

        bool? Flag(string column)
        {
            switch (Get(column)?.ToLowerInvariant())
            {
                case null: return null;
                case "true" or "yes" or "1" or "y": return true;
                case "false" or "no" or "0" or "n": return false;
                case var raw: keys.Add(column, $"'{raw}' is not true or false."); return null;
            }
        }

        DateOnly? Date(string column)
        {
            if (Get(column) is not { } raw) return null;
            if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
            keys.Add(column, $"'{raw}' is not a date in the form YYYY-MM-DD.");
            return null;
        }

        var hours = new List<OpeningHoursInput?>();
        var entries = List("opening_hours") ?? [];
        for (var i = 0; i < entries.Count; i++)
        {
            var match = HoursEntry().Match(entries[i]!);
            if (!match.Success)
            {
                keys.Add("opening_hours", $"Entry {i + 1} ('{entries[i]}'): write days and hours such as '1-5 08:00-20:00' (1 = Monday ... 7 = Sunday).");
                continue;
            }
            var from = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var to = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : from;
            if (to < from) { keys.Add("opening_hours", $"Entry {i + 1} ('{entries[i]}'): the days run from the first to the last, such as 1-5."); continue; }
            for (var day = from; day <= to; day++) hours.Add(new OpeningHoursInput(day, match.Groups[3].Value, match.Groups[4].Value));
        }

        var prices = new List<PriceInput?>();
        entries = List("prices") ?? [];
        for (var i = 0; i < entries.Count; i++)
        {
            var parts = entries[i]!.Split(':', StringSplitOptions.TrimEntries);
            DateOnly from = default, to = default;
            if (parts.Length is not (4 or 5)
                || !decimal.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price)
                || !DateOnly.TryParseExact(parts[3], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out from)
                || parts.Length == 5 && !DateOnly.TryParseExact(parts[4], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out to))
            {
                keys.Add("prices", $"Entry {i + 1} ('{entries[i]}'): write service:price:currency:valid_from[:valid_to], such as consultation:80:USD:2026-01-01.");
                continue;
            }
            prices.Add(new PriceInput(parts[0], price, parts[2], from, parts.Length == 5 ? to : null));
        }

        return new ClinicInput(Get("code"), Get("name"), Get("country"), Get("city"), Get("address"), Number("latitude"),
            Number("longitude"), Get("time_zone"), Get("phone"), Get("email"), List("specialties"), List("languages"),
            Flag("inpatient"), Flag("outpatient"), Flag("admits_24_7"), Flag("direct_billing"), List("direct_billing_insurers"),
            Date("contract_from"), Date("contract_to"), Get("status"), hours, prices);
    }
}
