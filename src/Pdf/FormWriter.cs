using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Platform.Pdf;

/// <summary>
/// Writes a form top-down in DejaVu Sans (<see cref="EmbeddedFonts"/>): wrapped paragraphs, rows of labelled boxes,
/// labelled fields, headings and shaded bands, numbered items with tick boxes, lines to write and sign on, and tables
/// whose rows keep together when they can and split line by line when a row alone is taller than a page. Whatever does
/// not fit goes on a new page (with the document's running header and the table's header again): text is never cut
/// off. Every page gets a footer with its number when the document is saved. Billing's claim forms, statements and
/// authorizations and repatriation's MEDIF are written with it.
/// </summary>
public sealed class FormWriter : IDisposable
{
    public const double Margin = 36;

    /// <summary>How far right of an item's number its question, answer, tick boxes and lines to write on start.</summary>
    public const double ItemIndent = 48;

    private const double FooterHeight = 16, Pad = 2.5, TickSize = 7.5;

    // What a running header and a table header take at most, so a block "that fits on a page" fits under them.
    private const double HeaderAllowance = 60;

    public static readonly XFont Title, HeadingFont, Bold, Text, Small, SmallBold, Label, TickMark;
    public static readonly XBrush LabelBrush = new XSolidBrush(XColor.FromArgb(70, 70, 70));
    public static readonly XBrush LightShade = new XSolidBrush(XColor.FromArgb(238, 238, 238));
    public static readonly XPen Border = new(XColor.FromArgb(150, 150, 150), 0.5);
    public static readonly XPen WriteLine = new(XColor.FromArgb(120, 120, 120), 0.4);

    private readonly PdfDocument document = new();
    private readonly PageSize size;
    private readonly string footer;
    private XGraphics? gfx;
    private Table? table;

    static FormWriter()
    {
        EmbeddedFonts.Install();
        var unicode = new XPdfFontOptions(PdfFontEncoding.Unicode);
        Title = new XFont(EmbeddedFonts.Family, 14, XFontStyleEx.Bold, unicode);
        HeadingFont = new XFont(EmbeddedFonts.Family, 10.5, XFontStyleEx.Bold, unicode);
        Bold = new XFont(EmbeddedFonts.Family, 8.5, XFontStyleEx.Bold, unicode);
        Text = new XFont(EmbeddedFonts.Family, 8.5, XFontStyleEx.Regular, unicode);
        Small = new XFont(EmbeddedFonts.Family, 7.5, XFontStyleEx.Regular, unicode);
        SmallBold = new XFont(EmbeddedFonts.Family, 7.5, XFontStyleEx.Bold, unicode);
        Label = new XFont(EmbeddedFonts.Family, 6, XFontStyleEx.Regular, unicode);
        TickMark = new XFont(EmbeddedFonts.Family, 7, XFontStyleEx.Bold, unicode);
    }

    /// <param name="size">Every page's size (US Letter for the US claim forms, A4 for the MEDIF).</param>
    /// <param name="title">The PDF's title (its document information).</param>
    /// <param name="footer">Left part of every page's footer (the page number follows it).</param>
    public FormWriter(PageSize size, string title, string footer)
    {
        this.size = size;
        this.footer = footer;
        document.Info.Title = title;
        document.Options.NoCompression = false;
    }

    /// <summary>Drawn at the top of every page the writer adds because content overflowed (not by <see cref="NewPage"/>).</summary>
    public Action<FormWriter>? RunningHeader { get; set; }

    /// <summary>
    /// Makes <paramref name="text"/> (the document's name and "(continued)", in the document's language) the
    /// <see cref="RunningHeader"/>: one bold line at the top of every page content overflows onto.
    /// </summary>
    public void ContinuedHeader(string text) => RunningHeader = w =>
    {
        w.Paragraph(text, Bold);
        w.Y += 2;
    };

    /// <summary>The grey behind table headers, shaded rows and bands; <see cref="LightShade"/> unless the document wants another.</summary>
    public XBrush Shade { get; init; } = LightShade;

    public double Y { get; set; }
    public double Left => Margin;
    public double Right => Page.Width.Point - Margin;
    public double Width => Right - Left;
    public double Bottom => Page.Height.Point - Margin - FooterHeight;
    public int PageCount => document.PageCount;
    public XGraphics Gfx => gfx ?? throw new InvalidOperationException("No page yet.");
    private PdfPage Page => document.Pages[document.PageCount - 1];

    public static double LineHeight(XFont font) => font.Size * 1.25;

    /// <summary>Starts a new page; the caller draws its own header.</summary>
    public void NewPage()
    {
        gfx?.Dispose();
        var page = document.AddPage();
        page.Size = size;
        gfx = XGraphics.FromPdfPage(page);
        Y = Margin;
        table = null;
    }

    /// <summary>Makes room for <paramref name="height"/>: a new page (with the running header) when it does not fit here.</summary>
    public void Need(double height)
    {
        if (gfx is not null && Y + height <= Bottom) return;
        var current = table;
        NewPage();
        RunningHeader?.Invoke(this);
        if (current is not null) BeginTable(current.Columns, current.Font, current.HeaderFont);
    }

    /// <summary>Like <see cref="Need"/>, but only when the block fits on a page at all (a taller one starts here and breaks as it goes).</summary>
    public void KeepTogether(double height)
    {
        if (height <= Bottom - Margin - HeaderAllowance) Need(height);
    }

    /// <summary>
    /// <paramref name="value"/> cut into lines no wider than <paramref name="width"/>: at spaces, at explicit line breaks,
    /// and inside a word only when the word alone is too wide (a long code or address).
    /// </summary>
    public IReadOnlyList<string> Wrap(string? value, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in (value ?? "").Replace("\r", "").Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (Measure(candidate, font) <= width) { line = candidate; continue; }
                if (line.Length > 0) lines.Add(line);
                line = word;
                while (Measure(line, font) > width && line.Length > 1)
                {
                    var fit = 1;
                    while (fit < line.Length && Measure(line[..(fit + 1)], font) <= width) fit++;
                    lines.Add(line[..fit]);
                    line = line[fit..];
                }
            }
            lines.Add(line);
        }
        return lines;
    }

    public double Measure(string value, XFont font) => Gfx.MeasureString(value, font).Width;

    /// <summary>Wrapped text from the current position, line by line onto new pages as needed.</summary>
    public void Paragraph(string value, XFont font, double indent = 0, XBrush? brush = null, double spaceAfter = 3)
    {
        foreach (var line in Wrap(value, font, Width - indent))
        {
            Need(LineHeight(font));
            Y += LineHeight(font);
            Gfx.DrawString(line, font, brush ?? XBrushes.Black, new XPoint(Left + indent, Y - font.Size * 0.28));
        }
        Y += spaceAfter;
    }

    /// <summary>A heading over a rule, kept with the first lines of what follows.</summary>
    public void Heading(string value, double spaceBefore = 8)
    {
        var height = spaceBefore + LineHeight(HeadingFont) + 4 + 3 * LineHeight(Text);
        Need(height);
        Y += spaceBefore;
        Paragraph(value, HeadingFont, spaceAfter: 1);
        Gfx.DrawLine(Border, Left, Y, Right, Y);
        Y += 4;
    }

    /// <summary>A part's title on a shaded band across the page, with what it is for under it.</summary>
    public void Band(string title, string? note)
    {
        var noteLines = Wrap(note, Small, Width - 2 * Pad);
        Need(LineHeight(HeadingFont) + 2 * Pad + noteLines.Count * LineHeight(Small) + 60);
        var height = LineHeight(HeadingFont) + 2 * Pad;
        Gfx.DrawRectangle(Shade, Left, Y, Width, height);
        Gfx.DrawString(title, HeadingFont, XBrushes.Black, new XPoint(Left + Pad, Y + Pad + LineHeight(HeadingFont) - HeadingFont.Size * 0.28));
        Y += height + 1;
        if (!string.IsNullOrEmpty(note)) Paragraph(note, Small, indent: Pad, brush: LabelBrush, spaceAfter: 4);
    }

    /// <summary>A label and its value on one baseline, the value wrapped in the column right of <paramref name="labelWidth"/>.</summary>
    public void Field(string label, string? value, double labelWidth = 150)
    {
        var labelLines = Wrap(label, Bold, labelWidth - 6);
        var valueLines = Wrap(string.IsNullOrWhiteSpace(value) ? "—" : value, Text, Width - labelWidth);
        var lineHeight = LineHeight(Text);
        var height = Math.Max(labelLines.Count, valueLines.Count) * lineHeight;
        if (height > Bottom - Margin - HeaderAllowance)
        {
            Paragraph(label, Bold, spaceAfter: 0);
            Paragraph(value ?? "—", Text);
            return;
        }
        Need(height);
        for (var i = 0; i < labelLines.Count; i++)
            Gfx.DrawString(labelLines[i], Bold, XBrushes.Black, new XPoint(Left, Y + (i + 1) * lineHeight - Text.Size * 0.28));
        for (var i = 0; i < valueLines.Count; i++)
            Gfx.DrawString(valueLines[i], Text, XBrushes.Black, new XPoint(Left + labelWidth, Y + (i + 1) * lineHeight - Text.Size * 0.28));
        Y += height + 2;
    }

    /// <summary>
    /// An item's number and question in bold, kept with at least <paramref name="keepWith"/> points of what follows;
    /// its tick boxes (<paramref name="ticks"/>) on the question's last line when they fit there, else under it.
    /// </summary>
    public void Item(string number, string question, double keepWith = 24, params (string Label, bool Ticked)[] ticks)
    {
        var indent = number.Length == 0 ? 0 : ItemIndent;
        var lines = Wrap(question, Bold, Width - indent);
        var lineHeight = Math.Max(LineHeight(Bold), TickSize + 3);
        Need(lines.Count * lineHeight + 2 + keepWith);
        Y += 2;
        if (number.Length > 0)
            Gfx.DrawString(number, Bold, XBrushes.Black, new XPoint(Left, Y + lineHeight - Bold.Size * 0.28 - 1));
        foreach (var line in lines)
        {
            Gfx.DrawString(line, Bold, XBrushes.Black, new XPoint(Left + indent, Y + lineHeight - Bold.Size * 0.28 - 1));
            Y += lineHeight;
        }
        if (ticks.Length > 0)
        {
            var x = Left + indent + Measure(lines[^1], Bold) + 12;
            if (x + TicksWidth(ticks) <= Right) DrawTicks(x, Y - lineHeight, lineHeight, ticks);
            else Ticks(ticks);
        }
        Y += 1;
    }

    /// <summary>An item's answer, indented under its question.</summary>
    public void Answer(string value, XFont? font = null) => Paragraph(value, font ?? Text, indent: ItemIndent, spaceAfter: 2);

    /// <summary>
    /// A row of tick boxes under an item, each with its label (the ticked ones carry an X), and <paramref name="after"/>
    /// beside them, wrapped in the room left. Too many boxes for a line go on the next.
    /// </summary>
    public void Ticks((string Label, bool Ticked)[] options, string? after = null)
    {
        var lineHeight = Math.Max(LineHeight(Text), TickSize + 3);
        Need(lineHeight + 2);
        var x = Left + ItemIndent;
        foreach (var option in options)
        {
            if (x + TicksWidth([option]) > Right + 14 && x > Left + ItemIndent)
            {
                Y += lineHeight;
                Need(lineHeight + 2);
                x = Left + ItemIndent;
            }
            x = DrawTicks(x, Y, lineHeight, option);
        }
        if (!string.IsNullOrEmpty(after))
        {
            var lines = Wrap(after, Text, Right - x);
            for (var i = 0; i < lines.Count; i++)
            {
                if (i > 0) { Y += lineHeight; Need(lineHeight + 2); }
                Gfx.DrawString(lines[i], Text, XBrushes.Black, new XPoint(x, Y + lineHeight - Text.Size * 0.28 - 1));
            }
        }
        Y += lineHeight + 2;
    }

    private double TicksWidth((string Label, bool Ticked)[] options) => options.Sum(o => TickSize + 4 + Measure(o.Label, Text) + 14);

    // Draws the boxes on the line whose top is y; returns where the next thing on the line starts.
    private double DrawTicks(double x, double y, double lineHeight, params (string Label, bool Ticked)[] options)
    {
        foreach (var (label, ticked) in options)
        {
            var top = y + (lineHeight - TickSize) / 2;
            Gfx.DrawRectangle(XPens.Black, x, top, TickSize, TickSize);
            if (ticked)
            {
                var mark = Measure("X", TickMark);
                Gfx.DrawString("X", TickMark, XBrushes.Black, new XPoint(x + (TickSize - mark) / 2, top + TickSize - 1.3));
            }
            Gfx.DrawString(label, Text, XBrushes.Black, new XPoint(x + TickSize + 4, y + lineHeight - Text.Size * 0.28 - 1));
            x += TickSize + 4 + Measure(label, Text) + 14;
        }
        return x;
    }

    /// <summary><paramref name="count"/> empty lines to write on, with <paramref name="prompt"/> in small print at the start of the first.</summary>
    public void WriteIn(int count, string? prompt = null, double indent = ItemIndent)
    {
        const double height = 13;
        for (var i = 0; i < count; i++)
        {
            Need(height);
            Y += height;
            var x = Left + indent;
            if (i == 0 && !string.IsNullOrEmpty(prompt))
            {
                Gfx.DrawString(prompt, Small, LabelBrush, new XPoint(x, Y - 2));
                x += Measure(prompt, Small) + 4;
            }
            Gfx.DrawLine(WriteLine, x, Y, Right, Y);
        }
        Y += 3;
    }

    /// <summary>Lines to sign and date on, each with what goes on it in small print under it, side by side by weight.</summary>
    public void SignatureLines(params (string Label, double Weight)[] lines)
    {
        Need(34);
        Y += 20;
        var total = lines.Sum(l => l.Weight);
        var x = Left;
        foreach (var (label, weight) in lines)
        {
            var width = Width * weight / total;
            Gfx.DrawLine(XPens.Black, x, Y, x + width - 12, Y);
            Gfx.DrawString(Wrap(label, Label, width - 12)[0], Label, LabelBrush, new XPoint(x, Y + 8));
            x += width;
        }
        Y += 12;
    }

    /// <summary>
    /// A row of boxes as on a claim form: each with its item number and name in small print and the value under it,
    /// keeping room for <see cref="Box.Lines"/> lines when the value is shorter (room to write).
    /// </summary>
    public void Boxes(params Box[] boxes)
    {
        var total = boxes.Sum(b => b.Weight);
        var widths = boxes.Select(b => Width * b.Weight / total).ToArray();
        var labels = boxes.Select((b, i) => Wrap(b.Label, Label, widths[i] - 2 * Pad)).ToArray();
        var values = boxes.Select((b, i) => Wrap(string.IsNullOrWhiteSpace(b.Value) ? " " : b.Value, b.Emphasis ? Bold : Text, widths[i] - 2 * Pad)).ToArray();
        var height = boxes.Select((b, i) => labels[i].Count * LineHeight(Label) + Math.Max(values[i].Count, b.Lines) * LineHeight(b.Emphasis ? Bold : Text)).Max() + 2 * Pad;
        if (height > Bottom - Margin - HeaderAllowance)
        {
            // Taller than a page: each box becomes a labelled paragraph instead of losing its end.
            foreach (var box in boxes) { Paragraph(box.Label, Label, spaceAfter: 0); Paragraph(box.Value ?? "", Text); }
            return;
        }
        Need(height);
        var x = Left;
        for (var i = 0; i < boxes.Length; i++)
        {
            var font = boxes[i].Emphasis ? Bold : Text;
            Gfx.DrawRectangle(Border, x, Y, widths[i], height);
            var y = Y + Pad;
            foreach (var line in labels[i]) { y += LineHeight(Label); Gfx.DrawString(line, Label, LabelBrush, new XPoint(x + Pad, y - Label.Size * 0.28)); }
            foreach (var line in values[i]) { y += LineHeight(font); Gfx.DrawString(line, font, XBrushes.Black, new XPoint(x + Pad, y - font.Size * 0.28)); }
            x += widths[i];
        }
        Y += height;
    }

    /// <summary>
    /// Starts a table: draws its header row (in <paramref name="headerFont"/>, <see cref="SmallBold"/> unless given) and
    /// repeats it on every page the table overflows onto. Rows are in <paramref name="font"/>, <see cref="Small"/> unless given.
    /// </summary>
    public void BeginTable(IReadOnlyList<Column> columns, XFont? font = null, XFont? headerFont = null)
    {
        font ??= Small;
        headerFont ??= SmallBold;
        var lines = columns.Select(c => Wrap(c.Header, headerFont, c.Width - 2 * Pad)).ToArray();
        var count = lines.Max(l => l.Count);
        var height = count * LineHeight(headerFont) + 2 * Pad;
        table = null;
        Need(height + LineHeight(font) * 2 + 2 * Pad);
        Gfx.DrawRectangle(Shade, TableLeft(columns), Y, columns.Sum(c => c.Width), height);
        DrawCells(columns, lines, headerFont, 0, count);
        Y += height;
        table = new Table(columns, font, headerFont);
    }

    public void EndTable() => table = null;

    /// <summary>The height <see cref="Row"/> will take for these cells in the current table.</summary>
    public double RowHeight(IReadOnlyList<string?> cells, XFont? font = null)
    {
        var current = table ?? throw new InvalidOperationException("Row outside a table.");
        font ??= current.Font;
        return current.Columns.Select((c, i) => Wrap(i < cells.Count ? cells[i] : "", font, c.Width - 2 * Pad).Count).Max() * LineHeight(font) + 2 * Pad;
    }

    /// <summary>The height <see cref="SpanRow"/> will take for this text in the current table.</summary>
    public double SpanHeight(string value, XFont? font = null, double indent = 0)
    {
        var current = table ?? throw new InvalidOperationException("Row outside a table.");
        font ??= current.Font;
        return Wrap(value, font, current.Columns.Sum(c => c.Width) - 2 * Pad - indent).Count * LineHeight(font) + 2 * Pad;
    }

    /// <summary>A table row, kept on one page when it fits on one; otherwise split between its lines.</summary>
    public void Row(IReadOnlyList<string?> cells, XFont? font = null, bool shaded = false)
    {
        var current = table ?? throw new InvalidOperationException("Row outside a table.");
        font ??= current.Font;
        var lines = current.Columns.Select((c, i) => Wrap(i < cells.Count ? cells[i] : "", font, c.Width - 2 * Pad)).ToArray();
        var count = lines.Max(l => l.Count);
        var lineHeight = LineHeight(font);
        KeepTogether(count * lineHeight + 2 * Pad);
        var done = 0;
        while (done < count)
        {
            var room = (int)Math.Floor((Bottom - Y - 2 * Pad) / lineHeight);
            if (room < 1) { Need(Bottom); continue; }
            var take = Math.Min(room, count - done);
            var height = take * lineHeight + 2 * Pad;
            if (shaded) Gfx.DrawRectangle(Shade, TableLeft(current.Columns), Y, current.Columns.Sum(c => c.Width), height);
            DrawCells(current.Columns, lines, font, done, take);
            Y += height;
            done += take;
            if (done < count) Need(Bottom);
        }
    }

    /// <summary>A row of one cell across the whole table (a line's description, an adjustment's explanation).</summary>
    public void SpanRow(string value, XFont? font = null, bool shaded = false, double indent = 0)
    {
        var current = table ?? throw new InvalidOperationException("Row outside a table.");
        var left = TableLeft(current.Columns);
        var width = current.Columns.Sum(c => c.Width);
        font ??= current.Font;
        var lines = Wrap(value, font, width - 2 * Pad - indent);
        var lineHeight = LineHeight(font);
        KeepTogether(lines.Count * lineHeight + 2 * Pad);
        var done = 0;
        while (done < lines.Count)
        {
            var room = (int)Math.Floor((Bottom - Y - 2 * Pad) / lineHeight);
            if (room < 1) { Need(Bottom); continue; }
            var take = Math.Min(room, lines.Count - done);
            var height = take * lineHeight + 2 * Pad;
            if (shaded) Gfx.DrawRectangle(Shade, left, Y, width, height);
            Gfx.DrawRectangle(Border, left, Y, width, height);
            for (var i = 0; i < take; i++)
                Gfx.DrawString(lines[done + i], font, XBrushes.Black, new XPoint(left + Pad + indent, Y + Pad + (i + 1) * lineHeight - font.Size * 0.28));
            Y += height;
            done += take;
            if (done < lines.Count) Need(Bottom);
        }
    }

    private double TableLeft(IReadOnlyList<Column> columns) => Left + columns[0].Indent;

    // The cells' lines from..from+count; text in the label font is grey, as on the boxes.
    private void DrawCells(IReadOnlyList<Column> columns, IReadOnlyList<string>[] lines, XFont font, int from, int count)
    {
        var x = TableLeft(columns);
        var lineHeight = LineHeight(font);
        var height = count * lineHeight + 2 * Pad;
        var brush = ReferenceEquals(font, Label) ? LabelBrush : XBrushes.Black;
        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            Gfx.DrawRectangle(Border, x, Y, column.Width, height);
            for (var i = 0; i < count && from + i < lines[c].Count; i++)
            {
                var line = lines[c][from + i];
                var left = column.AlignRight ? x + column.Width - Pad - Measure(line, font) : x + Pad;
                Gfx.DrawString(line, font, brush, new XPoint(left, Y + Pad + (i + 1) * lineHeight - font.Size * 0.28));
            }
            x += column.Width;
        }
    }

    /// <summary>Adds each page's footer ("{footer} · page 2 of 7", in the words given) and returns the PDF.</summary>
    public byte[] Save(string pageWord = "page", string ofWord = "of")
    {
        gfx?.Dispose();
        gfx = null;
        for (var i = 0; i < document.PageCount; i++)
        {
            var page = document.Pages[i];
            using var g = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            var y = page.Height.Point - Margin + 2;
            g.DrawLine(Border, Margin, y - Label.Size - 4, page.Width.Point - Margin, y - Label.Size - 4);
            g.DrawString(footer, Small, LabelBrush, new XPoint(Margin, y));
            var number = $"{pageWord} {i + 1} {ofWord} {document.PageCount}";
            g.DrawString(number, Small, LabelBrush, new XPoint(page.Width.Point - Margin - g.MeasureString(number, Small).Width, y));
        }
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    public void Dispose()
    {
        gfx?.Dispose();
        document.Dispose();
    }

    private sealed record Table(IReadOnlyList<Column> Columns, XFont Font, XFont HeaderFont);
}

/// <summary>
/// A form's box: <c>Label</c> its item number and name, <c>Weight</c> its share of the row's width, <c>Emphasis</c> the
/// value in bold, <c>Lines</c> the room it keeps for writing when the value is shorter.
/// </summary>
public sealed record Box(string Label, string? Value, double Weight = 1, bool Emphasis = false, int Lines = 1);

/// <summary>A table column of <c>Width</c> points; amounts are right-aligned; the first column's <c>Indent</c> moves the whole table right.</summary>
public sealed record Column(string Header, double Width, bool AlignRight = false, double Indent = 0);
