using System.ComponentModel.DataAnnotations;

namespace Platform.Billing;

/// <summary>Section <c>Billing</c>: the payer (the assistance company) as invoices, X12 files and forms name it.</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary>The payer's name, as X12 files and forms give it.</summary>
    [Required]
    public string? PayerName { get; set; }

    /// <summary>The payer's identifier in X12 files and on forms.</summary>
    [Required]
    public string? PayerIdentifier { get; set; }

    /// <summary>The payer's postal address, on one line.</summary>
    [Required]
    public string? PayerAddress { get; set; }
}
