using Platform.Billing.Decisions;
using Platform.Billing.Invoices;

namespace Platform.Billing.Tests.Forms;

public sealed class ReasonTextsTests
{
    public static TheoryData<string, string> Codes()
    {
        var data = new TheoryData<string, string>();
        foreach (var (group, reason) in ReasonTexts.Known) data.Add(group, reason);
        return data;
    }

    [Fact]
    public void Every_code_adjudication_uses_has_its_own_text()
    {
        string[] used = ["CO-45", "CO-18", "CO-27", "CO-26", "CO-96", "CO-119", "PR-1", "PR-3", "CO-16", "OA-23"];
        Assert.Equal(used.Order(), ReasonTexts.Known.Select(c => $"{c.Group}-{c.Reason}").Order());
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Each_code_is_explained_in_English_and_in_Russian_with_its_amount_and_code(string group, string reason)
    {
        var adjustment = new Adjustment(group, reason, 1234.5m);
        var english = ReasonTexts.Explain(adjustment, "en", "USD");
        var russian = ReasonTexts.Explain(adjustment, "ru", "USD");
        var fallback = ReasonTexts.Explain(new Adjustment(group, "999", 1234.5m), "en", "USD").Replace("-999", $"-{reason}");

        Assert.NotEqual(fallback, english);
        Assert.EndsWith($"({group}-{reason}).", english);
        Assert.EndsWith($"({group}-{reason}).", russian);
        Assert.Contains("1,234.50 USD", english);
        Assert.Contains("1 234,50 USD", Samples.Normal(russian));
        Assert.DoesNotContain(english, c => c is >= 'а' and <= 'я');
        Assert.True(russian.Count(c => c is >= 'а' and <= 'я') > 20, russian);
        Assert.DoesNotContain("Claim adjustment reason code", ReasonTexts.Description(group, reason));
    }

    [Fact]
    public void The_fee_schedule_reduction_reads_as_the_clinic_charging_above_its_tariff()
    {
        var text = ReasonTexts.Explain(new Adjustment("CO", "45", 80m), "ru", "EUR");

        Assert.StartsWith("Клиника выставила больше тарифа по договору", text);
        Assert.Contains("сверх тарифа не оплачивается", text);
        Assert.Contains("80,00 EUR", text);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("")]
    [InlineData("EN-us")]
    public void Any_other_language_gets_English(string language)
    {
        var adjustment = new Adjustment("PR", "1", 50m);
        Assert.Equal(ReasonTexts.Explain(adjustment, "en", "EUR"), ReasonTexts.Explain(adjustment, language, "EUR"));
        Assert.Equal("rejected", ReasonTexts.Outcome(LineOutcomes.Rejected, language));
    }

    [Fact]
    public void An_unknown_code_still_names_its_amount_and_code()
    {
        Assert.Contains("10.00 USD (CO-252)", ReasonTexts.Explain(new Adjustment("CO", "252", 10m), "en", "USD"));
        Assert.Contains("10,00 USD (PR-2)", ReasonTexts.Explain(new Adjustment("PR", "2", 10m), "ru", "USD"));
        Assert.Equal("Claim adjustment reason code 252.", ReasonTexts.Description("CO", "252"));
    }

    [Fact]
    public void Outcomes_have_words_in_both_languages()
    {
        Assert.Equal(["approved", "reduced", "rejected"],
            [ReasonTexts.Outcome("approved", "en"), ReasonTexts.Outcome("reduced", "en"), ReasonTexts.Outcome("rejected", "en")]);
        Assert.Equal(["одобрено", "одобрено частично", "отклонено"],
            [ReasonTexts.Outcome("approved", "ru"), ReasonTexts.Outcome("reduced", "ru"), ReasonTexts.Outcome("rejected", "ru")]);
    }

    [Fact]
    public void Descriptions_are_the_CARC_wording()
    {
        Assert.Equal("Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.", ReasonTexts.Description("CO", "45"));
        Assert.Equal("Deductible amount.", ReasonTexts.Description("PR", "1"));
        Assert.Equal("Patient Responsibility", ReasonTexts.GroupName("PR"));
    }
}
