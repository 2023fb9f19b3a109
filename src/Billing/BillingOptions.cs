using System.ComponentModel.DataAnnotations;
using Platform.Billing.Invoices;

namespace Platform.Billing;

/// <summary>Section <c>Billing</c>: the payer (the assistance company) as invoices, X12 files and forms name it.</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary>The payer's name, as X12 files and forms give it.</summary>
    [Required]
    public string? PayerName { get; set; }

    /// <summary>
    /// The payer's identifier in X12 files and on forms: ten characters, as the 835's TRN03 takes it (by convention 1
    /// followed by the payer's nine-digit EIN).
    /// </summary>
    [Required, RegularExpression("^[0-9A-Z]{10}$", ErrorMessage = "Billing:PayerIdentifier must be ten letters or digits (TRN03 of an 835), e.g. 1 and the EIN.")]
    public string? PayerIdentifier { get; set; }

    /// <summary>The payer's postal address, on one line: street, city, ISO country code ("1 Example Street, Limassol, CY").</summary>
    [Required]
    public string? PayerAddress { get; set; }

    /// <summary>Where clinics ask about a remittance (the 835's payer technical contact, the statement's footer).</summary>
    [Required, EmailAddress]
    public string? PayerEmail { get; set; }

    /// <summary>The payer as X12 files, forms and FHIR resources name it, its one-line address split at its commas.</summary>
    public Payer Payer()
    {
        var parts = (PayerAddress ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var country = parts is [.., { Length: 2 } last] && parts.Length > 1 ? last.ToUpperInvariant() : "";
        var rest = country.Length > 0 ? parts[..^1] : parts;
        return new Payer(PayerName ?? "", PayerIdentifier ?? "", rest.Length > 1 ? string.Join(", ", rest[..^1]) : rest.FirstOrDefault(),
            rest.Length > 1 ? rest[^1] : null, null, null, country);
    }
}
