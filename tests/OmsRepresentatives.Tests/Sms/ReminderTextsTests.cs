using Microsoft.Extensions.Options;
using Platform.OmsRepresentatives.Campaigns;
using Platform.OmsRepresentatives.Sms;

namespace Platform.OmsRepresentatives.Tests.Sms;

public sealed class ReminderTextsTests
{
    private const string Smo = "СМО «Здоровье»", SmoPhone = "8-800-100-20-30";

    public static TheoryData<string> Kinds => [.. PreventiveKinds.All];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_kind_names_the_person_the_year_the_clinic_and_the_smo_within_two_sms(string kind)
    {
        var text = ReminderTexts.For(kind, "Петрова Анна Сергеевна", 2027, "770101", Smo, SmoPhone);
        Assert.StartsWith("Анна Сергеевна, пройдите в 2027 г. ", text);
        Assert.Contains(" в поликлинике 770101. ", text);
        Assert.EndsWith($"{Smo}, {SmoPhone}", text);
        Assert.True(text.Length <= ReminderTexts.MaxLength); // Cyrillic: UCS-2, 67 characters a part
    }

    [Fact]
    public void Each_kind_says_what_it_invites_to()
    {
        string Text(string kind) => ReminderTexts.For(kind, null, 2026, null, Smo, SmoPhone);
        Assert.Equal($"Пройдите в 2026 г. бесплатный профосмотр. {Smo}, {SmoPhone}", Text(PreventiveKinds.Checkup));
        Assert.Contains("бесплатную диспансеризацию.", Text(PreventiveKinds.Dispanserization));
        Assert.Contains("бесплатную углублённую диспансеризацию.", Text(PreventiveKinds.InDepth));
        Assert.Contains("диспансерный осмотр у врача.", Text(PreventiveKinds.Dispensary));
        Assert.Throws<ArgumentException>(() => Text("vaccination"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_name_too_long_for_two_sms_is_left_out_then_the_clinic(string kind)
    {
        var longName = "Константинопольская Александра-Мария Константиновна-Вильгельмовна";
        var text = ReminderTexts.For(kind, longName, 2026, "770101", Smo, SmoPhone);
        Assert.DoesNotContain("Александра", text);
        Assert.StartsWith("Пройдите в 2026 г.", text);
        Assert.True(text.Length <= ReminderTexts.MaxLength);

        var longSmo = "Страховая медицинская организация «Здоровье»";
        var shortest = ReminderTexts.For(kind, longName, 2026, "7701010101", longSmo, "+7 (800) 100-20-30");
        Assert.True(shortest.Length <= ReminderTexts.MaxLength);
        Assert.EndsWith(longSmo + ", +7 (800) 100-20-30", shortest);
    }

    [Theory]
    [InlineData("Иванов Иван Петрович", "Иван Петрович")]
    [InlineData("ИВАНОВА МАРИЯ СЕРГЕЕВНА", "Мария Сергеевна")]
    [InlineData("  Мамедов   Ахмед Али оглы ", "Ахмед Али оглы")]
    [InlineData("Иванов Иван", null)]
    [InlineData("Smith", null)]
    [InlineData(null, null)]
    public void Addresses_by_first_name_and_patronymic_when_the_full_name_has_them(string? fullName, string? expected) =>
        Assert.Equal(expected, ReminderTexts.Address(fullName));

    [Theory]
    [InlineData("08:59", false)]
    [InlineData("09:00", true)]
    [InlineData("20:59", true)]
    [InlineData("21:00", false)]
    public void Sends_only_inside_the_window(string time, bool open) =>
        Assert.Equal(open, SmsDispatcher.InWindow(TimeSpan.Parse(time, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromHours(9), TimeSpan.FromHours(21)));

    [Fact]
    public void The_settings_are_checked_at_start()
    {
        var good = new SmsOptions { ReceiptUrl = "https://api.example/api/oms/sms/receipts" };
        Assert.Empty(good.Problems());
        // The AppHost's development window.
        Assert.Empty(new SmsOptions { ReceiptUrl = "http://127.0.0.1:8080/api/oms/sms/receipts", WindowFrom = TimeSpan.Zero, WindowUntil = new TimeSpan(23, 59, 59) }.Problems());
        Assert.Contains(new SmsOptions().Problems(), p => p.Contains("ReceiptUrl"));
        var wrong = new SmsOptions
        {
            ReceiptUrl = "/api/oms/sms/receipts", Sender = "A-SENDER-TOO-LONG", Concurrency = 0,
            WindowFrom = TimeSpan.FromHours(21), WindowUntil = TimeSpan.FromHours(9),
        };
        var problems = wrong.Problems().ToList();
        Assert.Contains(problems, p => p.Contains("ReceiptUrl"));
        Assert.Contains(problems, p => p.Contains("Sender"));
        Assert.Contains(problems, p => p.Contains("Concurrency"));
        Assert.Contains(problems, p => p.Contains("WindowFrom"));
    }

    [Theory]
    [InlineData("oms-invitation-42", 42L)]
    [InlineData("oms-invitation-", null)]
    [InlineData("oms-invitation--1", null)]
    [InlineData("oms-invitation-1x", null)]
    [InlineData("case-message-42", null)]
    [InlineData(null, null)]
    public void A_receipt_names_its_invitation_by_our_reference(string? reference, long? invitation)
    {
        Assert.Equal(invitation, SmsReferences.InvitationOf(reference));
        if (invitation is { } id) Assert.Equal(reference, SmsReferences.Of(id));
    }
}
