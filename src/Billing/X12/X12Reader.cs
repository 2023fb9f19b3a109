namespace Platform.Billing.X12;

/// <summary>The four separators of an interchange, as its ISA declares them.</summary>
public sealed record X12Delimiters(char Element, char Repetition, char Component, char Segment)
{
    public static readonly X12Delimiters Default = new('*', '^', ':', '~');
}

/// <summary>One segment: its id and elements, numbered as X12 does (<c>segment[1]</c> is the first element after the id).</summary>
public sealed class X12Segment
{
    private readonly string[] _parts;
    private readonly char _component;

    internal X12Segment(string[] parts, int position, char component)
    {
        _parts = parts;
        _component = component;
        Position = position;
    }

    public string Id => _parts[0];

    /// <summary>1-based position of the segment in the file.</summary>
    public int Position { get; }

    /// <summary>The number of elements after the id (trailing empty ones included, if the sender wrote them).</summary>
    public int Count => _parts.Length - 1;

    /// <summary>Element <paramref name="n"/> (1-based), or "" when the segment is shorter.</summary>
    public string this[int n] => n >= 1 && n < _parts.Length ? _parts[n] : "";

    /// <summary>The components of element <paramref name="n"/>; one component when it has no separator.</summary>
    public string[] Components(int n) => this[n].Split(_component);

    /// <summary>Component <paramref name="c"/> (1-based) of element <paramref name="n"/>, or "" when absent.</summary>
    public string Component(int n, int c)
    {
        var components = Components(n);
        return c >= 1 && c <= components.Length ? components[c - 1] : "";
    }

    public override string ToString() => string.Join('*', _parts);
}

/// <summary>An ST..SE transaction set; <c>Segments</c> includes ST and SE, so a segment's position in the set is its index + 1.</summary>
public sealed record X12TransactionSet(string Code, string ControlNumber, string Version, IReadOnlyList<X12Segment> Segments);

/// <summary>A GS..GE functional group: <c>FunctionalId</c> is GS01 (HC for claims, HP for payments), <c>Version</c> GS08.</summary>
public sealed record X12FunctionalGroup(
    string FunctionalId, string Sender, string Receiver, string Version, string ControlNumber, IReadOnlyList<X12TransactionSet> TransactionSets);

/// <summary>An ISA..IEA interchange.</summary>
public sealed record X12Interchange(
    X12Delimiters Delimiters,
    string SenderQualifier,
    string SenderId,
    string ReceiverQualifier,
    string ReceiverId,
    string ControlNumber,
    bool Production,
    IReadOnlyList<X12FunctionalGroup> Groups);

/// <summary>What the reader made of a file: the interchange (null when not even the ISA could be read) and every error found.</summary>
public sealed record X12ReadResult(X12Interchange? Interchange, IReadOnlyList<X12Error> Errors)
{
    public bool Ok => Interchange is not null && Errors.Count == 0;
}

/// <summary>
/// Reads one X12 5010 interchange: the delimiters from the fixed-width ISA, then the segments, checking the ISA/IEA,
/// GS/GE and ST/SE envelopes (counts and control numbers). It does not know any transaction set's content.
/// </summary>
public static class X12Reader
{
    // ISA01..ISA16 are fixed width, which is how a reader finds the delimiters before knowing them.
    private static readonly int[] IsaWidths = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];
    private const int IsaLength = 106;

    public static X12ReadResult Read(string? text)
    {
        var errors = new List<X12Error>();
        text ??= "";
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];

        var delimiters = ReadDelimiters(text, errors);
        if (delimiters is null) return new X12ReadResult(null, errors);

        var segments = Split(text, delimiters, errors);
        var interchange = ReadEnvelopes(segments, delimiters, errors);
        return new X12ReadResult(interchange, errors);
    }

    private static X12Delimiters? ReadDelimiters(string text, List<X12Error> errors)
    {
        if (!text.StartsWith("ISA", StringComparison.Ordinal))
        {
            errors.Add(new("ISA", 1, null, "the file does not start with an ISA segment, so it is not an X12 interchange"));
            return null;
        }
        if (text.Length < IsaLength)
        {
            errors.Add(new("ISA", 1, null, $"the ISA segment must be {IsaLength} characters long (with its terminator) and the file has only {text.Length}"));
            return null;
        }
        var element = text[3];
        var at = 4;
        for (var i = 0; i < IsaWidths.Length - 1; i++)
        {
            var next = text.IndexOf(element, at, IsaLength - at);
            if (next != at + IsaWidths[i])
            {
                var length = next < 0 ? "longer" : $"{next - at} characters";
                errors.Add(new("ISA", 1, $"ISA{i + 1:00}",
                    $"the ISA's elements are fixed width and ISA{i + 1:00} must be {IsaWidths[i]} characters, not {length} (with '{element}' as the element separator)"));
                return null;
            }
            at += IsaWidths[i] + 1;
        }
        var repetition = text[82];
        var component = text[104];
        var segment = text[105];

        var ok = true;
        void Refuse(string element, string message)
        {
            errors.Add(new("ISA", 1, element, message));
            ok = false;
        }
        if (!IsDelimiter(element)) Refuse("ISA01", $"'{Printable(element)}' cannot be the element separator: a separator must not be a letter, a digit or a space");
        if (repetition == 'U') Refuse("ISA11", "'U' is the 4010 standards identifier; a 5010 interchange puts its repetition separator in ISA11");
        else if (!IsDelimiter(repetition)) Refuse("ISA11", $"'{Printable(repetition)}' cannot be the repetition separator: a separator must not be a letter, a digit or a space");
        if (!IsDelimiter(component)) Refuse("ISA16", $"'{Printable(component)}' cannot be the component separator: a separator must not be a letter, a digit or a space");
        if (!IsDelimiter(segment) && segment != '\n') Refuse("ISA16", $"'{Printable(segment)}' after ISA16 cannot be the segment terminator: a terminator must not be a letter, a digit or a space");
        if (ok && new HashSet<char> { element, repetition, component, segment }.Count != 4)
            Refuse("ISA16", $"the element separator '{element}', repetition separator '{repetition}', component separator '{component}' and segment terminator '{Printable(segment)}' must all differ");
        return ok ? new X12Delimiters(element, repetition, component, segment) : null;
    }

    private static bool IsDelimiter(char c) => !char.IsLetterOrDigit(c) && !char.IsWhiteSpace(c) && !char.IsControl(c) || c == '\u001C' || c == '\u001D' || c == '\u001E' || c == '\u001F';

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString();

    private static List<X12Segment> Split(string text, X12Delimiters d, List<X12Error> errors)
    {
        var segments = new List<X12Segment>();
        var start = 0;
        var position = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf(d.Segment, start);
            var last = end < 0;
            if (last) end = text.Length;
            var raw = text[start..end];
            if (d.Segment == '\n') raw = raw.TrimEnd('\r');
            start = end + 1;
            // Line breaks after terminators are common in files saved by editors; they are not part of any segment.
            while (start < text.Length && (text[start] == '\r' || text[start] == '\n')) start++;
            if (last && raw.Trim('\r', '\n', ' ').Length == 0) break;

            position++;
            if (last)
            {
                errors.Add(new(Head(raw), position, null, $"the file ends without the segment terminator '{Printable(d.Segment)}' after its last segment"));
            }
            if (raw.Length == 0)
            {
                errors.Add(new("", position, null, "empty segment (two segment terminators in a row)"));
                continue;
            }
            var parts = raw.Split(d.Element);
            if (!IsSegmentId(parts[0]))
            {
                errors.Add(new(Head(parts[0]), position, null, $"\"{Head(parts[0])}\" is not a segment id (two or three capital letters or digits, starting with a letter)"));
                continue;
            }
            segments.Add(new X12Segment(parts, position, d.Component));
        }
        return segments;
    }

    private static string Head(string raw) => raw.Length <= 3 ? raw : raw[..3];

    private static bool IsSegmentId(string id) =>
        id.Length is 2 or 3 && id[0] is >= 'A' and <= 'Z' && id.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9');

    private static X12Interchange? ReadEnvelopes(List<X12Segment> segments, X12Delimiters d, List<X12Error> errors)
    {
        if (segments.Count == 0 || segments[0].Id != "ISA") return null;
        var isa = segments[0];
        if (isa[12] != "00501") errors.Add(new("ISA", 1, "ISA12", $"the interchange version is \"{isa[12]}\"; only 00501 (5010) is read"));
        if (!IsDigits(isa[13], 9, 9)) errors.Add(new("ISA", 1, "ISA13", $"the interchange control number \"{isa[13]}\" must be 9 digits"));
        if (isa[15] is not ("P" or "T")) errors.Add(new("ISA", 1, "ISA15", $"the usage indicator \"{isa[15]}\" must be P (production) or T (test)"));

        var groups = new List<X12FunctionalGroup>();
        X12Segment? gs = null;
        List<X12TransactionSet>? sets = null;
        List<X12Segment>? set = null;
        var iea = false;

        void CloseSet(string why, X12Segment at)
        {
            errors.Add(new(at.Id, at.Position, null, $"transaction set {set![0][2]} has no SE: {why}"));
            sets!.Add(new X12TransactionSet(set[0][1], set[0][2], set[0][3], set));
            set = null;
        }
        void CloseGroup(string why, X12Segment at)
        {
            errors.Add(new(at.Id, at.Position, null, $"functional group {gs![6]} has no GE: {why}"));
            groups.Add(new X12FunctionalGroup(gs[1], gs[2], gs[3], gs[8], gs[6], sets!));
            gs = null;
            sets = null;
        }

        foreach (var s in segments.Skip(1))
        {
            if (iea)
            {
                errors.Add(new(s.Id, s.Position, null, s.Id == "ISA" ? "a second interchange: send one interchange per file" : "a segment after the IEA that closes the interchange"));
                continue;
            }
            switch (s.Id)
            {
                case "ISA":
                    errors.Add(new(s.Id, s.Position, null, "an ISA inside an interchange: send one interchange per file"));
                    break;
                case "GS":
                    if (set is not null) CloseSet("a GS starts before it ends", s);
                    if (gs is not null) CloseGroup("a GS starts before it ends", s);
                    gs = s;
                    sets = [];
                    if (!IsDigits(s[6], 1, 9)) errors.Add(new(s.Id, s.Position, "GS06", $"the group control number \"{s[6]}\" must be 1 to 9 digits"));
                    break;
                case "ST":
                    if (gs is null)
                    {
                        errors.Add(new(s.Id, s.Position, null, "an ST outside a GS/GE functional group"));
                        break;
                    }
                    if (set is not null) CloseSet("an ST starts before it ends", s);
                    set = [s];
                    if (!IsDigits(s[2], 4, 9)) errors.Add(new(s.Id, 1, "ST02", $"the transaction set control number \"{s[2]}\" must be 4 to 9 digits", s[2]));
                    if (s[3].Length > 0 && s[3] != gs[8]) errors.Add(new(s.Id, 1, "ST03", $"the transaction set says version \"{s[3]}\" but its group (GS08) says \"{gs[8]}\"", s[2]));
                    break;
                case "SE":
                    if (set is null)
                    {
                        errors.Add(new(s.Id, s.Position, null, "an SE with no ST before it"));
                        break;
                    }
                    set.Add(s);
                    var st = set[0];
                    if (!int.TryParse(s[1], out var count) || count != set.Count)
                        errors.Add(new(s.Id, set.Count, "SE01", $"the transaction set has {set.Count} segments (ST and SE included) but SE01 says \"{s[1]}\"", st[2]));
                    if (s[2] != st[2])
                        errors.Add(new(s.Id, set.Count, "SE02", $"the control number \"{s[2]}\" does not match ST02 \"{st[2]}\"", st[2]));
                    sets!.Add(new X12TransactionSet(st[1], st[2], st[3].Length > 0 ? st[3] : gs![8], set));
                    set = null;
                    break;
                case "GE":
                    if (gs is null)
                    {
                        errors.Add(new(s.Id, s.Position, null, "a GE with no GS before it"));
                        break;
                    }
                    if (set is not null) CloseSet("the GE comes first", s);
                    if (!int.TryParse(s[1], out var setCount) || setCount != sets!.Count)
                        errors.Add(new(s.Id, s.Position, "GE01", $"the group has {sets!.Count} transaction sets but GE01 says \"{s[1]}\""));
                    if (s[2] != gs[6])
                        errors.Add(new(s.Id, s.Position, "GE02", $"the control number \"{s[2]}\" does not match GS06 \"{gs[6]}\""));
                    groups.Add(new X12FunctionalGroup(gs[1], gs[2], gs[3], gs[8], gs[6], sets!));
                    gs = null;
                    sets = null;
                    break;
                case "IEA":
                    if (set is not null) CloseSet("the IEA comes first", s);
                    if (gs is not null) CloseGroup("the IEA comes first", s);
                    if (!int.TryParse(s[1], out var groupCount) || groupCount != groups.Count)
                        errors.Add(new(s.Id, s.Position, "IEA01", $"the interchange has {groups.Count} functional groups but IEA01 says \"{s[1]}\""));
                    if (s[2] != isa[13])
                        errors.Add(new(s.Id, s.Position, "IEA02", $"the control number \"{s[2]}\" does not match ISA13 \"{isa[13]}\""));
                    iea = true;
                    break;
                default:
                    if (set is null) errors.Add(new(s.Id, s.Position, null, "a segment outside any ST/SE transaction set"));
                    else set.Add(s);
                    break;
            }
        }
        if (!iea)
        {
            var last = segments[^1];
            if (set is not null) CloseSet("the file ends first", last);
            if (gs is not null) CloseGroup("the file ends first", last);
            errors.Add(new("IEA", last.Position + 1, null, "the file ends without the IEA that closes the interchange"));
        }
        if (groups.Count == 0) errors.Add(new("GS", 2, null, "the interchange holds no functional group"));

        return new X12Interchange(d, isa[5], isa[6].TrimEnd(), isa[7], isa[8].TrimEnd(), isa[13], isa[15] == "P", groups);
    }

    internal static bool IsDigits(string s, int min, int max) => s.Length >= min && s.Length <= max && s.All(char.IsAsciiDigit);
}
