using System.Globalization;
using Platform.Billing.Invoices;

namespace Platform.Billing.X12;

/// <summary>
/// Who an 837 is from and to: the submitter (1000A, with the contact the guide requires), the receiver (1000B) and
/// the payer the claims are billed to (2010BB, identified by <c>Payer.Identifier</c> as its payer id).
/// </summary>
public sealed record X12Parties(string SubmitterName, string SubmitterId, X12Contact SubmitterContact, string ReceiverName, string ReceiverId, Payer Payer);

public static partial class Claim837
{
    // A travel insurer pays a fixed cover per policy, not a network contract: indemnity insurance (SBR09, CLP06 15).
    internal const string IndemnityInsurance = "15";

    /// <summary>An 837P or 837I (by the invoice's form) carrying one claim. Throws <see cref="X12WriteException"/>
    /// naming every element the invoice cannot fill (a billing provider without NPI, a line without diagnosis pointer).</summary>
    public static string Write(Invoice invoice, X12Parties parties, X12Control control) => Write([invoice], parties, control);

    /// <summary>One 837 transaction set with a billing provider loop and a claim per invoice; all must have the same form.</summary>
    public static string Write(IReadOnlyList<Invoice> invoices, X12Parties parties, X12Control control)
    {
        if (invoices.Count == 0) throw new X12WriteException(["There is no invoice to write."]);
        var form = invoices[0].Form;
        if (form is not (ClaimForms.Professional or ClaimForms.Institutional))
            throw new X12WriteException([$"An 837 carries professional or institutional claims, not \"{form}\"."]);
        if (invoices.Any(i => i.Form != form))
            throw new X12WriteException(["Professional and institutional claims go in separate 837 files."]);
        var institutional = form == ClaimForms.Institutional;

        var x = new X12Output(control, "HC", "837", institutional ? InstitutionalVersion : ProfessionalVersion);
        x.Add("BHT", "0019", "00", control.InterchangeNumber.ToString(CultureInfo.InvariantCulture),
            X12Output.Date(control.CreatedAt), X12Output.Time(control.CreatedAt), "CH");
        x.Add("NM1", "41", "2", x.Text(parties.SubmitterName, "1000A NM103", 60), "", "", "", "", "46", x.Text(parties.SubmitterId, "1000A NM109", 80));
        Contact(x, parties.SubmitterContact, "1000A PER");
        x.Add("NM1", "40", "2", x.Text(parties.ReceiverName, "1000B NM103", 60), "", "", "", "", "46", x.Text(parties.ReceiverId, "1000B NM109", 80));

        var hl = 0;
        foreach (var invoice in invoices)
        {
            var provider = ++hl;
            x.Add("HL", provider.ToString(CultureInfo.InvariantCulture), "", "20", "1");
            if (invoice.Currency != "USD") x.Add("CUR", "85", x.Text(invoice.Currency, "CUR02", 3));
            BillingProvider(x, invoice.Biller);
            x.Add("HL", (++hl).ToString(CultureInfo.InvariantCulture), provider.ToString(CultureInfo.InvariantCulture), "22", "0");
            x.Add("SBR", "P", "18", "", "", "", "", "", "", IndemnityInsurance);
            var p = invoice.Patient;
            x.Add("NM1", "IL", "1", x.Text(p.FamilyName, "2010BA NM103", 60), x.Text(p.GivenName, "2010BA NM104", 35, required: false),
                "", "", "", "MI", x.Text(p.PolicyNumber, "2010BA NM109", 80));
            if (p.DateOfBirth is null) x.Problems.Add("2010BA DMG02: the patient's date of birth is required.");
            x.Add("DMG", "D8", p.DateOfBirth is { } born ? X12Output.Date(born) : "", p.Sex is "F" or "M" ? p.Sex : "U");
            x.Add("NM1", "PR", "2", x.Text(parties.Payer.Name, "2010BB NM103", 60), "", "", "", "", "PI", x.Text(parties.Payer.Identifier, "2010BB NM109", 80));
            ClaimLoop(x, invoice, institutional);
        }
        var text = x.Build();
        return x.Problems.Count == 0 ? text : throw new X12WriteException(x.Problems);
    }

    private static void Contact(X12Output x, X12Contact contact, string where)
    {
        var name = x.Text(contact.Name, $"{where}02", 60);
        var phone = x.Text(contact.Phone?.Replace("-", "").Replace(" ", ""), $"{where}04", 256, required: false);
        var email = x.Text(contact.Email, $"{where}04", 256, required: false);
        if (phone.Length == 0 && email.Length == 0) x.Problems.Add($"{where}04: the contact needs a phone number or an e-mail address.");
        if (phone.Length > 0 && email.Length > 0) x.Add("PER", "IC", name, "TE", phone, "EM", email);
        else if (phone.Length > 0) x.Add("PER", "IC", name, "TE", phone);
        else x.Add("PER", "IC", name, "EM", email);
    }

    private static void BillingProvider(X12Output x, Party biller)
    {
        if (biller.Npi is null || !IsNpi(biller.Npi)) x.Problems.Add($"2010AA NM109: the billing provider {biller.Name} needs a valid NPI to bill in an 837.");
        x.Add("NM1", "85", "2", x.Text(biller.Name, "2010AA NM103", 60), "", "", "", "", "XX", biller.Npi ?? "");
        x.Add("N3", x.Text(biller.Address, "2010AA N301", 55));
        Place(x, biller.City, biller.State, biller.PostalCode, biller.Country, "2010AA N4");
        var taxId = biller.TaxId?.Replace("-", "");
        if (taxId is null || !X12Reader.IsDigits(taxId, 9, 9)) x.Problems.Add($"2010AA REF02: the billing provider {biller.Name} needs its 9-digit tax id (EIN).");
        x.Add("REF", "EI", taxId ?? "");
    }

    /// <summary>N4: US addresses by state and ZIP code; elsewhere by country (N404), the state left out.</summary>
    internal static void Place(X12Output x, string? city, string? state, string? postalCode, string country, string where)
    {
        var c = x.Text(city, $"{where}01", 30);
        var zip = x.Text(postalCode?.Replace("-", ""), $"{where}03", 15, required: country == "US");
        if (country == "US") x.Add("N4", c, x.Text(state, $"{where}02", 2), zip);
        else x.Add("N4", c, "", zip, x.Text(country, $"{where}04", 3));
    }

    private static void ClaimLoop(X12Output x, Invoice invoice, bool institutional)
    {
        var number = x.Text(invoice.Number, "CLM01", 38);
        var total = X12Output.Amount(invoice.Total);
        var code = invoice.FacilityCode ?? "";
        if (institutional)
        {
            // The type of bill is "0" + facility type (2 digits) + frequency (1 digit).
            var bill = code.Length == 4 && code[0] == '0' ? code[1..] : code;
            if (!X12Reader.IsDigits(bill, 3, 3)) x.Problems.Add($"CLM05: the type of bill \"{code}\" must be 4 digits such as 0111.");
            var facility = bill.Length == 3 ? bill[..2] : "";
            var frequency = bill.Length == 3 ? bill[2..] : "";
            x.Add("CLM", number, total, "", "", X12Output.Composite(facility, "A", frequency), "", "A", "Y", "I");
            x.Add("DTP", "434", "RD8", $"{X12Output.Date(invoice.ServiceFrom)}-{X12Output.Date(invoice.ServiceTo)}");
            // Inpatient bill types (hospital 11x, critical access 18x, skilled nursing 21x) carry the admission.
            var inpatient = facility is "11" or "18" or "21";
            if (inpatient) x.Add("DTP", "435", "D8", X12Output.Date(invoice.ServiceFrom));
            // Emergency admission from an unknown origin; discharged home: what the platform knows of a traveller's stay.
            x.Add("CL1", inpatient ? "1" : "", inpatient ? "9" : "", "01");
        }
        else
        {
            if (!X12Reader.IsDigits(code, 2, 2)) x.Problems.Add($"CLM05-1: the place of service \"{code}\" must be 2 digits such as 11 (office) or 23 (emergency room).");
            x.Add("CLM", number, total, "", "", X12Output.Composite(code, "B", "1"), "Y", "A", "Y", "I");
        }
        if (invoice.CaseNumber is not null) x.Add("REF", "9F", x.Text(invoice.CaseNumber, "REF02 (9F)", 50));
        if (invoice.GuaranteeNumber is not null) x.Add("REF", "G1", x.Text(invoice.GuaranteeNumber, "REF02 (G1)", 50));
        Diagnoses(x, invoice.Diagnoses, institutional);

        foreach (var line in invoice.Lines)
        {
            x.Add("LX", line.Number.ToString(CultureInfo.InvariantCulture));
            var amount = X12Output.Amount(line.Amount);
            var quantity = X12Output.Quantity(line.Quantity);
            var where = $"line {line.Number}";
            if (line.Quantity <= 0) x.Problems.Add($"{where}: the quantity must be more than 0.");
            if (institutional)
            {
                if (line.RevenueCode is null || !X12Reader.IsDigits(line.RevenueCode, 4, 4))
                    x.Problems.Add($"SV201 ({where}): an institutional line needs its 4-digit revenue code.");
                var procedure = line.CodeSystem == RevenueCodeSystem ? "" : Procedure(x, line, "SV202");
                x.Add("SV2", line.RevenueCode ?? "", procedure, amount, "UN", quantity);
            }
            else
            {
                if (line.DiagnosisPointers.Count is 0 or > 4 || line.DiagnosisPointers.Any(p => p < 1 || p > invoice.Diagnoses.Count))
                    x.Problems.Add($"SV107 ({where}): a professional line points at 1 to 4 of the claim's diagnoses.");
                x.Add("SV1", Procedure(x, line, "SV101"), amount, "UN", quantity, "", "",
                    X12Output.Composite(line.DiagnosisPointers.Take(4).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray()));
            }
            x.Add("DTP", "472", "D8", X12Output.Date(line.ServiceDate));
        }
    }

    private static string Procedure(X12Output x, InvoiceLine line, string element)
    {
        if (line.CodeSystem is not (CodeSystems.Cpt or CodeSystems.Hcpcs) || line.ServiceCode.Length != 5 || !line.ServiceCode.All(char.IsAsciiLetterOrDigit))
            x.Problems.Add($"{element}-2 (line {line.Number}): \"{line.ServiceCode}\" ({line.CodeSystem}) is not a CPT or HCPCS code an 837 can carry.");
        return X12Output.Composite("HC", x.Text(line.ServiceCode, $"{element}-2", 48));
    }

    private static void Diagnoses(X12Output x, IReadOnlyList<string> diagnoses, bool institutional)
    {
        if (diagnoses.Count == 0)
        {
            x.Problems.Add("HI01-2: the claim needs its principal diagnosis.");
            return;
        }
        var codes = diagnoses.Select(d => d.Replace(".", "").ToUpperInvariant()).ToList();
        foreach (var code in codes.Where(c => !System.Text.RegularExpressions.Regex.IsMatch(c, "^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$")))
            x.Problems.Add($"HI: \"{code}\" is not an ICD-10-CM code.");
        if (institutional)
        {
            // 837I: the principal diagnosis alone in its HI, then the other diagnoses, 12 to an HI (24 at most).
            if (codes.Count > 25) x.Problems.Add("HI: an institutional claim carries 24 other diagnoses at most.");
            x.Add("HI", X12Output.Composite("ABK", codes[0]));
            foreach (var chunk in codes.Skip(1).Take(24).Chunk(12))
                x.Add("HI", chunk.Select(c => X12Output.Composite("ABF", c)).ToArray());
        }
        else
        {
            if (codes.Count > 12) x.Problems.Add("HI: a professional claim carries 12 diagnoses at most.");
            x.Add("HI", codes.Take(12).Select((c, i) => X12Output.Composite(i == 0 ? "ABK" : "ABF", c)).ToArray());
        }
    }
}
