using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Platform.Pdf;

namespace Platform.Billing.Forms;

/// <summary>
/// Writes a document top-down for billing's PDFs: wrapped paragraphs, rows of labelled boxes (the claim forms' items)
/// and tables whose rows keep together when they can and split line by line when a row alone is taller than a page.
/// Whatever does not fit goes on a new page (with the document's running header and the table's header again): text is
/// never cut off. Every page gets a footer with its number when the document is saved.
/// </summary>
internal sealed class FormWriter : IDisposable
{
    public const double Margin = 36;
    private const double FooterHeight = 16, Pad = 2.5;

    public static readonly XFont Title, HeadingFont, Bold, Text, Small, SmallBold, Label;
    public static readonly XBrush LabelBrush = new XSolidBrush(XColor.FromArgb(70, 70, 70));
    public static readonly XBrush Shade = new XSolidBrush(XColor.FromArgb(238, 238, 238));
    public static readonly XPen Border = new(XColor.FromArgb(150, 150, 150), 0.5);

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
    }

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
        if (current is not null) BeginTable(current.Columns, current.Font);
    }

    /// <summary>Like <see cref="Need"/>, but only when the block fits on a page at all (a taller one starts here and breaks as it goes).</summary>
    public void KeepTogether(double height)
    {
        if (height <= Bottom - Margin - HeaderAllowance) Need(height);
    }

    // What a running header and a table header take at most, so a block "that fits on a page" fits under them.
    private const double HeaderAllowance = 60;

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

    public void Heading(string value, double spaceBefore = 8)
    {
        var height = spaceBefore + LineHeight(HeadingFont) + 4 + 3 * LineHeight(Text);
        Need(height);
        Y += spaceBefore;
        Paragraph(value, HeadingFont, spaceAfter: 1);
        Gfx.DrawLine(Border, Left, Y, Right, Y);
        Y += 4;
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

    /// <summary>A row of boxes as on a claim form: each with its item number and name in small print and the value under it.</summary>
    public void Boxes(params Box[] boxes)
    {
        var total = boxes.Sum(b => b.Weight);
        var widths = boxes.Select(b => Width * b.Weight / total).ToArray();
        var labels = boxes.Select((b, i) => Wrap(b.Label, Label, widths[i] - 2 * Pad)).ToArray();
        var values = boxes.Select((b, i) => Wrap(string.IsNullOrWhiteSpace(b.Value) ? " " : b.Value, b.Emphasis ? Bold : Text, widths[i] - 2 * Pad)).ToArray();
        var height = boxes.Select((b, i) => labels[i].Count * LineHeight(Label) + values[i].Count * LineHeight(b.Emphasis ? Bold : Text)).Max() + 2 * Pad;
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

    /// <summary>Starts a table: draws its header row and repeats it on every page the table overflows onto.</summary>
    public void BeginTable(IReadOnlyList<Column> columns, XFont? font = null)
    {
        var headerFont = SmallBold;
        var lines = columns.Select(c => Wrap(c.Header, headerFont, c.Width - 2 * Pad)).ToArray();
        var height = lines.Max(l => l.Count) * LineHeight(headerFont) + 2 * Pad;
        table = null;
        Need(height + LineHeight(font ?? Small) * 2 + 2 * Pad);
        Gfx.DrawRectangle(Shade, Left, Y, columns.Sum(c => c.Width), height);
        DrawCells(columns, lines, headerFont, 0, lines.Max(l => l.Count), XBrushes.Black);
        Y += height;
        table = new Table(columns, font ?? Small);
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
            if (shaded) Gfx.DrawRectangle(Shade, Left, Y, current.Columns.Sum(c => c.Width), height);
            DrawCells(current.Columns, lines, font, done, take, XBrushes.Black);
            Y += height;
            done += take;
            if (done < count) Need(Bottom);
        }
    }

    /// <summary>A row of one cell across the whole table (a line's description, an adjustment's explanation).</summary>
    public void SpanRow(string value, XFont? font = null, bool shaded = false, double indent = 0)
    {
        var current = table ?? throw new InvalidOperationException("Row outside a table.");
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
            if (shaded) Gfx.DrawRectangle(Shade, Left, Y, width, height);
            Gfx.DrawRectangle(Border, Left, Y, width, height);
            for (var i = 0; i < take; i++)
                Gfx.DrawString(lines[done + i], font, XBrushes.Black, new XPoint(Left + Pad + indent, Y + Pad + (i + 1) * lineHeight - font.Size * 0.28));
            Y += height;
            done += take;
            if (done < lines.Count) Need(Bottom);
        }
    }

    private void DrawCells(IReadOnlyList<Column> columns, IReadOnlyList<string>[] lines, XFont font, int from, int count, XBrush brush)
    {
        var x = Left;
        var lineHeight = LineHeight(font);
        var height = count * lineHeight + 2 * Pad;
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

    /// <summary>Adds each page's footer ("{footer} · page 2 of 7") and returns the PDF.</summary>
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

    private sealed record Table(IReadOnlyList<Column> Columns, XFont Font);
}

/// <summary>A claim form's box: <c>Label</c> its item number and name, <c>Weight</c> its share of the row's width.</summary>
internal sealed record Box(string Label, string? Value, double Weight = 1, bool Emphasis = false);

/// <summary>A table column of <c>Width</c> points; amounts are right-aligned.</summary>
internal sealed record Column(string Header, double Width, bool AlignRight = false);
