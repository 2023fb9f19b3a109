namespace Platform.Repatriation.Fitness;

/// <summary>
/// One row of a fitness-to-fly table. <c>Target</c> says what <c>Codes</c> are (see <see cref="RuleTargets"/>): ICD-10
/// prefixes without the dot, procedure codes, or nothing for a lab value or pregnancy. <c>Risk</c>: the treating
/// doctor's risk class the row is for (<see cref="RuleRisks"/>); <c>any</c> applies when no row of the same
/// <c>AppliesTo</c> names the case's class. <c>MinDays</c>: days after <c>CountedFrom</c> before the modes may travel
/// (null: not until the doctor finds the condition stable). <c>Limit</c>: the lowest haemoglobin in g/dl, or the week of
/// pregnancy from which the modes may not travel. <c>Carrier</c>: the IATA code of the carrier whose table it comes from
/// (null: the default table). <c>Line</c>: where it was read, for messages.
/// </summary>
public sealed record FitnessRule(
    string Id,
    string AppliesTo,
    string Target,
    IReadOnlyList<string> Codes,
    string Risk,
    IReadOnlyList<string> Modes,
    int? MinDays,
    decimal? Limit,
    string CountedFrom,
    string Condition,
    string Source,
    string? Carrier,
    int Line);

public static class RuleTargets
{
    public const string Diagnosis = "diagnosis";
    public const string Procedure = "procedure";
    public const string Haemoglobin = "lab:haemoglobin";
    public const string Pregnancy = "pregnancy";
}

public static class RuleRisks
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Any = "any";

    public static readonly string[] All = [Low, Medium, High, Any];
}

/// <summary>The date a row's days are counted from.</summary>
public static class CountedFrom
{
    /// <summary>The diagnosis's date: the infarction, the stroke, the onset.</summary>
    public const string Event = "event";
    /// <summary>The procedure's date.</summary>
    public const string Procedure = "procedure";
    /// <summary>The last chest drain of the case (a pneumothorax counts from its drainage, not its onset).</summary>
    public const string Drainage = "drainage";
    /// <summary>A lab value or pregnancy: a limit, not a wait.</summary>
    public const string None = "none";

    public static readonly string[] All = [Event, Procedure, Drainage, None];
}

/// <summary>A defect of a rule table: the line (1 is the header), the column (1-based) and its name, and what is wrong.</summary>
public sealed record RuleError(int Line, int Column, string ColumnName, string Message)
{
    public override string ToString() => $"line {Line}, column {Column} ({ColumnName}): {Message}";
}

/// <summary>A parsed table: its rows, and its errors (when there are any, the rows are the ones that were valid).</summary>
public sealed record FitnessRuleTable(IReadOnlyList<FitnessRule> Rules, IReadOnlyList<RuleError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
