using System.Text.RegularExpressions;

namespace Platform.Billing.Invoices;

/// <summary>
/// An invoice as JSON. <c>caseNumber</c> or <c>guaranteeNumber</c> (or both) say what it bills; <c>clinicCode</c> who
/// bills (a clinic's own key sets it, staff name it); <c>form</c>: professional, institutional or other (default);
/// <c>diagnoses</c>: ICD-10 codes, principal first, which lines point at by position (1-based).
/// </summary>
public sealed record InvoiceRequest(
    string? ClinicCode,
    string? CaseNumber,
    string? GuaranteeNumber,
    string? InvoiceNumber,
    DateOnly? ServiceFrom,
    DateOnly? ServiceTo,
    string? Currency,
    string? Form,
    IReadOnlyList<string>? Diagnoses,
    string? FacilityCode,
    IReadOnlyList<InvoiceLineRequest>? Lines);

/// <summary>
/// A line: <c>codeSystem</c> CPT or HCPCS (US), or price-list (the clinic's own code; the default); <c>amount</c>
/// defaults to quantity x unitPrice; <c>benefit</c> defaults by the code (<see cref="ServiceBenefits"/>: rehabilitation
/// for CPT 97010-97799, dental for HCPCS D-codes, medical-expenses otherwise).
/// </summary>
public sealed record InvoiceLineRequest(
    string? ServiceCode,
    string? CodeSystem,
    string? RevenueCode,
    string? Description,
    DateOnly? ServiceDate,
    decimal? Quantity,
    decimal? UnitPrice,
    decimal? Amount,
    IReadOnlyList<int>? DiagnosisPointers,
    string? Benefit);

public static partial class InvoiceRules
{
    public const int MaxLines = 500;
    public const decimal MaxAmount = 100_000_000m;
    private static readonly string[] Forms = [ClaimForms.Professional, ClaimForms.Institutional, ClaimForms.Other];
    private static readonly string[] Systems = [CodeSystems.Cpt, CodeSystems.Hcpcs, CodeSystems.PriceList];

    [GeneratedRegex(@"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")]
    private static partial Regex Icd10();

    /// <summary>Checks the request and builds the invoice (case, letter and patient are filled in later); null with errors.</summary>
    public static Invoice? ToInvoice(InvoiceRequest request, string tenantId, string kind, Party biller, DateTimeOffset now, ValidationErrors errors)
    {
        if (errors.Required("invoiceNumber", request.InvoiceNumber)) errors.MaxLength("invoiceNumber", request.InvoiceNumber, 50);
        if (request.CaseNumber is null && request.GuaranteeNumber is null)
            errors.Add("caseNumber", "Give the case number or the guarantee letter's number (or both).");
        errors.MaxLength("caseNumber", request.CaseNumber, 50);
        errors.MaxLength("guaranteeNumber", request.GuaranteeNumber, 50);
        errors.Required("serviceFrom", request.ServiceFrom);
        errors.Required("serviceTo", request.ServiceTo);
        if (request.ServiceFrom > request.ServiceTo) errors.Add("serviceTo", "The last day of service is before the first.");
        if (errors.Required("currency", request.Currency) && !IsoCodes.Currencies.Contains(Money.Currency(request.Currency)))
            errors.Add("currency", "The field must be an ISO 4217 currency code such as USD.");
        var form = request.Form?.Trim().ToLowerInvariant() ?? ClaimForms.Other;
        errors.OneOf("form", form, Forms);
        errors.MaxLength("facilityCode", request.FacilityCode, 10);
        var diagnoses = (request.Diagnoses ?? []).Select(d => d?.Trim().ToUpperInvariant().Replace(".", "") ?? "").ToArray();
        if (diagnoses.Length > 12) errors.Add("diagnoses", "At most 12 diagnoses.");
        for (var i = 0; i < diagnoses.Length; i++)
            if (!Icd10().IsMatch(diagnoses[i])) errors.Add($"diagnoses[{i}]", "The field must be an ICD-10 code such as S72.001A.");

        var lines = new List<InvoiceLine>();
        if (request.Lines is not { Count: > 0 }) errors.Add("lines", "An invoice has at least one line.");
        else if (request.Lines.Count > MaxLines) errors.Add("lines", $"At most {MaxLines} lines.");
        else
            for (var i = 0; i < request.Lines.Count; i++)
            {
                var l = request.Lines[i];
                var at = $"lines[{i}]";
                if (l is null)
                {
                    errors.Add(at, "The line is empty.");
                    continue;
                }
                if (errors.Required($"{at}.serviceCode", l.ServiceCode)) errors.MaxLength($"{at}.serviceCode", l.ServiceCode, 48);
                var system = l.CodeSystem?.Trim() is { Length: > 0 } s ? (s.Equals("price-list", StringComparison.OrdinalIgnoreCase) ? CodeSystems.PriceList : s.ToUpperInvariant())
                    : CodeSystems.PriceList;
                errors.OneOf($"{at}.codeSystem", system, Systems);
                errors.MaxLength($"{at}.revenueCode", l.RevenueCode, 4);
                errors.MaxLength($"{at}.description", l.Description, 500);
                errors.Required($"{at}.serviceDate", l.ServiceDate);
                if (errors.Required($"{at}.quantity", l.Quantity) && (l.Quantity <= 0 || l.Quantity > 10_000))
                    errors.Add($"{at}.quantity", "The quantity must be above 0 and at most 10000.");
                if (errors.Required($"{at}.unitPrice", l.UnitPrice) && (l.UnitPrice < 0 || l.UnitPrice > MaxAmount))
                    errors.Add($"{at}.unitPrice", "The unit price must be 0 or more.");
                if (l.Amount is < 0 or > MaxAmount) errors.Add($"{at}.amount", "The amount must be 0 or more.");
                if ((l.DiagnosisPointers ?? []).Count > 4) errors.Add($"{at}.diagnosisPointers", "At most 4 pointers.");
                errors.MaxLength($"{at}.benefit", l.Benefit, 100);
                if (l.ServiceCode is null || l.ServiceDate is null || l.Quantity is null || l.UnitPrice is null) continue;
                lines.Add(new InvoiceLine(i + 1, l.ServiceCode.Trim(), system, l.RevenueCode?.Trim(), l.Description?.Trim(), l.ServiceDate.Value,
                    l.Quantity.Value, Money.Round(l.UnitPrice.Value), Money.Round(l.Amount ?? l.Quantity.Value * l.UnitPrice.Value),
                    l.DiagnosisPointers ?? [], Money.Key(l.Benefit) is { Length: > 0 } b ? b : ServiceBenefits.Of(system, l.ServiceCode)));
            }
        if (!errors.IsValid) return null;
        return new Invoice(Guid.CreateVersion7(now), tenantId, kind, form, kind == InvoiceKinds.Reimbursement ? "receipt" : "json",
            request.InvoiceNumber!.Trim(), request.CaseNumber?.Trim(), null, request.GuaranteeNumber?.Trim(), biller,
            new Patient("", "", null, null, null), request.ServiceFrom!.Value, request.ServiceTo!.Value, Money.Currency(request.Currency),
            diagnoses, lines, request.FacilityCode?.Trim(), now);
    }
}
