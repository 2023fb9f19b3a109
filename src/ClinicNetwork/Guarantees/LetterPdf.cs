using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Platform.Pdf;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// The letter itself: one A4 page in the clinic's language with PDFsharp, in DejaVu Sans (Latin and Cyrillic) from
/// <see cref="EmbeddedFonts"/> (src/Pdf).
/// </summary>
public static class LetterPdf
{
    private const double Left = 50, Right = 545, LabelWidth = 150, Bottom = 800;

    static LetterPdf() => EmbeddedFonts.Install();

    public static byte[] Render(GuaranteeLetter letter, GuaranteeOptions options, string link)
    {
        var t = LetterTexts.For(letter.Language);
        var document = new PdfDocument();
        document.Info.Title = $"{t.Title} {letter.Number}";
        document.Info.Author = options.AssistanceName ?? "";
        var page = document.AddPage();
        page.Size = PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var options8 = new XPdfFontOptions(PdfFontEncoding.Unicode);
            var title = new XFont(EmbeddedFonts.Family, 17, XFontStyleEx.Bold, options8);
            var heading = new XFont(EmbeddedFonts.Family, 11.5, XFontStyleEx.Bold, options8);
            var bold = new XFont(EmbeddedFonts.Family, 9.5, XFontStyleEx.Bold, options8);
            var text = new XFont(EmbeddedFonts.Family, 9.5, XFontStyleEx.Regular, options8);
            var small = new XFont(EmbeddedFonts.Family, 8, XFontStyleEx.Regular, options8);
            var y = 50.0;

            gfx.DrawString(options.AssistanceName ?? "", bold, XBrushes.DimGray, new XPoint(Left, y));
            y += 28;
            gfx.DrawString(t.Title, title, XBrushes.Black, new XPoint(Left, y));
            y += 22;
            gfx.DrawString($"{t.Number}: {letter.Number}", heading, XBrushes.Black, new XPoint(Left, y));
            y += 8;
            if (letter.Status != LetterStatuses.Issued)
            {
                y += 16;
                gfx.DrawString($"{t.RevokedBanner} ({t.Status}: {t.StatusOf(letter.Status)})", heading, XBrushes.DarkRed, new XPoint(Left, y));
            }
            y += 14;
            y = Paragraph(gfx, t.Intro, text, Left, y, Right - Left) + 8;

            void Row(string label, string value)
            {
                // On the baseline of the value's first line (Paragraph's), so readers take label and value as one line.
                gfx.DrawString(label, bold, XBrushes.Black, new XPoint(Left, y + text.Size));
                y = Paragraph(gfx, value, text, Left + LabelWidth, y, Right - Left - LabelWidth) + 3;
            }
            void Heading(string value)
            {
                y += 8;
                gfx.DrawString(value, heading, XBrushes.Black, new XPoint(Left, y + 12));
                y += 16;
                gfx.DrawLine(XPens.Gray, Left, y, Right, y);
                y += 4;
            }

            Row(t.Patient, letter.Insured.Name);
            Row(t.DateOfBirth, letter.Insured.DateOfBirth is { } dob ? t.Date(dob) : "—");
            Row(t.Policy, letter.Insured.PolicyNumber ?? "—");
            Row(t.Case, letter.CaseNumber);
            Row(t.Clinic, $"{letter.Clinic.Name}, {letter.Clinic.Address}");
            Row(t.Status, t.StatusOf(letter.Status));

            Heading(t.Guaranteed);
            Row(t.Benefit, t.BenefitOf(letter.Benefit));
            Row(t.Amount, t.Money(letter.Amount, letter.Currency));
            Row(t.Period, $"{t.Date(letter.PeriodFrom)} – {t.Date(letter.PeriodTo)}");
            Row(t.RoomType, RoomTypes.Text(letter.RoomType, t.IsRussian));

            Heading(t.NotGuaranteed);
            Row(t.CoPayment, t.Money(letter.CoPayment, letter.Currency));
            Row(t.Deductible, t.Money(letter.Deductible, letter.Currency));
            Row(t.Excluded, letter.ExcludedServices.Count == 0 ? t.None : string.Join("; ", letter.ExcludedServices));

            y += 10;
            y = Paragraph(gfx, t.Conditions, text, Left, y, Right - Left) + 10;
            Row(t.Contact, $"{options.AssistanceName}: {options.AssistancePhone}");
            y += 6;
            gfx.DrawString(t.Verify + ":", bold, XBrushes.Black, new XPoint(Left, y + 10));
            y += 14;
            var top = y;
            y = Paragraph(gfx, link, small, Left, y, Right - Left, breakAnywhere: true);
            page.AddWebLink(new PdfRectangle(gfx.Transformer.WorldToDefaultPage(new XRect(Left, top, Right - Left, y - top))), link);
            if (y > Bottom) throw new InvalidOperationException($"Letter {letter.Number} does not fit on one page.");
        }
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    /// <summary>
    /// Draws <paramref name="value"/> wrapped at word boundaries (or anywhere, for a link) from the top <paramref name="y"/>;
    /// returns the y under its last line. PDFsharp's own XTextFormatter wraps too but does not say where it stopped,
    /// which the rows below need.
    /// </summary>
    private static double Paragraph(XGraphics gfx, string value, XFont font, double x, double y, double width, bool breakAnywhere = false)
    {
        var lineHeight = font.Size * 1.3;
        foreach (var line in Wrap(gfx, value, font, width, breakAnywhere))
        {
            y += lineHeight;
            gfx.DrawString(line, font, XBrushes.Black, new XPoint(x, y - font.Size * 0.3));
        }
        return y;
    }

    private static IEnumerable<string> Wrap(XGraphics gfx, string value, XFont font, double width, bool breakAnywhere)
    {
        var tokens = breakAnywhere ? value.Select(c => c.ToString()) : value.Split(' ').Select((w, i) => i == 0 ? w : " " + w);
        var line = "";
        foreach (var token in tokens)
        {
            if (line.Length > 0 && gfx.MeasureString(line + token, font).Width > width)
            {
                yield return line;
                line = token.TrimStart();
            }
            else line += token;
        }
        if (line.Length > 0) yield return line;
    }
}
