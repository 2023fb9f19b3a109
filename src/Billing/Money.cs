namespace Platform.Billing;

/// <summary>How billing writes benefits, currencies and amounts: one rule for every reader and writer.</summary>
public static class Money
{
    public static string Key(string? benefit) => (benefit ?? "").Trim().ToLowerInvariant();

    public static string Currency(string? currency) => (currency ?? "").Trim().ToUpperInvariant();

    /// <summary>To the cent, halves away from zero (as invoices and remittances round).</summary>
    public static decimal Round(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);
}
