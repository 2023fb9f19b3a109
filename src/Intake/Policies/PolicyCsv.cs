using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Platform.Intake.Policies;

/// <summary>
/// Reads a CSV register (RFC 4180, UTF-8, comma-separated, first row the header) from the request stream, one row at a
/// time. One row per insured person; the rows of one policy repeat its policy fields and are merged into one policy.
/// Errors are keyed <c>rows[12].insured_date_of_birth</c>: the line of the file where the row starts, the header being
/// line 1 (the same as the spreadsheet row number unless a quoted field spans lines).
/// </summary>
/// <remarks>
/// Columns (any order; names are case-insensitive):
/// <list type="table">
/// <item><term>policy_number</term><description>required; letters, digits and . _ / -</description></item>
/// <item><term>plan</term><description>required</description></item>
/// <item><term>start_date, end_date</term><description>required, YYYY-MM-DD, both inclusive</description></item>
/// <item><term>territory</term><description>required; country codes (ISO 3166-1 alpha-2) and regions separated by ';', e.g. <c>SCHENGEN;TR</c></description></item>
/// <item><term>insured_full_name, insured_date_of_birth</term><description>required</description></item>
/// <item><term>insured_document</term><description>optional identity document number</description></item>
/// <item><term>limits</term><description>optional; <c>benefit:amount:currency</c> separated by ';', e.g. <c>medical-expenses:50000:EUR;repatriation:10000:EUR</c></description></item>
/// <item><term>deductible</term><description>optional; <c>amount:currency</c>, e.g. <c>100:EUR</c></description></item>
/// <item><term>covered_risks, excluded_risks</term><description>optional; codes separated by ';', e.g. <c>illness;accident</c></description></item>
/// <item><term>assistance_partner</term><description>optional</description></item>
/// </list>
/// Amounts use '.' as the decimal point and no thousands separator.
/// </remarks>
internal static class PolicyCsvReader
{
    private const int PolicyNumber = 0, Plan = 1, StartDate = 2, EndDate = 3, Territory = 4, FullName = 5, DateOfBirth = 6,
        Document = 7, Limits = 8, Deductible = 9, CoveredRisks = 10, ExcludedRisks = 11, AssistancePartner = 12;

    public static readonly string[] Columns =
    [
        "policy_number", "plan", "start_date", "end_date", "territory", "insured_full_name", "insured_date_of_birth",
        "insured_document", "limits", "deductible", "covered_risks", "excluded_risks", "assistance_partner",
    ];

    private static readonly int[] Required = [PolicyNumber, Plan, StartDate, EndDate, Territory, FullName, DateOfBirth];

    /// <summary>The policy fields every row of a policy repeats; rows that disagree on one are reported.</summary>
    private static readonly int[] PolicyFields = [Plan, StartDate, EndDate, Territory, Limits, Deductible, CoveredRisks, ExcludedRisks, AssistancePartner];

    /// <summary>The first row of a policy and a hash of each of its policy fields (a fingerprint rather than the
    /// values, to keep a 100,000-policy file's bookkeeping small).</summary>
    private sealed class PolicyRows(int firstRow, int[] fields)
    {
        public int FirstRow { get; } = firstRow;
        public int[] Fields { get; } = fields;
        public int Insured { get; set; }
    }

    public static async Task ReadAsync(Stream body, PolicyBatch batch, CancellationToken ct)
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
        int[]? columns = null;
        var width = 0;
        var policies = new Dictionary<string, PolicyRows>(StringComparer.Ordinal);
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
                errors.Add(QuotingKey(at, quoting, record, columns),
                    "The quotes are malformed: enclose the whole field in double quotes and double any quote inside it (\"\").");
            else if (record.Length != width)
                errors.Add(at, $"The row has {record.Length} fields; the header has {width}.");
            for (var i = 0; i < record.Length && errors.IsValid; i++)
                if (PlainText.HasControlCharacters(record[i]))
                    errors.Add(Array.IndexOf(columns, i) is >= 0 and var field ? $"{at}.{Columns[field]}" : at, PlainText.Rule);
            if (!errors.IsValid)
            {
                batch.Reject(errors);
                if (batch.TooManyErrors) return;
                continue;
            }

            var policy = ParseRow(record, columns, at, errors, out var person);
            if (policy is not null)
            {
                var fingerprint = Fingerprint(policy);
                if (policies.TryGetValue(policy.PolicyNumber, out var first))
                {
                    foreach (var (field, i) in PolicyFields.Select((f, i) => (f, i)))
                        if (first.Fields[i] != fingerprint[i])
                            errors.Add($"{at}.{Columns[field]}",
                                $"Differs from row {first.FirstRow}, which has the same policy number: every row of a policy repeats its policy fields.");
                    if (errors.IsValid) await batch.AddInsuredAsync(policy.PolicyNumber, first.Insured++, person!, ct);
                }
                else
                {
                    policies[policy.PolicyNumber] = new PolicyRows(row, fingerprint) { Insured = 1 };
                    await batch.AddPolicyAsync(policy with { Insured = [person!] }, ct);
                }
            }
            if (!errors.IsValid)
            {
                batch.Reject(errors);
                if (batch.TooManyErrors) return;
            }
        }
        if (columns is null) batch.Reject("rows[1]", $"The file is empty: the first row must be the header ({string.Join(",", Columns)}).");
    }

    /// <summary>Names the field whose quotes are wrong when it can be told from the parsed row.</summary>
    private static string QuotingKey(string at, string rawField, string[] record, int[] columns)
    {
        var unquoted = rawField.Replace("\"", "");
        for (var i = 0; i < record.Length; i++)
        {
            if (record[i].Length == 0 || !unquoted.StartsWith(record[i].Replace("\"", ""), StringComparison.Ordinal)) continue;
            var column = Array.IndexOf(columns, i);
            return column >= 0 ? $"{at}.{Columns[column]}" : at;
        }
        return at;
    }

    /// <summary>Where each known column is in the file (-1 when absent), or null when the header is wrong.</summary>
    private static int[]? ReadHeader(string[] header, PolicyBatch batch)
    {
        var errors = new ValidationErrors();
        var columns = Enumerable.Repeat(-1, Columns.Length).ToArray();
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            var known = Array.IndexOf(Columns, name);
            if (known < 0) errors.Add($"rows[1].{name}", $"Unknown column '{header[i]}'. The columns are: {string.Join(", ", Columns)}.");
            else if (columns[known] >= 0) errors.Add($"rows[1].{name}", "The column appears twice.");
            else columns[known] = i;
        }
        foreach (var required in Required)
            if (columns[required] < 0) errors.Add($"rows[1].{Columns[required]}", "The column is missing.");
        if (errors.IsValid) return columns;
        batch.Reject(errors);
        return null;
    }

    /// <summary>The row as a policy without insured persons, and the row's insured person; null when a field is wrong.</summary>
    private static Policy? ParseRow(string[] record, int[] columns, string at, ValidationErrors e, out InsuredPerson? person)
    {
        person = null;
        string Get(int column) => columns[column] < 0 ? "" : record[columns[column]].Trim();
        string Key(int column) => $"{at}.{Columns[column]}";

        bool Check(int column, string? error)
        {
            if (error is null) return true;
            e.Add(Key(column), error);
            return false;
        }
        bool Required(int column) => Check(column, Get(column).Length == 0 ? "The field is required." : null);

        DateOnly? Date(int column)
        {
            if (!Required(column)) return null;
            if (DateOnly.TryParseExact(Get(column), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
            e.Add(Key(column), $"'{Get(column)}' is not a date in the form YYYY-MM-DD.");
            return null;
        }

        List<string> Codes(int column, Func<string, string> normalize, Func<string, string?> rule)
        {
            var codes = new List<string>();
            var entries = Get(column).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = 0; i < entries.Length; i++)
            {
                var code = normalize(entries[i]);
                if (rule(code) is { } error) e.Add(Key(column), $"Entry {i + 1}: {error}");
                else if (!codes.Contains(code)) codes.Add(code);
            }
            return codes;
        }

        var number = Get(PolicyNumber);
        if (Required(PolicyNumber)) Check(PolicyNumber, PolicyRules.CheckPolicyNumber(number));
        var plan = Get(Plan);
        if (Required(Plan)) Check(Plan, PolicyRules.CheckText(plan));
        var start = Date(StartDate);
        var end = Date(EndDate);
        if (start is not null && end is not null) Check(EndDate, PolicyRules.CheckPeriod(start.Value, end.Value));

        var territory = new List<string>();
        if (Required(Territory))
        {
            territory = Codes(Territory, PolicyRules.NormalizeUpper, PolicyRules.CheckTerritory);
            if (territory.Count == 0 && e.IsValid) e.Add(Key(Territory), "At least one country or region is required.");
        }

        var name = PolicyRules.NormalizeName(Get(FullName));
        if (Required(FullName)) Check(FullName, PolicyRules.CheckText(name));
        var born = Date(DateOfBirth);
        if (born is not null && !Check(DateOfBirth, PolicyRules.CheckDateOfBirth(born.Value, end))) born = null;
        var document = Get(Document);
        Check(Document, PolicyRules.CheckText(document, PolicyRules.MaxDocument));

        var limits = new List<BenefitLimit>();
        var entries = Get(Limits).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < entries.Length; i++)
        {
            var parts = entries[i].Split(':', StringSplitOptions.TrimEntries);
            var error = parts.Length != 3
                ? "write benefit:amount:currency, such as medical-expenses:50000:EUR."
                : PolicyRules.CheckCode(PolicyRules.NormalizeCode(parts[0]), "benefit")
                  ?? AmountError(parts[1], allowZero: false)
                  ?? PolicyRules.CheckCurrency(PolicyRules.NormalizeUpper(parts[2]));
            if (error is not null) e.Add(Key(Limits), $"Entry {i + 1} ('{entries[i]}'): {error}");
            else limits.Add(new BenefitLimit(PolicyRules.NormalizeCode(parts[0]), Amount(parts[1]), PolicyRules.NormalizeUpper(parts[2])));
        }

        Money? deductible = null;
        if (Get(Deductible) is { Length: > 0 } raw)
        {
            var parts = raw.Split(':', StringSplitOptions.TrimEntries);
            var error = parts.Length != 2
                ? "Write amount:currency, such as 100:EUR."
                : AmountError(parts[0], allowZero: true) ?? PolicyRules.CheckCurrency(PolicyRules.NormalizeUpper(parts[1]));
            if (Check(Deductible, error)) deductible = new Money(Amount(parts[0]), PolicyRules.NormalizeUpper(parts[1]));
        }

        var covered = Codes(CoveredRisks, PolicyRules.NormalizeCode, c => PolicyRules.CheckCode(c, "risk"));
        var excluded = Codes(ExcludedRisks, PolicyRules.NormalizeCode, c => PolicyRules.CheckCode(c, "risk"));
        PolicyRules.CheckConsistency(limits, covered, excluded,
            (list, i, error) => e.Add(Key(list == "limits" ? Limits : ExcludedRisks), $"Entry {i + 1}: {error}"));
        var partner = Get(AssistancePartner);
        Check(AssistancePartner, PolicyRules.CheckText(partner));

        if (!e.IsValid) return null;
        person = new InsuredPerson(name, born!.Value, document.Length == 0 ? null : document);
        return new Policy(number, plan, new PolicyPeriod(start!.Value, end!.Value), territory, [], limits, deductible,
            covered, excluded, partner.Length == 0 ? null : partner);
    }

    private static string? AmountError(string text, bool allowZero) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            ? PolicyRules.CheckAmount(amount, allowZero)
            : $"'{text}' is not an amount: digits with '.' as the decimal point, such as 50000 or 99.50.";

    private static decimal Amount(string text) =>
        PolicyRules.NormalizeAmount(decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));

    private static int[] Fingerprint(Policy p) =>
    [
        p.Plan.GetHashCode(),
        p.Period.Start.GetHashCode(),
        p.Period.End.GetHashCode(),
        PolicyRules.Canonical(p.Territory).GetHashCode(),
        PolicyRules.Canonical(p.Limits).GetHashCode(),
        (p.Deductible?.ToString() ?? "").GetHashCode(),
        PolicyRules.Canonical(p.CoveredRisks).GetHashCode(),
        PolicyRules.Canonical(p.ExcludedRisks).GetHashCode(),
        (p.AssistancePartner ?? "").GetHashCode(),
    ];
}
