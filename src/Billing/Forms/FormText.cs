using System.Globalization;
using Platform.Billing.Invoices;

namespace Platform.Billing.Forms;

/// <summary>How the US claim forms write dates, amounts, codes and addresses.</summary>
internal static class FormText
{
    public static string UsDate(DateOnly date) => date.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture);

    public static string UsDate(DateOnly? date) => date is { } d ? UsDate(d) : "";

    public static string Amount(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture);

    public static string Quantity(decimal quantity) => quantity.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>"IVANOVA, MARIA": last name, first name, as the forms ask.</summary>
    public static string LastFirst(Patient patient) =>
        string.IsNullOrEmpty(patient.GivenName) ? patient.FamilyName : $"{patient.FamilyName}, {patient.GivenName}";

    /// <summary>
    /// A procedure code and its modifiers: the invoice keeps them in one field the way X12 SV101 writes them
    /// ("99213:25", also "99213 25" or "99213-25").
    /// </summary>
    public static (string Code, string Modifiers) Procedure(string serviceCode)
    {
        var parts = serviceCode.Split([':', ' ', '-'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 0 ? ("", "") : (parts[0], string.Join(" ", parts.Skip(1)));
    }

    /// <summary>The letter a form gives the diagnosis at 1-based <paramref name="position"/>: A, B, ... (past Z: the number).</summary>
    public static string DiagnosisLetter(int position) =>
        position is >= 1 and <= 26 ? ((char)('A' + position - 1)).ToString() : position.ToString(CultureInfo.InvariantCulture);

    public static string Address(Party party)
    {
        var place = string.Join(" ", new[] { party.State, party.PostalCode }.Where(p => !string.IsNullOrWhiteSpace(p)));
        var parts = new[] { party.Address, party.City, place, party.Country }.Where(p => !string.IsNullOrWhiteSpace(p));
        return string.Join(", ", parts);
    }

    public static string Address(Payer payer)
    {
        var place = string.Join(" ", new[] { payer.State, payer.PostalCode }.Where(p => !string.IsNullOrWhiteSpace(p)));
        var parts = new[] { payer.Address, payer.City, place, payer.Country }.Where(p => !string.IsNullOrWhiteSpace(p));
        return string.Join(", ", parts);
    }

    public static string Sex(string? sex) => sex?.ToUpperInvariant() switch
    {
        "F" => "F",
        "M" => "M",
        _ => "U (unknown)",
    };

    /// <summary>The lines in pages of <paramref name="size"/>, as the paper forms hold them (6 on a CMS-1500, 22 on a UB-04).</summary>
    public static IReadOnlyList<IReadOnlyList<InvoiceLine>> Pages(IReadOnlyList<InvoiceLine> lines, int size) =>
        lines.Count == 0 ? [[]] : [.. lines.OrderBy(l => l.Number).Chunk(size).Select(c => (IReadOnlyList<InvoiceLine>)c)];
}
