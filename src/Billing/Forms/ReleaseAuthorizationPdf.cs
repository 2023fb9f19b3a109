using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using Platform.Contracts;
using Platform.Pdf;

namespace Platform.Billing.Forms;

/// <summary>
/// What a release of medical information form (ROMIF) authorizes, for a case treated in the US: who the patient is,
/// which provider may disclose (<c>Provider*</c>), to whom (<c>Recipient*</c>: the assistance company, acting for the
/// insurer <c>InsurerName</c>), what (<c>Information</c>, specific: e.g. "the emergency department record, discharge
/// summary, imaging and laboratory reports and itemized bills for the admission from 1 July 2025"), why
/// (<c>Purpose</c>) and until when (<c>ExpiresOn</c>). <c>ExplanationLanguage</c>: the caller's language (ru or en)
/// for the explanation that follows the form.
/// </summary>
public sealed record ReleaseAuthorization(
    string PatientName,
    DateOnly? DateOfBirth,
    string? PolicyNumber,
    string CaseNumber,
    string ProviderName,
    string ProviderAddress,
    string RecipientName,
    string RecipientAddress,
    string? RecipientContact,
    string InsurerName,
    string Information,
    string Purpose,
    DateOnly ExpiresOn,
    string ExplanationLanguage);

/// <summary>
/// The ROMIF: a HIPAA authorization (45 CFR 164.508) in plain English with every core element and required statement
/// of 164.508(c), then an explanation in the caller's language of what it is, why the clinic needs it, what the patient
/// (or their representative) signs and how to revoke it. US Letter.
/// </summary>
public static class ReleaseAuthorizationPdf
{
    public const string RevocationHeading = "Your right to revoke this authorization";
    public const string ConditioningStatement =
        "Signing is your choice. Your treatment, payment for your treatment, your enrollment in a health plan and your eligibility for benefits will not be conditioned on whether you sign this authorization.";
    public const string RedisclosureStatement =
        "Information disclosed under this authorization may be redisclosed by the recipient and may then no longer be protected by the federal privacy rules (HIPAA).";

    public static byte[] Render(ReleaseAuthorization a)
    {
        var us = CultureInfo.GetCultureInfo("en-US");
        string UsDate(DateOnly d) => d.ToString("MMMM d, yyyy", us);
        using var w = new FormWriter(PageSize.Letter, $"Authorization to release medical information, case {a.CaseNumber}",
            $"Authorization to release medical information · case {a.CaseNumber}");
        w.ContinuedHeader($"Authorization to release medical information · {a.PatientName} · case {a.CaseNumber} (continued)");
        w.NewPage();
        w.Paragraph("AUTHORIZATION TO RELEASE MEDICAL INFORMATION", FormWriter.Title, spaceAfter: 1);
        w.Paragraph("Under the HIPAA Privacy Rule, 45 CFR 164.508. Please read it all before you sign. You will be given a copy of this form.",
            FormWriter.Small, brush: FormWriter.LabelBrush, spaceAfter: 8);

        w.Heading("Patient", spaceBefore: 2);
        w.Field("Name", a.PatientName);
        w.Field("Date of birth", a.DateOfBirth is { } dob ? UsDate(dob) : "—");
        w.Field("Insurance policy number", a.PolicyNumber);
        w.Field("Assistance case number", a.CaseNumber);

        w.Heading("1. Who may disclose the information");
        w.Paragraph($"{a.ProviderName}, {a.ProviderAddress}, the health care provider treating the patient (including its physicians, medical records and billing staff).", FormWriter.Text);
        w.Heading("2. Who may receive it");
        w.Paragraph($"{a.RecipientName}, {a.RecipientAddress}{(string.IsNullOrWhiteSpace(a.RecipientContact) ? "" : $" ({a.RecipientContact})")}, the assistance company acting for the patient's travel medical insurer, {a.InsurerName}.", FormWriter.Text);
        w.Heading("3. What information may be disclosed");
        w.Paragraph(a.Information, FormWriter.Text);
        w.Paragraph("Nothing else is covered by this authorization. In particular it does not cover psychotherapy notes.", FormWriter.Text);
        w.Heading("4. Why (the purpose)");
        w.Paragraph(a.Purpose, FormWriter.Text);
        w.Heading("5. When this authorization ends");
        w.Paragraph($"This authorization expires on {UsDate(a.ExpiresOn)}, unless you revoke it earlier.", FormWriter.Text);

        w.Heading("6. Your rights");
        w.Paragraph(RevocationHeading, FormWriter.Bold, spaceAfter: 0);
        w.Paragraph($"You may revoke this authorization at any time by writing to {a.ProviderName}, {a.ProviderAddress}. Your written revocation must be signed and dated and takes effect when the provider receives it. It does not undo a disclosure the provider has already made in reliance on this authorization, and it does not take away a right the law gives the insurer to contest a claim under the policy, or the policy itself, where this authorization was obtained as a condition of obtaining the insurance coverage.", FormWriter.Text);
        w.Paragraph("Signing is voluntary", FormWriter.Bold, spaceAfter: 0);
        w.Paragraph(ConditioningStatement, FormWriter.Text);
        w.Paragraph("Redisclosure", FormWriter.Bold, spaceAfter: 0);
        w.Paragraph(RedisclosureStatement, FormWriter.Text);
        w.Paragraph("Your copy", FormWriter.Bold, spaceAfter: 0);
        w.Paragraph("You will receive a copy of this authorization once it is signed. You may also ask the provider to see or get a copy of the information it discloses.", FormWriter.Text);

        // The signature block stays on one page: a signature separated from what it signs invites doubt.
        w.Need(190);
        w.Heading("7. Signature");
        w.Paragraph("I have read this authorization, or it has been read to me, and I understand it. I authorize the disclosure described above.", FormWriter.Text, spaceAfter: 6);
        SignatureLine(w, "Signature of the patient or of the patient's personal representative", "Date");
        SignatureLine(w, "Printed name of the person signing", "Relationship to the patient (self, parent, guardian, ...)");
        w.Paragraph("If a personal representative signs, describe their authority to act for the patient (for example: parent of a minor, court-appointed guardian, health care power of attorney) and attach a copy of the document that gives it:", FormWriter.Text, spaceAfter: 4);
        SignatureLine(w, "Personal representative's authority", null);

        Explanation(w, a);
        return w.Save();
    }

    // A line to write on, with what goes on it under it; two side by side when there is a second.
    private static void SignatureLine(FormWriter w, string label, string? second)
    {
        w.Need(34);
        w.Y += 20;
        var split = second is null ? w.Right : w.Left + w.Width * 0.62;
        w.Gfx.DrawLine(XPens.Black, w.Left, w.Y, split - 12, w.Y);
        w.Gfx.DrawString(label, FormWriter.Label, FormWriter.LabelBrush, new XPoint(w.Left, w.Y + 8));
        if (second is not null)
        {
            w.Gfx.DrawLine(XPens.Black, split, w.Y, w.Right, w.Y);
            w.Gfx.DrawString(second, FormWriter.Label, FormWriter.LabelBrush, new XPoint(split, w.Y + 8));
        }
        w.Y += 14;
    }

    private static void Explanation(FormWriter w, ReleaseAuthorization a)
    {
        var russian = PersonLanguage.Of(a.ExplanationLanguage) == PersonLanguage.Russian;
        var expires = russian
            ? a.ExpiresOn.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("ru-RU")) + " г."
            : a.ExpiresOn.ToString("MMMM d, yyyy", CultureInfo.GetCultureInfo("en-US"));
        string Fill(string text) => PersonLanguage.Fill(text,
            ("provider", a.ProviderName), ("address", a.ProviderAddress), ("recipient", a.RecipientName),
            ("insurer", a.InsurerName), ("expires", expires), ("patient", a.PatientName));
        w.Heading(russian ? "Пояснение на русском языке (не входит в текст разрешения)" : "What this form means, in short (not part of the authorization)", spaceBefore: 16);
        foreach (var (heading, text) in russian ? RussianExplanation : EnglishExplanation)
        {
            w.Paragraph(heading, FormWriter.Bold, spaceAfter: 0);
            w.Paragraph(Fill(text), FormWriter.Text);
        }
    }

    private static readonly (string Heading, string Text)[] RussianExplanation =
    [
        ("Что это", "Это разрешение на передачу медицинских сведений. В США закон о защите медицинской информации (HIPAA) запрещает клинике сообщать кому-либо сведения о лечении пациента без его письменного разрешения."),
        ("Зачем это клинике и ассистансу", "Клиника {provider} передаст сведения о лечении пациента ({patient}) ассистансу {recipient}, который действует от имени страховщика {insurer}. Ассистанс по ним проверяет, что лечение покрывается полисом, и оплачивает его клинике напрямую. Без этих сведений он не сможет этого сделать."),
        ("Что вы подписываете", "Вы разрешаете клинике передать только то, что перечислено в пункте 3, только ассистансу и только для цели из пункта 4. Разрешение действует до {expires} включительно. Подписывает сам пациент, а если он не может — его законный представитель (например, родитель несовершеннолетнего или опекун), указав свои полномочия."),
        ("Это добровольно", "Клиника не может ставить лечение в зависимость от вашей подписи."),
        ("Как отозвать", "Вы можете в любой момент отозвать разрешение письменно: подписанное и датированное письмо в клинику {provider} по адресу {address}. Отзыв не отменяет того, что клиника уже передала до его получения."),
        ("Копия", "Вам должны выдать копию подписанного разрешения."),
    ];

    private static readonly (string Heading, string Text)[] EnglishExplanation =
    [
        ("What this is", "A permission for the clinic to share medical information. US law (HIPAA) does not let a clinic tell anyone about a patient's treatment without the patient's written permission."),
        ("Why the clinic and the assistance company need it", "{provider} will send information about {patient}'s treatment to {recipient}, acting for the insurer {insurer}. The assistance company uses it to check that the treatment is covered by the policy and to pay the clinic directly; without it, it cannot do so."),
        ("What you sign", "You allow the clinic to send only what item 3 lists, only to the assistance company and only for the purpose in item 4, until {expires} inclusive. The patient signs, or, if the patient cannot, their personal representative (for example the parent of a minor or a guardian), stating their authority."),
        ("It is your choice", "The clinic may not make your treatment depend on whether you sign."),
        ("How to revoke it", "You may revoke it at any time in writing: a signed and dated letter to {provider}, {address}. Revoking does not undo what the clinic has already sent before it received your letter."),
        ("Your copy", "You must be given a copy of the signed form."),
    ];
}
