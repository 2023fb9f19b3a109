using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Fitness;

/// <summary>
/// The fitness-to-fly rules: the default table (<c>fitness-rules.csv</c>, embedded in the service) and the carriers'
/// own tables. A carrier's row replaces the default row with the same id for that carrier's flights; a carrier's row
/// with a new id is added to them. Immutable: <see cref="WithCarrier"/> gives a new set.
/// </summary>
public sealed partial class FitnessRules
{
    /// <summary>The columns of a table; a carrier's table has <c>carrier</c> as well.</summary>
    public static readonly string[] Columns = ["id", "applies_to", "risk", "modes", "min_days", "limit", "counted_from", "condition", "source"];

    /// <summary>The shorthand of the modes column for the four commercial modes.</summary>
    public const string CommercialModes = "commercial";

    private const string ResourceName = "Platform.Repatriation.Fitness.fitness-rules.csv";
    private static readonly Lazy<FitnessRules> DefaultRules = new(LoadDefault);

    private readonly Dictionary<string, IReadOnlyList<FitnessRule>> carriers;

    public FitnessRules(IReadOnlyList<FitnessRule> defaults) : this(defaults, []) { }

    private FitnessRules(IReadOnlyList<FitnessRule> defaults, Dictionary<string, IReadOnlyList<FitnessRule>> carriers)
    {
        Defaults = defaults;
        this.carriers = carriers;
    }

    /// <summary>The default table shipped with the service (throws if it does not parse: a defect its tests catch).</summary>
    public static FitnessRules Default => DefaultRules.Value;

    public IReadOnlyList<FitnessRule> Defaults { get; }

    /// <summary>These rules with a carrier's table merged in (replacing any table that carrier had).</summary>
    public FitnessRules WithCarrier(string carrier, IReadOnlyList<FitnessRule> rules) =>
        new(Defaults, new Dictionary<string, IReadOnlyList<FitnessRule>>(carriers) { [Carrier(carrier)] = rules });

    /// <summary>The rows that hold for a carrier's flights (the default rows when the carrier has no table or is not known).</summary>
    public IReadOnlyList<FitnessRule> For(string? carrier)
    {
        if (string.IsNullOrWhiteSpace(carrier) || !carriers.TryGetValue(Carrier(carrier), out var own)) return Defaults;
        var replaced = own.Select(r => r.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. Defaults.Where(r => !replaced.Contains(r.Id)), .. own];
    }

    /// <summary>
    /// Reads a table: a header naming the <see cref="Columns"/> (in any order), then one rule a line; RFC 4180 quoting.
    /// <paramref name="carrier"/> null reads the default table; a carrier's IATA code reads that carrier's table, whose
    /// rows must name it in their <c>carrier</c> column. Every defect is reported with its line and column; the rows
    /// without one are returned beside them.
    /// </summary>
    public static FitnessRuleTable Parse(TextReader csv, string? carrier)
    {
        var errors = new List<RuleError>();
        var rules = new List<FitnessRule>();
        var records = ReadRecords(csv, errors);
        if (records.Count == 0)
        {
            errors.Add(new RuleError(1, 1, "", "the table is empty: a header line naming the columns is expected"));
            return new FitnessRuleTable(rules, errors);
        }

        var (headerLine, header) = records[0];
        var expected = carrier is null ? Columns : [.. Columns, "carrier"];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            if (!expected.Contains(name))
                errors.Add(new RuleError(headerLine, i + 1, name, name == "carrier"
                    ? "the default table has no carrier column (a carrier's table is read with its carrier code)"
                    : $"unknown column; the columns are {string.Join(", ", expected)}"));
            else if (!index.TryAdd(name, i)) errors.Add(new RuleError(headerLine, i + 1, name, "the column is named twice"));
        }
        foreach (var missing in expected.Where(c => !index.ContainsKey(c)))
            errors.Add(new RuleError(headerLine, header.Count + 1, missing, "the column is missing"));
        if (errors.Count > 0) return new FitnessRuleTable(rules, errors);

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count != header.Count)
            {
                errors.Add(new RuleError(line, Math.Min(fields.Count, header.Count) + 1, fields.Count < header.Count ? header[fields.Count] : "",
                    $"{fields.Count} fields where the header has {header.Count}"));
                continue;
            }
            var rowErrors = new List<RuleError>();
            var row = new Row(line, fields, index, rowErrors);
            var rule = ReadRule(row, carrier);
            if (rule is not null && !ids.Add(rule.Id)) row.Error("id", $"the id {rule.Id} is already used in this table");
            if (rowErrors.Count == 0 && rule is not null) rules.Add(rule);
            errors.AddRange(rowErrors);
        }
        return new FitnessRuleTable(rules, errors);
    }

    private static FitnessRule? ReadRule(Row row, string? carrier)
    {
        var id = row["id"];
        if (!IdPattern().IsMatch(id)) row.Error("id", "an id is lower-case letters, digits and hyphens, e.g. mi-low");

        var appliesTo = row["applies_to"];
        var (target, codes) = ReadAppliesTo(row, appliesTo);

        var risk = row["risk"].ToLowerInvariant();
        if (!RuleRisks.All.Contains(risk)) row.Error("risk", $"unknown risk {row["risk"]}; one of {string.Join(", ", RuleRisks.All)}");

        var modes = ReadModes(row);

        int? minDays = null;
        if (row["min_days"] is { Length: > 0 } days)
        {
            if (int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d)) minDays = d;
            else row.Error("min_days", $"{days} is not a whole number of days (empty: not until the condition is stable)");
        }
        decimal? limit = null;
        if (row["limit"] is { Length: > 0 } limitText)
        {
            if (decimal.TryParse(limitText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var l) && l > 0) limit = l;
            else row.Error("limit", $"{limitText} is not a positive number (g/dl for haemoglobin, weeks for pregnancy)");
        }

        var countedFrom = row["counted_from"].ToLowerInvariant();
        if (!CountedFrom.All.Contains(countedFrom))
            row.Error("counted_from", $"unknown {row["counted_from"]}; one of {string.Join(", ", CountedFrom.All)}");
        else if (target is not null) CheckTarget(row, target, countedFrom, minDays, limit);

        var source = row["source"];
        if (source.Length == 0) row.Error("source", "every rule names the guidance it comes from");

        string? rowCarrier = null;
        if (carrier is not null)
        {
            rowCarrier = row["carrier"].ToUpperInvariant();
            if (!string.Equals(rowCarrier, Carrier(carrier), StringComparison.Ordinal))
                row.Error("carrier", $"the row names carrier {row["carrier"]} in a table read for {Carrier(carrier)}");
        }

        return target is null ? null
            : new FitnessRule(id.ToLowerInvariant(), appliesTo, target, codes, risk, modes, minDays, limit, countedFrom, row["condition"], source, rowCarrier, row.Line);
    }

    private static (string? Target, IReadOnlyList<string> Codes) ReadAppliesTo(Row row, string appliesTo)
    {
        var value = appliesTo.ToLowerInvariant();
        if (value == RuleTargets.Haemoglobin) return (RuleTargets.Haemoglobin, []);
        if (value == RuleTargets.Pregnancy) return (RuleTargets.Pregnancy, []);
        var parts = appliesTo.Split('|', StringSplitOptions.TrimEntries);
        if (parts.All(p => ProcedureCodes.All.Contains(p.ToLowerInvariant()))) return (RuleTargets.Procedure, [.. parts.Select(p => p.ToLowerInvariant())]);
        if (parts.All(p => IcdPattern().IsMatch(p))) return (RuleTargets.Diagnosis, [.. parts.Select(Icd10.Normalise)]);
        row.Error("applies_to", $"{appliesTo} is not a list of ICD-10 codes (I21|I22), a procedure code ({string.Join(", ", ProcedureCodes.All)}), "
            + $"{RuleTargets.Haemoglobin} or {RuleTargets.Pregnancy}");
        return (null, []);
    }

    private static IReadOnlyList<string> ReadModes(Row row)
    {
        var modes = new List<string>();
        foreach (var part in row["modes"].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var mode = part.ToLowerInvariant();
            if (mode == CommercialModes) modes.AddRange(TransportModes.Commercial);
            else if (TransportModes.All.Contains(mode) && mode != TransportModes.Remains) modes.Add(mode);
            else row.Error("modes", $"unknown mode {part}; {CommercialModes} or any of {string.Join(", ", TransportModes.All.Except([TransportModes.Remains]))}");
        }
        if (modes.Count == 0 && row["modes"].Length == 0) row.Error("modes", "a rule limits at least one mode");
        return [.. modes.Distinct()];
    }

    private static void CheckTarget(Row row, string target, string countedFrom, int? minDays, decimal? limit)
    {
        var limitRule = target is RuleTargets.Haemoglobin or RuleTargets.Pregnancy;
        if (limitRule)
        {
            if (limit is null) row.Error("limit", $"{target} needs a limit (g/dl for haemoglobin, weeks for pregnancy)");
            if (minDays is not null) row.Error("min_days", $"{target} is a limit, not a wait: leave min_days empty");
            if (countedFrom != CountedFrom.None) row.Error("counted_from", $"{target} is counted from nothing: none");
            return;
        }
        if (limit is not null) row.Error("limit", "a limit is for haemoglobin or pregnancy only");
        var allowed = target == RuleTargets.Procedure ? [CountedFrom.Procedure] : new[] { CountedFrom.Event, CountedFrom.Drainage };
        if (!allowed.Contains(countedFrom))
            row.Error("counted_from", $"a {target} rule is counted from {string.Join(" or ", allowed)}");
    }

    private static string Carrier(string carrier) => carrier.Trim().ToUpperInvariant();

    private static FitnessRules LoadDefault()
    {
        using var stream = typeof(FitnessRules).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The default fitness-to-fly table {ResourceName} is not embedded in the service.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var table = Parse(reader, null);
        if (!table.IsValid)
            throw new InvalidOperationException("The default fitness-to-fly table has errors: " + string.Join("; ", table.Errors));
        return new FitnessRules(table.Rules);
    }

    /// <summary>
    /// The records of a CSV text (RFC 4180, read with CsvHelper), each with the line it starts on; blank lines are
    /// skipped, and the fields' surrounding spaces and tabs trimmed. Bad quoting is reported with its line and field.
    /// </summary>
    private static List<(int Line, List<string> Fields)> ReadRecords(TextReader csv, List<RuleError> errors)
    {
        var records = new List<(int, List<string>)>();
        int line = 1, field = 0;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            IgnoreBlankLines = false, // every line comes through, so the count of lines stays right
            TrimOptions = TrimOptions.Trim,
            WhiteSpaceChars = [' ', '\t'],
            MissingFieldFound = null,
            BadDataFound = args => errors.Add(QuoteError(args.Field, args.RawRecord, line, field)),
        };
        using var parser = new CsvParser(csv, config, leaveOpen: true);
        while (parser.Read())
        {
            // CsvHelper reads a field (and reports its bad quoting) when it is asked for: field is the one being read.
            var fields = new List<string>(parser.Count);
            for (field = 0; field < parser.Count; field++) fields.Add(parser[field]);
            var raw = parser.RawRecord;
            if (!string.IsNullOrWhiteSpace(raw)) records.Add((line, fields));
            line += raw.Count(c => c == '\n');
        }
        return records;
    }

    // What is wrong with the quoting of the record's field (0-based index) that starts on line start, and on which line.
    private static RuleError QuoteError(string field, string record, int start, int index)
    {
        var at = Math.Max(record.IndexOf(field, StringComparison.Ordinal), 0);
        int LineOf(int offset) => start + record.AsSpan(0, Math.Min(at + offset, record.Length)).Count('\n');
        var text = field.TrimStart(' ', '\t');
        var lead = field.Length - text.Length;
        if (!text.StartsWith('"'))
            return new RuleError(LineOf(lead + text.IndexOf('"')), index + 1, "", "a quote inside an unquoted field: quote the whole field and double the quote");
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] != '"') continue;
            if (i + 1 < text.Length && text[i + 1] == '"') { i++; continue; }
            return new RuleError(LineOf(lead + i), index + 1, "", "text after a quoted field's closing quote");
        }
        return new RuleError(start, index + 1, "", "a quoted field is not closed");
    }

    /// <summary>A record's fields by column name, gathering the row's errors.</summary>
    private sealed class Row(int line, List<string> fields, Dictionary<string, int> index, List<RuleError> errors)
    {
        public int Line => line;

        public string this[string column] => fields[index[column]].Trim();

        public RuleError Error(string column, string message)
        {
            var error = new RuleError(line, index[column] + 1, column, message);
            errors.Add(error);
            return error;
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z][0-9]{2}(\.?[0-9A-Za-z]{0,4})?$")]
    private static partial Regex IcdPattern();
}

/// <summary>ICD-10 codes compared by prefix: with or without the dot, in any case.</summary>
public static class Icd10
{
    public static string Normalise(string code) => code.Trim().Replace(".", "", StringComparison.Ordinal).ToUpperInvariant();

    public static bool Matches(string code, IEnumerable<string> prefixes)
    {
        var normalised = Normalise(code);
        return normalised.Length > 0 && prefixes.Any(p => normalised.StartsWith(p, StringComparison.Ordinal));
    }
}
