using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using Platform.Pdf;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Medif;

/// <summary>
/// The MEDIF (medical information form) in English, A4, laid out as the IATA form: part 1 (the passenger and the
/// special services, numbered MEDA01-MEDA09) filled from the plan by the assistance company, with the passenger's
/// declaration to sign; part 2 on its own page for the attending physician, with what the case already knows filled in
/// and lines for the rest. Part 2's items are numbered for this document (2.1, 2.2, ...) and say in words what the IATA
/// form asks. A carrier that insists on its own MEDIF gets the same answers copied onto it.
/// </summary>
public static class MedifPdf
{
    public const string Part1Title = "PART 1 · to be completed by the passenger or on the passenger's behalf";
    public const string Part2Title = "PART 2 · to be completed by the attending physician";
    public const string CabinAltitudeQuestion =
        "Aircraft cabins are pressurised to the equivalent of about 6,000-8,000 ft (1,800-2,400 m) above sea level: the air holds about a quarter less oxygen than at sea level and gas in body cavities expands by up to about 30%. Is the passenger fit to fly at this cabin altitude?";
    public const string ReleaseStatement =
        "I release the carrier(s), their employees and agents from liability for any illness, injury or death, or any aggravation of my condition, resulting from or made worse by the carriage, and I authorise the attending physician to give the carrier's medical department the information it needs to assess my fitness to travel.";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // A shade darker than billing's forms, so the parts' bands stand out on the printed form.
    private static readonly XBrush BandShade = new XSolidBrush(XColor.FromArgb(232, 232, 232));

    private static readonly Column[] ItineraryColumns =
    [
        new("Leg", 22, Indent: FormWriter.ItemIndent), new("Carrier", 100), new("Flight no.", 46), new("Class", 118), new("Departure, local time", 105),
        new("From", 42), new("To", 42),
    ];

    private static readonly Column[] GroundColumns =
    [
        new("Leg", 22, Indent: FormWriter.ItemIndent), new("Date and time, local", 105), new("From", 110), new("To", 110), new("Arranged by", 128),
    ];

    public static byte[] Render(MedifRequest r)
    {
        var name = $"{r.Passenger.FamilyName.ToUpperInvariant()}/{r.Passenger.GivenName.ToUpperInvariant()}";
        var due = r.Flights.Count > 0 ? MedifDeadlines.Due(r) : (DateTimeOffset?)null;
        using var w = new FormWriter(PageSize.A4, $"MEDIF {name}, case {r.Passenger.CaseNumber}", $"MEDIF · {name} · case {r.Passenger.CaseNumber}")
        {
            Shade = BandShade,
        };
        w.ContinuedHeader($"MEDIF · {name} · case {r.Passenger.CaseNumber} (continued)");

        w.NewPage();
        w.Paragraph("MEDIF · MEDICAL INFORMATION FORM", FormWriter.Title, spaceAfter: 0);
        w.Paragraph("For passengers who need special assistance or a medical clearance to fly. Laid out as the IATA MEDIF; part 1 is filled in from the assistance company's transport plan, part 2 by the attending physician.",
            FormWriter.Small, brush: FormWriter.LabelBrush, spaceAfter: 6);
        w.Boxes(
            new Box("To (carrier, medical or special assistance desk)", $"{r.CarrierName} ({r.CarrierCode})", 1.4, Emphasis: true),
            new Box("From (assistance company, 24/7)", $"{r.AssistanceCompany}\n{r.AssistancePhone}", 1.6),
            new Box("Our reference (case)", r.Passenger.CaseNumber, 1));
        w.Boxes(
            new Box("Date of request", Date(r.RequestedOn), 1),
            new Box("Needed by the carrier by", due is { } d ? $"{DateTime(d)} ({Hours(MedifDeadlines.LeadTime(r.CarrierCode))} before the first flight)" : "—", 2, Emphasis: true));

        Part1(w, r, name);
        w.NewPage();
        Part2(w, r, name);
        return w.Save();
    }

    private static void Part1(FormWriter w, MedifRequest r, string name)
    {
        w.Y += 8;
        w.Band(Part1Title, $"Completed by {r.AssistanceCompany} for the passenger, from the transport plan of case {r.Passenger.CaseNumber}.");

        w.Item("MEDA01", "Passenger: name, initials, sex, age");
        w.Boxes(
            new Box("Name (family name/given name)", name, 2.4, Emphasis: true),
            new Box("Initials", Initials(r.Passenger), 0.7),
            new Box("Sex", Sex(r.Passenger.Sex), 0.8),
            new Box("Age (at travel)", r.AgeAtTravel?.ToString(Invariant) ?? "", 0.7),
            new Box("Date of birth", r.Passenger.DateOfBirth is { } born ? Date(born) : "", 1));

        w.Item("MEDA02", "Proposed itinerary", keepWith: 50);
        w.BeginTable(ItineraryColumns, FormWriter.Text, FormWriter.Label);
        foreach (var f in r.Flights)
            w.Row([f.Number.ToString(Invariant), Carrier(f.Carrier, r), f.FlightNumber ?? "", CabinClass(r, f), DateTime(f.DepartsAt), f.From, f.To]);
        if (r.Flights.Count == 0) w.Row(["", "No flight in the plan", "", "", "", "", ""]);
        w.EndTable();

        w.Item("MEDA03", "Nature of incapacity");
        w.Answer(r.Incapacity);

        w.Item("MEDA04", "Stretcher needed on board?", 24, ("Yes", r.StretcherNeeded), ("No", !r.StretcherNeeded));
        var seats = r.Flights.Select(f => f.Seats).FirstOrDefault(s => s is > 0);
        if (r.StretcherNeeded)
            w.Answer(seats is { } n ? $"Stretcher (STCR) on every flight, taking {n} seats." : "Stretcher (STCR) on every flight.");

        w.Item("MEDA05", "Is the passenger to be escorted? If so, by whom (name and qualification)", 24, ("Yes", r.Escorted), ("No", !r.Escorted));
        if (r.Escorted) w.Answer($"{EscortQualification(r.Escort)}: {(string.IsNullOrWhiteSpace(r.EscortName) ? "to be named" : r.EscortName)}, arranged by {r.AssistanceCompany}.");

        w.Item("MEDA06", "Wheelchair needed? Which category", 24, ("No", r.Wheelchair == WheelchairCodes.None), ("WCHR", r.Wheelchair == WheelchairCodes.Wchr),
            ("WCHS", r.Wheelchair == WheelchairCodes.Wchs), ("WCHC", r.Wheelchair == WheelchairCodes.Wchc));
        w.Paragraph("WCHR: can walk short distances and climb stairs, not the length of the terminal. WCHS: cannot climb stairs, can walk to the seat. WCHC: immobile, to be carried to and from the seat.",
            FormWriter.Small, indent: FormWriter.ItemIndent, brush: FormWriter.LabelBrush, spaceAfter: 2);

        w.Item("MEDA07", "Ambulance needed? At departure and at arrival, and with whom arranged", keepWith: 50);
        var legs = r.ActiveLegs;
        var firstFlight = r.Flights.Count > 0 ? r.Flights[0].Number : int.MaxValue;
        var lastFlight = r.Flights.Count > 0 ? r.Flights[^1].Number : int.MinValue;
        var before = legs.Where(l => l.Kind != "flight" && l.Number < firstFlight).ToList();
        var after = legs.Where(l => l.Kind != "flight" && l.Number > lastFlight).ToList();
        w.Ticks([("At departure: yes", r.AmbulanceAtDeparture), ("no", !r.AmbulanceAtDeparture)],
            r.AmbulanceAtDeparture ? $"Arranged by {ArrangedBy(before.LastOrDefault()?.ArrangedBy, r)}." : null);
        w.Ticks([("At arrival: yes", r.AmbulanceAtArrival), ("no", !r.AmbulanceAtArrival)],
            r.AmbulanceAtArrival ? $"Arranged by {ArrangedBy(after.FirstOrDefault()?.ArrangedBy, r)}." : null);

        w.Item("MEDA08", "Other ground arrangements needed", keepWith: 40);
        w.Answer(string.IsNullOrWhiteSpace(r.GroundArrangements) ? "None besides the above." : r.GroundArrangements);
        var ground = legs.Where(l => l.Kind != "flight").ToList();
        if (ground.Count > 0)
        {
            w.BeginTable(GroundColumns, FormWriter.Text, FormWriter.Label);
            foreach (var g in ground) w.Row([g.Number.ToString(Invariant), DateTime(g.DepartsAt), g.From, g.To, ArrangedBy(g.ArrangedBy, r)]);
            w.EndTable();
        }

        w.Item("MEDA09", "Special in-flight arrangements (oxygen, equipment, extra seats)");
        w.Answer(r.OxygenLitresPerMinute is { } o && o > 0
            ? $"Oxygen: {Litres(o)} l/min in flight."
            : "Oxygen: none.");
        w.Answer(r.Equipment.Count > 0 ? $"Equipment: {string.Join("; ", r.Equipment)}." : "Equipment: none.");
        if (r.Mode == TransportModes.CommercialExtraSeats) w.Answer("Extra seats so the leg can be kept straight.");

        w.Y += 6;
        w.Item("", "Passenger's declaration", keepWith: 100);
        w.Paragraph(ReleaseStatement, FormWriter.Text, spaceAfter: 2);
        w.SignatureLines(("Signature of the passenger (or of the representative, with the capacity in which they sign)", 2.2), ("Date", 0.8));
        w.SignatureLines(("Name of the person signing, if not the passenger", 2.2), ("Relationship to the passenger", 0.8));
    }

    private static void Part2(FormWriter w, MedifRequest r, string name)
    {
        w.Band(Part2Title,
            $"The carrier's medical department decides from these answers whether the passenger can fly and with what. Please answer every item and return the form to {r.AssistanceCompany} ({r.AssistancePhone}). What is filled in comes from the case: correct it where it is wrong.");

        w.Item("2.1", "Passenger");
        w.Boxes(
            new Box("Name (family name/given name)", name, 2, Emphasis: true),
            new Box("Sex", Sex(r.Passenger.Sex), 0.7),
            new Box("Age", r.AgeAtTravel?.ToString(Invariant) ?? "", 0.4),
            new Box("First flight", r.Flights.Count > 0 ? $"{Carrier(r.Flights[0].Carrier, r)} {r.Flights[0].FlightNumber} {Date(DateOnly.FromDateTime(r.Flights[0].DepartsAt.DateTime))}" : "", 1.6));

        w.Item("2.2", "Attending physician");
        var p = r.Physician;
        w.Boxes(
            new Box("Name", p.Name, 1.3, Lines: 2),
            new Box("Hospital or practice", p.Hospital, 1.3, Lines: 2),
            new Box("Telephone", p.Phone, 1, Lines: 2),
            new Box("E-mail", p.Email, 1.2, Lines: 2));

        w.Item("2.3", "Medical data: diagnosis in detail, date of onset, of diagnosis or operation; vital signs", keepWith: 60);
        w.Boxes(
            new Box("Diagnosis, ICD-10 code", Icd10(r.DiagnosisCode), 0.9, Emphasis: true),
            new Box("Diagnosis", r.DiagnosisText, 3.1),
            new Box("Date of onset", r.DiagnosisSince is { } since ? Date(since) : "", 1));
        w.WriteIn(2, "Details, operations and dates:");
        w.WriteIn(1, "Vital signs (blood pressure, pulse, respiratory rate, SpO2 on room air, haemoglobin):");

        w.Item("2.4", "Prognosis for the trip");
        w.WriteIn(2);

        YesNo(w, "2.5", "Contagious or communicable disease?", "If yes, which, and is the passenger still infectious:");
        YesNo(w, "2.6", "Would the passenger's physical or mental condition be likely to cause distress or discomfort to other passengers?", "If yes, why:");
        YesNo(w, "2.7", "Can the passenger use a normal aircraft seat with the seatback upright when required (taxi, take-off, landing, turbulence)?",
            r.StretcherNeeded ? "Planned: a stretcher. If no, why:" : "If no, why:");
        YesNo(w, "2.8", "Can the passenger take care of their own needs on board unassisted (meals, visits to the toilet, medication)?", "If no, what help is needed:");

        w.Item("2.9", "Escort needed? Of what kind", 12, ("No", false), ("Companion", false), ("Nurse", false), ("Paramedic", false), ("Doctor", false));
        w.Answer(r.Escorted
            ? $"Planned by the assistance company: {EscortQualification(r.Escort).ToLowerInvariant()} ({(string.IsNullOrWhiteSpace(r.EscortName) ? "to be named" : r.EscortName)})."
            : "Planned by the assistance company: none.", FormWriter.Small);

        w.Item("2.10", "Supplementary oxygen needed in flight?", 14, ("No", false), ("Yes", false), ("continuous", false), ("intermittent", false));
        w.WriteIn(1, r.OxygenLitresPerMinute is { } o && o > 0
            ? $"Flow rate, l/min (planned by the assistance company: {Litres(o)} l/min):"
            : "Flow rate, l/min (planned by the assistance company: no oxygen):");

        YesNo(w, "2.11", "Does the passenger need medication on board other than self-administered, or medical equipment?", "If yes, which (drug, dose, times; equipment):");

        w.Item("2.12", "Cabin altitude", keepWith: 40);
        w.Answer(CabinAltitudeQuestion);
        w.Ticks([("Yes, fit to fly at this cabin altitude", false), ("No", false), ("Only with oxygen as in 2.10", false)]);

        w.Item("2.13", "Other remarks or information in the interest of the passenger's safe and comfortable carriage (hospital care needed on arrival, positioning, special meals)");
        w.WriteIn(2);

        w.Y += 6;
        w.Item("", "Physician's declaration", keepWith: 80);
        w.Paragraph("I have examined the passenger and the answers above are, to the best of my knowledge, correct.", FormWriter.Text, spaceAfter: 2);
        w.SignatureLines((p.Name is { Length: > 0 } ? $"Physician's name: {p.Name}" : "Physician's name (in capitals)", 1.6), ("Signature and stamp", 1.4));
        w.SignatureLines(("Place", 1.6), ("Date", 1.4));
    }

    private static void YesNo(FormWriter w, string number, string question, string detail)
    {
        w.Item(number, question, 18, ("No", false), ("Yes", false));
        w.WriteIn(1, detail);
    }

    private static string Date(DateOnly date) => date.ToString("dd MMM yyyy", Invariant);

    // The local time of the place with its UTC offset, as a timetable gives it.
    private static string DateTime(DateTimeOffset at)
    {
        var offset = at.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var zone = offset == TimeSpan.Zero ? "UTC" : $"UTC{sign}{offset.Duration():hh\\:mm}";
        return $"{at.ToString("dd MMM yyyy HH:mm", Invariant)} ({zone})";
    }

    private static string Hours(TimeSpan lead) => $"{lead.TotalHours.ToString("0", Invariant)} hours";

    private static string Litres(decimal value) => value.ToString("0.##", Invariant);

    private static string Carrier(string? code, MedifRequest r) =>
        code is null ? r.CarrierName
        : string.Equals(code, r.CarrierCode, StringComparison.OrdinalIgnoreCase) ? $"{r.CarrierName} ({code})" : code;

    private static string CabinClass(MedifRequest r, Leg flight)
    {
        var cabin = r.CabinClass ?? (r.Mode == TransportModes.CommercialBusinessFlat ? "Business" : "Economy");
        return r.Mode switch
        {
            TransportModes.CommercialStretcher => flight.Seats is { } n ? $"{cabin}, stretcher ({n} seats)" : $"{cabin}, stretcher",
            TransportModes.CommercialExtraSeats => flight.Seats is { } n ? $"{cabin}, {n} seats" : $"{cabin}, extra seats",
            _ => cabin,
        };
    }

    private static string Initials(Passenger p) =>
        string.Concat(p.GivenName.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + "."));

    private static string Sex(string? sex) => sex?.ToUpperInvariant() switch
    {
        "F" => "F (female)",
        "M" => "M (male)",
        _ => "U (not stated)",
    };

    private static string EscortQualification(string escort) => escort switch
    {
        EscortKinds.Nurse => "Nurse",
        EscortKinds.Doctor => "Doctor",
        EscortKinds.Paramedic => "Paramedic",
        EscortKinds.Companion => "Companion (not medically qualified)",
        _ => escort,
    };

    private static string ArrangedBy(string? by, MedifRequest r) => by switch
    {
        "clinic" => "the treating hospital",
        "family" => "the passenger's family",
        "provider" => $"a local ambulance provider, booked by {r.AssistanceCompany}",
        _ => r.AssistanceCompany,
    };

    // ICD-10 with its dot (I21.4), however the case stored it.
    private static string Icd10(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return "";
        var c = code.Trim().ToUpperInvariant();
        return c.Length > 3 && !c.Contains('.') ? $"{c[..3]}.{c[3..]}" : c;
    }
}
