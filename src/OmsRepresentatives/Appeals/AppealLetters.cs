using System.Globalization;
using PdfSharp;
using Platform.Pdf;

namespace Platform.OmsRepresentatives.Appeals;

/// <summary>
/// The SMO's letters to the citizen, in Russian with dates in the SMO's time zone: the notice that the deadline of a
/// written appeal was extended (59-FZ, art. 12, part 2 requires telling the applicant) and the answer; rendered as A4
/// PDFs with <see cref="FormWriter"/> in DejaVu Sans (<see cref="EmbeddedFonts"/>).
/// </summary>
internal static class AppealLetters
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>A date for people: 05.12.2026, in the SMO's time zone.</summary>
    public static string Date(DateTimeOffset at, AppealOptions options) => options.LocalDate(at).ToString("dd.MM.yyyy", Russian);

    /// <summary>The notice of the extension, as the service composes it when the representative gives none of their own.</summary>
    public static string ExtensionNotice(AppealRow appeal, string reason, DateTimeOffset extendedTo, AppealOptions options) =>
        $"""
        Уважаемый(ая) {appeal.ApplicantName}!

        Ваше обращение № {appeal.Number} от {Date(appeal.RegisteredAt, options)} рассматривается в {options.SmoName}.

        Сообщаем, что в соответствии с частью 2 статьи 12 Федерального закона от 02.05.2006 № 59-ФЗ «О порядке рассмотрения обращений граждан Российской Федерации» срок рассмотрения Вашего обращения продлён до {Date(extendedTo, options)}.

        Причина продления: {reason.TrimEnd('.')}.

        Ответ будет направлен Вам не позднее {Date(extendedTo, options)}. Справки по телефону {options.SmoPhone}.

        С уважением,
        {options.SmoName}
        """;

    public static byte[] NoticePdf(AppealRow appeal, AppealOptions options)
    {
        var title = $"Уведомление о продлении срока рассмотрения обращения №\u00a0{appeal.Number}";
        using var w = Letter(appeal, options, title, appeal.NoticeSentAt ?? appeal.RegisteredAt);
        w.Paragraph(appeal.ExtensionNotice ?? "", FormWriter.Text, spaceAfter: 6);
        return w.Save("страница", "из");
    }

    public static byte[] AnswerPdf(AppealRow appeal, AppealOptions options)
    {
        var title = $"Ответ на обращение №\u00a0{appeal.Number} от {Date(appeal.RegisteredAt, options)}";
        using var w = Letter(appeal, options, title, appeal.AnsweredAt ?? appeal.RegisteredAt);
        w.Paragraph($"Уважаемый(ая) {appeal.ApplicantName}!", FormWriter.Bold, spaceAfter: 6);
        w.Paragraph($"Сообщаем результаты рассмотрения Вашего обращения № {appeal.Number} от {Date(appeal.RegisteredAt, options)}.",
            FormWriter.Text, spaceAfter: 6);
        w.Paragraph(appeal.Answer ?? "", FormWriter.Text, spaceAfter: 8);
        w.Field("Результат рассмотрения", AppealOutcomes.NameRu(appeal.Outcome));
        if (appeal.Justified is { } justified)
            w.Field("Жалоба", justified ? "признана обоснованной" : "признана необоснованной");
        w.Y += 8;
        w.Paragraph($"Если Вы не согласны с ответом, Вы можете обжаловать его в территориальный фонд обязательного медицинского " +
                    $"страхования или в суд. Справки по телефону {options.SmoPhone}.", FormWriter.Text, spaceAfter: 10);
        w.Paragraph("С уважением,", FormWriter.Text, spaceAfter: 0);
        w.Paragraph(options.SmoName ?? "", FormWriter.Bold);
        return w.Save("страница", "из");
    }

    /// <summary>A letter's head: the SMO, the date, to whom, and the title.</summary>
    private static FormWriter Letter(AppealRow appeal, AppealOptions options, string title, DateTimeOffset dated)
    {
        var w = new FormWriter(PageSize.A4, title, $"{options.SmoName} · обращение № {appeal.Number}");
        w.ContinuedHeader($"{title} (продолжение)");
        w.NewPage();
        w.Paragraph(options.SmoName ?? "", FormWriter.HeadingFont, spaceAfter: 0);
        w.Paragraph($"Телефон: {options.SmoPhone}", FormWriter.Small, brush: FormWriter.LabelBrush, spaceAfter: 12);
        w.Field("Дата", Date(dated, options));
        w.Field("Кому", appeal.ApplicantName);
        var address = appeal.Channel == AppealChannels.Letter ? appeal.ApplicantAddress : appeal.ApplicantEmail ?? appeal.ApplicantAddress;
        if (!string.IsNullOrWhiteSpace(address)) w.Field("Адрес", address);
        w.Y += 8;
        w.Paragraph(title, FormWriter.Title, spaceAfter: 10);
        return w;
    }
}
