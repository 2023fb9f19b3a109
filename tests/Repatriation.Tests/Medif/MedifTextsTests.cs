using Platform.Repatriation.Medif;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Tests.Medif;

public sealed class MedifTextsTests
{
    // TK: 72 hours before 10 Dec 2026 23:55 in Bangkok (16:55 UTC), so 7 Dec 2026 16:55 UTC, 19:55 in Moscow.
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Tells_a_Russian_caller_what_the_MEDIF_is_who_fills_it_and_the_deadline_in_Moscow_time()
    {
        var text = MedifTexts.ForCaller("ru", MedifSamples.Request(), "Europe/Moscow", Now);

        Assert.Contains("MEDIF (Medical Information Form) — медицинская анкета", text);
        Assert.Contains("Авиакомпания Turkish Airlines по ней проверяет, что перелёт безопасен", text);
        Assert.Contains("носилки на борту, кислород в полёте и кресло-каталку в аэропорту", text);
        Assert.Contains("Первую часть", text);
        Assert.Contains("заполняет Global Assist LLC", text);
        Assert.Contains("Вторую часть заполняет лечащий врач", text);
        Assert.Contains("Авиакомпания должна получить анкету до 19:55 7 декабря (Москва, UTC+3).", text);
        Assert.Contains("держите паспорт пациента под рукой", text);
        Assert.Contains("+7 495 123 45 67", text);
    }

    [Fact]
    public void Tells_anyone_else_in_English_in_their_own_time_zone()
    {
        var text = MedifTexts.ForCaller("de", MedifSamples.Request(), "Europe/Berlin", Now);

        Assert.Contains("The MEDIF (Medical Information Form) is the airline's medical form", text);
        Assert.Contains("a stretcher on board, oxygen in flight and a wheelchair at the airport", text);
        Assert.Contains("Global Assist LLC fills in part 1", text);
        Assert.Contains("The attending doctor fills in part 2", text);
        Assert.Contains("The airline must have the form by 17:55 on 7 December (Berlin time, UTC+1).", text);
        Assert.Contains("keep the patient's passport at hand", text);
    }

    [Fact]
    public void An_unknown_time_zone_gives_the_deadline_in_UTC()
    {
        var text = MedifTexts.ForCaller("en", MedifSamples.Request(), "Mars/Olympus", Now);

        Assert.Contains("by 16:55 on 7 December (UTC).", text);
    }

    [Fact]
    public void Names_only_the_usual_examples_when_the_plan_needs_nothing_special()
    {
        var request = MedifSamples.Request(mode: TransportModes.CommercialSeated) with { OxygenLitresPerMinute = null, Wheelchair = WheelchairCodes.None };

        var text = MedifTexts.ForCaller("ru", request, "Europe/Moscow", Now);

        Assert.Contains("например, кресло-каталку или кислород, если они нужны", text);
    }

    [Fact]
    public void Says_so_when_the_carriers_deadline_has_passed()
    {
        var text = MedifTexts.ForCaller("ru", MedifSamples.Request(), "Europe/Moscow", new DateTimeOffset(2026, 12, 9, 0, 0, 0, TimeSpan.Zero));

        Assert.Contains("Обычный срок авиакомпании, до 19:55 7 декабря (Москва, UTC+3), уже прошёл", text);
        Assert.DoesNotContain("Её отправим мы", text);
    }
}
