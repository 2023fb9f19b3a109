using System.Text.RegularExpressions;
using Platform.Repatriation.Medif;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Tests.Medif;

public sealed class MedifPdfTests
{
    [Fact]
    public void Part_1_names_the_passenger_and_every_flight_with_its_carrier_number_and_date()
    {
        var pages = MedifSamples.Pages(MedifPdf.Render(MedifSamples.Request()));
        var part1 = pages[0];

        Assert.Contains(MedifPdf.Part1Title, part1);
        Assert.Contains("MEDA01 Passenger: name, initials, sex, age", part1);
        Assert.Contains("Name (family name/given name) IVANOVA/MARIA", part1);
        Assert.Contains("Initials M.", part1);
        Assert.Contains("Sex F (female)", part1);
        Assert.Contains("Age (at travel) 68", part1);
        Assert.Contains("MEDA02 Proposed itinerary", part1);
        Assert.Contains("2 Turkish Airlines (TK) TK69 Economy, stretcher (6 seats) 10 Dec 2026 23:55 (UTC+07:00) BKK IST", part1);
        Assert.Contains("3 Turkish Airlines (TK) TK413 Economy, stretcher (6 seats) 11 Dec 2026 09:40 (UTC+03:00) IST SVO", part1);
        Assert.Contains("MEDA03 Nature of incapacity Left-sided weakness after an ischaemic stroke", part1);
    }

    [Fact]
    public void Part_1_ticks_the_stretcher_the_escort_nurse_WCHC_the_ambulances_and_states_the_oxygen()
    {
        var part1 = MedifSamples.Pages(MedifPdf.Render(MedifSamples.Request()))[0];

        Assert.Contains("MEDA04 Stretcher needed on board? X Yes No Stretcher (STCR) on every flight, taking 6 seats.", part1);
        Assert.Contains("X Yes No Nurse: to be named, arranged by Global Assist LLC.", part1);
        Assert.Contains("MEDA06 Wheelchair needed? Which category No WCHR WCHS X WCHC", part1);
        Assert.Contains("X At departure: yes no Arranged by a local ambulance provider, booked by Global Assist LLC.", part1);
        Assert.Contains("X At arrival: yes no Arranged by the treating hospital.", part1);
        Assert.Contains("Ambulance lift (high loader) at the aircraft door", part1);
        Assert.Contains("Oxygen: 2 l/min in flight.", part1);
        Assert.Contains("Equipment: Vacuum mattress; Portable oxygen concentrator.", part1);
        Assert.Contains(MedifPdf.ReleaseStatement, part1);
        Assert.Contains("Signature of the passenger (or of the representative", part1);
    }

    [Fact]
    public void A_seated_passenger_without_escort_or_oxygen_gets_no_ticks_for_them()
    {
        var request = MedifSamples.Request(mode: TransportModes.CommercialSeated) with
        {
            Escort = EscortKinds.None, OxygenLitresPerMinute = null, Wheelchair = WheelchairCodes.Wchr, AmbulanceAtArrival = false,
        };

        var part1 = MedifSamples.Pages(MedifPdf.Render(request))[0];

        Assert.Contains("MEDA04 Stretcher needed on board? Yes X No", part1);
        Assert.Contains("(name and qualification) Yes X No", part1);
        Assert.Contains("No X WCHR WCHS WCHC", part1);
        Assert.Contains("At arrival: yes X no", part1);
        Assert.Contains("Oxygen: none.", part1);
        Assert.Contains("Economy 10 Dec 2026", part1);
    }

    [Fact]
    public void Part_2_starts_its_own_page_with_the_diagnosis_filled_in_and_the_doctors_questions_left_open()
    {
        var pages = MedifSamples.Pages(MedifPdf.Render(MedifSamples.Request()));
        var part2 = pages[1];

        Assert.StartsWith(MedifPdf.Part2Title, part2);
        Assert.Contains("Diagnosis, ICD-10 code I63.3", part2);
        Assert.Contains("Cerebral infarction due to thrombosis of the middle cerebral artery", part2);
        Assert.Contains("Date of onset 28 Nov 2026", part2);
        Assert.Contains("2.2 Attending physician Name Hospital or practice Telephone E-mail", part2);
        Assert.Contains("2.4 Prognosis for the trip", part2);
        Assert.Contains("2.5 Contagious or communicable disease? No Yes", part2);
        Assert.Contains("likely to cause distress or discomfort to other passengers? No Yes", part2);
        Assert.Contains("Can the passenger use a normal aircraft seat with the seatback upright", part2);
        Assert.Contains("Can the passenger take care of their own needs on board unassisted", part2);
        Assert.Contains("2.9 Escort needed? Of what kind No Companion Nurse Paramedic Doctor Planned by the assistance company: nurse (to be named).", part2);
        Assert.Contains("2.10 Supplementary oxygen needed in flight? No Yes continuous intermittent", part2);
        Assert.Contains("Flow rate, l/min (planned by the assistance company: 2 l/min):", part2);
        Assert.Contains("medication on board other than self-administered", part2);
        Assert.Contains(MedifPdf.CabinAltitudeQuestion, part2);
        Assert.Contains("Physician's name (in capitals)", part2);
        Assert.Contains("Signature and stamp", part2);
        Assert.DoesNotContain(" X ", part2);
    }

    [Fact]
    public void Part_2_shows_the_physician_when_the_case_knows_them()
    {
        var request = MedifSamples.Request(physician: new Physician("Dr Somchai Wongsakul", "+66 2 310 3000", "icu@bkh.example", "Bangkok Hospital"));

        var part2 = MedifSamples.Pages(MedifPdf.Render(request))[1];

        Assert.Contains("Name Dr Somchai Wongsakul", part2);
        Assert.Contains("Hospital or practice Bangkok Hospital", part2);
        Assert.Contains("Telephone +66 2 310 3000", part2);
        Assert.Contains("Physician's name: Dr Somchai Wongsakul", part2);
    }

    [Fact]
    public void States_when_the_carrier_needs_the_form()
    {
        var text = MedifSamples.Text(MedifPdf.Render(MedifSamples.Request()));

        // TK's lead time in the example data is 72 hours before 10 Dec 2026 23:55 in Bangkok.
        Assert.Contains("Needed by the carrier by 07 Dec 2026 23:55 (UTC+07:00) (72 hours before the first flight)", text);
        Assert.Contains("Date of request 03 Dec 2026", text);
    }

    [Fact]
    public void A_long_itinerary_and_long_texts_wrap_inside_the_page_without_losing_a_word()
    {
        var legs = new List<Leg> { MedifSamples.Legs[0] };
        var airports = new[] { "DPS", "CGK", "SIN", "DXB", "IST", "FRA", "SVO" };
        for (var i = 0; i < 6; i++)
            legs.Add(new(i + 2, "flight", airports[i], airports[i + 1], new DateTimeOffset(2026, 12, 10 + i, 8 + i, 15, 0, TimeSpan.FromHours(3)),
                i % 2 == 0 ? "TK" : "EK", $"{(i % 2 == 0 ? "TK" : "EK")}{1000 + i}", 6, "assistance", "insurer", "confirmed"));
        legs.Add(MedifSamples.Legs[3] with { Number = 8 });
        var incapacity = "Start-of-incapacity " + string.Join(' ', Enumerable.Repeat("unable to bear weight on the right leg after an open reduction and internal fixation of the femur,", 14)) + " end-of-incapacity";
        var ground = "Start-of-ground " + string.Join(' ', Enumerable.Repeat("high loader at the aircraft door and a meet-and-assist team at every transfer,", 14)) + " end-of-ground";

        var pdf = MedifPdf.Render(MedifSamples.Request(legs, incapacity: incapacity, ground: ground) with
        {
            DiagnosisText = "Start-of-diagnosis " + string.Join(' ', Enumerable.Repeat("pertrochanteric fracture of the femur with", 12)) + " end-of-diagnosis",
            AssistanceCompany = "Global Assist Medical and Travel Assistance Services International Limited Liability Company",
        });
        // The text as one run, without the footers and running headers a page break puts inside a paragraph.
        var text = Regex.Replace(string.Join(" ", MedifSamples.Pages(pdf)), @"MEDIF · IVANOVA/MARIA · case MA-2026-0042 (page \d+ of \d+|\(continued\)) ", "");

        Assert.True(MedifSamples.EverythingInsideMargins(pdf));
        Assert.Contains(MedifSamples.Normal(incapacity), text);
        Assert.Contains(MedifSamples.Normal(ground), text);
        Assert.Contains("end-of-diagnosis", text);
        for (var i = 0; i < 6; i++) Assert.Contains($"{(i % 2 == 0 ? "TK" : "EK")}{1000 + i}", text);
        Assert.Contains("15 Dec 2026 13:15 (UTC+03:00) FRA SVO", text);
        Assert.True(MedifSamples.Pages(pdf).Count >= 3);
    }

    [Fact]
    public void The_sample_form_fits_part_1_and_part_2_on_a_page_each()
    {
        var pdf = MedifPdf.Render(MedifSamples.Request());

        Assert.Equal(2, MedifSamples.Pages(pdf).Count);
        Assert.True(MedifSamples.EverythingInsideMargins(pdf));
    }
}
