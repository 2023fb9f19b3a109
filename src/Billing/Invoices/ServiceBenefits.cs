namespace Platform.Billing.Invoices;

/// <summary>
/// Which policy benefit a US-coded service is billed against when the biller does not say (an X12 837 never does): CPT
/// 97010-97799 (physical medicine and rehabilitation) is rehabilitation, HCPCS D0000-D9999 is dental care; everything
/// else is medical expenses. A clinic's own price-list codes carry no meaning here, so they count as medical expenses
/// unless the invoice names the benefit.
/// </summary>
public static class ServiceBenefits
{
    public const string Medical = "medical-expenses";
    public const string Rehabilitation = "rehabilitation";
    public const string Dental = "dental";

    public static string Of(string codeSystem, string serviceCode)
    {
        var code = serviceCode.Trim().ToUpperInvariant();
        if (codeSystem == CodeSystems.Cpt && code.Length == 5 && int.TryParse(code, out var cpt) && cpt is >= 97010 and <= 97799)
            return Rehabilitation;
        if (codeSystem == CodeSystems.Hcpcs && code.Length == 5 && code[0] == 'D' && code[1..].All(char.IsAsciiDigit))
            return Dental;
        return Medical;
    }
}
