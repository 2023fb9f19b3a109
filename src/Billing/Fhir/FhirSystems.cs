namespace Platform.Billing.Fhir;

/// <summary>
/// The code and identifier systems the FHIR resources use: HL7's and the code owners' canonical URIs, and URNs of our
/// own (<c>urn:platform:</c>) for what only the platform defines.
/// </summary>
public static class FhirSystems
{
    public const string ClaimType = "http://terminology.hl7.org/CodeSystem/claim-type";
    public const string ProcessPriority = "http://terminology.hl7.org/CodeSystem/processpriority";
    public const string PayeeType = "http://terminology.hl7.org/CodeSystem/payeetype";
    public const string DiagnosisType = "http://terminology.hl7.org/CodeSystem/ex-diagnosistype";
    public const string Adjudication = "http://terminology.hl7.org/CodeSystem/adjudication";
    public const string PaymentType = "http://terminology.hl7.org/CodeSystem/ex-paymenttype";
    public const string SubscriberRelationship = "http://terminology.hl7.org/CodeSystem/subscriber-relationship";
    public const string IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";

    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Cpt = "http://www.ama-assn.org/go/cpt";
    public const string Hcpcs = "urn:oid:2.16.840.1.113883.6.285";
    public const string PlaceOfService = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set";
    public const string NubcRevenue = "https://www.nubc.org/CodeSystem/RevenueCodes";
    public const string X12AdjustmentGroup = "https://x12.org/codes/claim-adjustment-group-codes";
    public const string X12AdjustmentReason = "https://x12.org/codes/claim-adjustment-reason-codes";

    public const string Npi = "http://hl7.org/fhir/sid/us-npi";
    public const string UsEin = "urn:oid:2.16.840.1.113883.4.4";

    /// <summary>A clinic's code in the tenant's network.</summary>
    public const string Clinic = "urn:platform:clinic";
    /// <summary>A payer's identifier as the 835 names it.</summary>
    public const string Payer = "urn:platform:payer";
    /// <summary>An invoice's number as its biller gave it (the Identifier's assigner says which biller).</summary>
    public const string InvoiceNumber = "urn:platform:invoice-number";
    public const string PolicyNumber = "urn:platform:policy-number";
    /// <summary>A payment's trace number (X12 TRN02).</summary>
    public const string PaymentReference = "urn:platform:payment-reference";

    /// <summary>The codes of one clinic's price list.</summary>
    public static string PriceList(string clinicCode) => $"urn:platform:price-list:{Uri.EscapeDataString(clinicCode)}";
}
