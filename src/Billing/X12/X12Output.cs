using System.Globalization;
using System.Text;

namespace Platform.Billing.X12;

/// <summary>
/// The envelope of a file we write: ISA06/ISA08 (and GS02/GS03) ids with their qualifiers (ZZ mutually defined unless
/// told otherwise), the interchange (ISA13) and group (GS06) control numbers, when it is made and whether it is
/// production data (ISA15 P) or a test (T).
/// </summary>
public sealed record X12Control(
    string SenderId,
    string ReceiverId,
    int InterchangeNumber,
    int GroupNumber,
    DateTimeOffset CreatedAt,
    bool Production = false,
    string SenderQualifier = "ZZ",
    string ReceiverQualifier = "ZZ");

/// <summary>A contact: a name and a phone number or an e-mail address (at least one of them).</summary>
public sealed record X12Contact(string Name, string? Phone, string? Email);

/// <summary>
/// Builds one transaction set inside its ISA/GS/ST envelope. Values are checked as they are added; every problem is
/// kept so the writer can report them all at once.
/// </summary>
internal sealed class X12Output(X12Control control, string functionalId, string transactionSet, string version)
{
    private static readonly X12Delimiters D = X12Delimiters.Default;
    private const string ControlNumber = "0001";
    private readonly List<string> _segments = [];

    public List<string> Problems { get; } = [];

    public void Add(string id, params string?[] elements)
    {
        var count = elements.Length;
        while (count > 0 && string.IsNullOrEmpty(elements[count - 1])) count--;
        var sb = new StringBuilder(id);
        for (var i = 0; i < count; i++) sb.Append(D.Element).Append(elements[i]);
        _segments.Add(sb.ToString());
    }

    /// <summary>A data value: refused (as a problem naming <paramref name="element"/>) when it holds a separator or a
    /// character outside printable ASCII, or is longer than the element allows.</summary>
    public string Text(string? value, string element, int max, bool required = true)
    {
        value = value?.Trim() ?? "";
        if (value.Length == 0)
        {
            if (required) Problems.Add($"{element}: a value is required.");
            return "";
        }
        var bad = value.FirstOrDefault(c => c < ' ' || c > '~' || c == D.Element || c == D.Repetition || c == D.Component || c == D.Segment);
        if (bad != default) Problems.Add($"{element}: \"{value}\" holds '{bad}', which an X12 file cannot carry.");
        if (value.Length > max) Problems.Add($"{element}: \"{value}\" is longer than the {max} characters the element allows.");
        return value;
    }

    public static string Composite(params string?[] components)
    {
        var count = components.Length;
        while (count > 0 && string.IsNullOrEmpty(components[count - 1])) count--;
        return string.Join(D.Component, components.Take(count));
    }

    public static string Amount(decimal value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public static string Quantity(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset at) => at.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.ToString("HHmm", CultureInfo.InvariantCulture);

    /// <summary>The whole interchange, one segment a line.</summary>
    public string Build()
    {
        if (control.InterchangeNumber is < 0 or > 999_999_999) Problems.Add("ISA13: the interchange control number must fit in 9 digits.");
        if (control.GroupNumber is < 1 or > 999_999_999) Problems.Add("GS06: the group control number must be 1 to 9 digits.");
        var sender = Text(control.SenderId, "ISA06", 15);
        var receiver = Text(control.ReceiverId, "ISA08", 15);
        if (Problems.Count > 0) throw new X12WriteException(Problems);

        var at = control.CreatedAt;
        var lines = new List<string>
        {
            string.Join(D.Element, "ISA", "00", new string(' ', 10), "00", new string(' ', 10),
                control.SenderQualifier, sender.PadRight(15), control.ReceiverQualifier, receiver.PadRight(15),
                at.ToString("yyMMdd", CultureInfo.InvariantCulture), Time(at), D.Repetition.ToString(), "00501",
                control.InterchangeNumber.ToString("D9", CultureInfo.InvariantCulture), "0", control.Production ? "P" : "T",
                D.Component.ToString()),
            string.Join(D.Element, "GS", functionalId, sender, receiver, Date(at), Time(at),
                control.GroupNumber.ToString(CultureInfo.InvariantCulture), "X", version),
            // The 835 guide marks ST03 not used; the 837 guides require it.
            transactionSet == "835" ? string.Join(D.Element, "ST", transactionSet, ControlNumber) : string.Join(D.Element, "ST", transactionSet, ControlNumber, version),
        };
        lines.AddRange(_segments);
        lines.Add(string.Join(D.Element, "SE", (_segments.Count + 2).ToString(CultureInfo.InvariantCulture), ControlNumber));
        lines.Add(string.Join(D.Element, "GE", "1", control.GroupNumber.ToString(CultureInfo.InvariantCulture)));
        lines.Add(string.Join(D.Element, "IEA", "1", control.InterchangeNumber.ToString("D9", CultureInfo.InvariantCulture)));
        return string.Join(D.Segment + "\n", lines) + D.Segment + "\n";
    }
}
