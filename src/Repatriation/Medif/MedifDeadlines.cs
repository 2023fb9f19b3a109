using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Platform.Repatriation.Medif;

/// <summary>
/// How long before the first flight a carrier needs the MEDIF: between 48 hours and 7 days, per carrier. The values are
/// data (<c>medif-deadlines.csv</c>, embedded): configurable examples to be confirmed with each carrier, not quoted
/// airline policy. A carrier not listed gets <see cref="DefaultLeadTime"/>.
/// </summary>
public static class MedifDeadlines
{
    public static readonly TimeSpan DefaultLeadTime = TimeSpan.FromHours(48);
    public static readonly TimeSpan ShortestLeadTime = TimeSpan.FromHours(48);
    public static readonly TimeSpan LongestLeadTime = TimeSpan.FromDays(7);

    private static readonly Lazy<IReadOnlyDictionary<string, CarrierDeadline>> Table = new(() =>
    {
        using var stream = typeof(MedifDeadlines).Assembly.GetManifestResourceStream("medif-deadlines.csv")
            ?? throw new InvalidOperationException("The resource medif-deadlines.csv is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    /// <summary>The carriers with their own lead time, by IATA code.</summary>
    public static IReadOnlyDictionary<string, CarrierDeadline> Carriers => Table.Value;

    /// <summary>The carrier's lead time, or the default when the carrier is not listed.</summary>
    public static TimeSpan LeadTime(string? carrier) =>
        carrier is not null && Table.Value.TryGetValue(carrier.Trim().ToUpperInvariant(), out var known) ? known.LeadTime : DefaultLeadTime;

    /// <summary>When the carrier must have the MEDIF: the lead time before the first flight's departure.</summary>
    public static DateTimeOffset Due(string? carrier, DateTimeOffset firstFlightDepartsAt) => firstFlightDepartsAt - LeadTime(carrier);

    /// <summary>The request's deadline: its carrier's lead time before its first flight.</summary>
    public static DateTimeOffset Due(MedifRequest request) => Due(request.CarrierCode, request.FirstDeparture);

    /// <summary>
    /// Reads the table (CSV, read with CsvHelper): a header line, then <c>carrier,hours_before_departure,note</c>; lines
    /// starting with # are comments, and a note with a comma in it is quoted. A lead time outside 48 hours to 7 days, a
    /// carrier listed twice, or a line that is not CSV, is an error in the data.
    /// </summary>
    public static IReadOnlyDictionary<string, CarrierDeadline> Parse(string csv)
    {
        var table = new Dictionary<string, CarrierDeadline>(StringComparer.Ordinal);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            AllowComments = true,
            TrimOptions = TrimOptions.Trim,
            WhiteSpaceChars = [' ', '\t'],
            MissingFieldFound = null,
            BadDataFound = args => throw new FormatException(
                $"medif-deadlines.csv line {args.Context.Parser!.RawRow}: the quotes are malformed (quote the whole field and double any quote in it)."),
        };
        using var parser = new CsvParser(new StringReader(csv), config);
        var header = true;
        while (parser.Read())
        {
            if (string.IsNullOrWhiteSpace(parser.RawRecord)) continue; // a line of spaces
            var fields = parser.Record!;
            // The line the record starts on: where CsvHelper is now, less the line breaks inside its quoted fields.
            var number = parser.RawRow - parser.RawRecord.TrimEnd('\r', '\n').Count(c => c == '\n');
            if (header) { header = false; continue; }
            if (fields.Length is < 2 or > 3 || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var hours))
                throw new FormatException($"medif-deadlines.csv line {number}: expected carrier,hours_before_departure,note (a note with a comma quoted).");
            var carrier = fields[0].ToUpperInvariant();
            var lead = TimeSpan.FromHours(hours);
            if (lead < ShortestLeadTime || lead > LongestLeadTime)
                throw new FormatException($"medif-deadlines.csv line {number}: {carrier} {hours} h is outside 48 hours to 7 days.");
            if (!table.TryAdd(carrier, new CarrierDeadline(carrier, lead, fields.Length > 2 ? fields[2] : "")))
                throw new FormatException($"medif-deadlines.csv line {number}: {carrier} is listed twice.");
        }
        return table;
    }
}

/// <summary>A carrier's lead time for the MEDIF and where the value comes from.</summary>
public sealed record CarrierDeadline(string Carrier, TimeSpan LeadTime, string Source);
