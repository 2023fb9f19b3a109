using Platform.Billing.Forms;

namespace Platform.Billing.Tests.Forms;

public sealed class ReleaseAuthorizationPdfTests
{
    private static ReleaseAuthorization Authorization(string language = "ru") => new(
        "MARIA IVANOVA", new DateOnly(1984, 3, 7), "POL-2025-000123", "MA-2025-0042",
        "Mercy Beach Medical Group", "2500 Ocean Drive, Miami Beach, FL 33139",
        "Global Assist LLC", "100 Main Street, Suite 400, Miami, FL 33131", "medical@globalassist.example, +1 305 555 0100",
        "Northern Travel Insurance JSC",
        "The emergency department record, admission history and physical, discharge summary, imaging and laboratory reports, and the itemized bill for the admission from July 1, 2025.",
        "To confirm that the treatment is covered by the patient's travel medical insurance policy and to arrange direct payment to the provider.",
        new DateOnly(2026, 1, 31), language);

    [Fact]
    public void Names_who_discloses_to_whom_what_why_and_until_when()
    {
        var text = Samples.Text(ReleaseAuthorizationPdf.Render(Authorization()));

        Assert.Contains("Mercy Beach Medical Group, 2500 Ocean Drive, Miami Beach, FL 33139, the health care provider treating the patient", text);
        Assert.Contains("Global Assist LLC, 100 Main Street, Suite 400, Miami, FL 33131", text);
        Assert.Contains("acting for the patient's travel medical insurer, Northern Travel Insurance JSC", text);
        Assert.Contains("discharge summary, imaging and laboratory reports, and the itemized bill for the admission from July 1, 2025.", text);
        Assert.Contains("To confirm that the treatment is covered", text);
        Assert.Contains("This authorization expires on January 31, 2026", text);
        Assert.Contains("MARIA IVANOVA", text);
        Assert.Contains("March 7, 1984", text);
        Assert.Contains("POL-2025-000123", text);
    }

    [Fact]
    public void States_the_right_to_revoke_in_writing_with_its_exceptions()
    {
        var text = Samples.Text(ReleaseAuthorizationPdf.Render(Authorization()));

        Assert.Contains(ReleaseAuthorizationPdf.RevocationHeading, text);
        Assert.Contains("You may revoke this authorization at any time by writing to Mercy Beach Medical Group, 2500 Ocean Drive", text);
        Assert.Contains("does not undo a disclosure the provider has already made in reliance on this authorization", text);
        Assert.Contains("contest a claim under the policy", text);
    }

    [Fact]
    public void States_that_nothing_is_conditioned_on_signing_and_that_redisclosed_information_may_lose_protection()
    {
        var text = Samples.Text(ReleaseAuthorizationPdf.Render(Authorization()));

        Assert.Contains(ReleaseAuthorizationPdf.ConditioningStatement, text);
        Assert.Contains(ReleaseAuthorizationPdf.RedisclosureStatement, text);
        Assert.Contains("You will receive a copy of this authorization", text);
    }

    [Fact]
    public void Has_lines_for_the_signature_date_and_a_representatives_authority()
    {
        var text = Samples.Text(ReleaseAuthorizationPdf.Render(Authorization()));

        Assert.Contains("Signature of the patient or of the patient's personal representative", text);
        Assert.Contains("Date", text);
        Assert.Contains("describe their authority to act for the patient", text);
        Assert.Contains("Personal representative's authority", text);
    }

    [Fact]
    public void Follows_the_form_with_an_explanation_in_Russian_for_a_Russian_caller()
    {
        var text = Samples.Text(ReleaseAuthorizationPdf.Render(Authorization("ru")));

        var form = text.IndexOf(ReleaseAuthorizationPdf.RedisclosureStatement, StringComparison.Ordinal);
        var explanation = text.IndexOf("Пояснение на русском языке", StringComparison.Ordinal);
        Assert.True(form >= 0 && explanation > form);
        Assert.Contains("Это разрешение на передачу медицинских сведений", text);
        Assert.Contains("Разрешение действует до 31 января 2026 г.", text);
        Assert.Contains("Вы можете в любой момент отозвать разрешение письменно", text);
        Assert.Contains("Клиника не может ставить лечение в зависимость от вашей подписи", text);
    }

    [Fact]
    public void Explains_in_English_for_any_other_language()
    {
        var text = Samples.Text(ReleaseAuthorizationPdf.Render(Authorization("de")));

        Assert.Contains("What this form means, in short", text);
        Assert.DoesNotContain("Пояснение", text);
    }
}
