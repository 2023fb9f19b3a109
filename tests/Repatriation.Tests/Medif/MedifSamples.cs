using System.Text;
using Platform.Repatriation.Medif;
using Platform.Repatriation.Plans;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace Platform.Repatriation.Tests.Medif;

/// <summary>MEDIF requests the tests render, and reading a PDF's text back.</summary>
internal static class MedifSamples
{
    public static readonly Passenger Passenger = new("Ivanova", "Maria", new DateOnly(1958, 3, 7), "F", "MA-2026-0042");

    private static readonly TimeSpan Bangkok = TimeSpan.FromHours(7), Istanbul = TimeSpan.FromHours(3);

    /// <summary>Ambulance to the airport, Bangkok-Istanbul-Moscow on Turkish Airlines with a stretcher, ambulance home.</summary>
    public static readonly IReadOnlyList<Leg> Legs =
    [
        new(1, "ground", "Bangkok Hospital, Bangkok", "BKK", new DateTimeOffset(2026, 12, 10, 19, 0, 0, Bangkok), null, null, null, "provider", "insurer", "booked"),
        new(2, "flight", "BKK", "IST", new DateTimeOffset(2026, 12, 10, 23, 55, 0, Bangkok), "TK", "TK69", 6, "assistance", "insurer", "confirmed"),
        new(3, "flight", "IST", "SVO", new DateTimeOffset(2026, 12, 11, 9, 40, 0, Istanbul), "TK", "TK413", 6, "assistance", "insurer", "confirmed"),
        new(4, "ground", "SVO", "City Clinical Hospital 52, Moscow", new DateTimeOffset(2026, 12, 11, 14, 0, 0, Istanbul), null, null, null, "clinic", "insurer", "requested"),
    ];

    public static MedifRequest Request(
        IReadOnlyList<Leg>? legs = null, string carrier = "TK", string? incapacity = null, string? ground = null,
        Physician? physician = null, string mode = TransportModes.CommercialStretcher) => new(
        Passenger, legs ?? Legs, mode, EscortKinds.Nurse, null,
        incapacity ?? "Left-sided weakness after an ischaemic stroke; cannot sit or walk, lies flat.",
        WheelchairCodes.Propose(mode, canWalk: false, canClimbStairs: false),
        AmbulanceAtDeparture: true, AmbulanceAtArrival: true,
        ground ?? "Ambulance lift (high loader) at the aircraft door in Bangkok and Moscow; meet and assist at the transfer in Istanbul.",
        2m, ["Vacuum mattress", "Portable oxygen concentrator"],
        physician ?? Physician.Unknown,
        "Cerebral infarction due to thrombosis of the middle cerebral artery", "I633", new DateOnly(2026, 11, 28),
        new DateOnly(2026, 12, 3), "Global Assist LLC", "+7 495 123 45 67", carrier, "Turkish Airlines");

    /// <summary>Every page's text in the order it was drawn, a space where the letters jump (a new line, the next box).</summary>
    public static IReadOnlyList<string> Pages(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return [.. document.GetPages().Select(p => Normal(DrawnText(p)))];
    }

    public static string Text(byte[] pdf) => string.Join("\n", Pages(pdf));

    private static string DrawnText(Page page)
    {
        var text = new StringBuilder();
        Letter? previous = null;
        foreach (var letter in page.Letters)
        {
            if (previous is not null
                && (Math.Abs(letter.StartBaseLine.Y - previous.StartBaseLine.Y) > 0.5 || Math.Abs(letter.StartBaseLine.X - previous.EndBaseLine.X) > 1))
                text.Append(' ');
            text.Append(letter.Value);
            previous = letter;
        }
        return text.ToString();
    }

    public static string Normal(string value) =>
        string.Join(' ', value.Replace('\u00A0', ' ').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Whether every letter lies inside its page's margins (nothing drawn past an edge, where a viewer or a printer cuts it off).</summary>
    public static bool EverythingInsideMargins(byte[] pdf, double margin = 30)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().All(p => p.Letters.All(l =>
            l.BoundingBox.Left >= margin && l.BoundingBox.Right <= p.Width - margin && l.BoundingBox.Bottom >= margin - 12 && l.BoundingBox.Top <= p.Height - margin));
    }
}
