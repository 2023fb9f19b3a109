using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using FhirMoney = Hl7.Fhir.Model.Money;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Platform.Billing.Invoices;
using Invoice = Platform.Billing.Invoices.Invoice;
using FhirPatient = Hl7.Fhir.Model.Patient;
using Patient = Platform.Billing.Invoices.Patient;

namespace Platform.Billing.Fhir;

/// <summary>
/// An invoice as a FHIR R4 Claim and its adjudication as a ClaimResponse. Each resource stands alone: the patient, the
/// biller, the payer and the coverage are contained resources, so a receiver needs nothing else to read it. The Claim's
/// id is the invoice's id; the ClaimResponse points at it by that id and by the invoice number.
/// </summary>
public static class FhirClaims
{
    // The SDK's System.Text.Json converters; FHIR JSON has its own rules (primitives' extensions as _name, choice
    // types as valueX), so these options are for FHIR resources only.
    private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions().ForFhir();

    private const string PatientId = "patient";
    private const string ProviderId = "provider";
    private const string InsurerId = "insurer";
    private const string CoverageId = "coverage";

    public static Claim ToClaim(Invoice invoice, Payer payer)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(payer);

        var claim = new Claim
        {
            Id = invoice.Id.ToString(),
            Identifier = InvoiceIdentifiers(invoice),
            Status = FinancialResourceStatusCodes.Active,
            Type = ClaimType(invoice),
            Use = ClaimUseCode.Claim,
            Patient = Local(PatientId),
            BillablePeriod = new Period { Start = Iso(invoice.ServiceFrom), End = Iso(invoice.ServiceTo) },
            CreatedElement = new FhirDateTime(invoice.ReceivedAt),
            Provider = Local(ProviderId),
            Insurer = Local(InsurerId),
            Priority = Concept(FhirSystems.ProcessPriority, "normal", "Normal"),
            Payee = Payee(invoice),
            Diagnosis = invoice.Diagnoses.Select((code, i) => new Claim.DiagnosisComponent
            {
                Sequence = i + 1,
                Diagnosis = Concept(FhirSystems.Icd10Cm, Icd10CmCode(code)),
                // The invoice lists the principal diagnosis first.
                Type = i == 0 ? [Concept(FhirSystems.DiagnosisType, "principal", "Principal Diagnosis")] : [],
            }).ToList(),
            Insurance =
            [
                new Claim.InsuranceComponent
                {
                    Sequence = 1,
                    Focal = true,
                    Coverage = Local(CoverageId),
                    PreAuthRef = invoice.GuaranteeNumber is { } gop ? [gop] : [],
                },
            ],
            Item = invoice.Lines.Select(line => Item(invoice, line)).ToList(),
            Total = Money(invoice.Total, invoice.Currency),
        };
        claim.Contained =
        [
            ToPatient(invoice.Patient),
            ToOrganization(ProviderId, invoice.Biller),
            ToOrganization(payer),
            ToCoverage(invoice.Patient),
        ];
        return claim;
    }

    /// <summary>
    /// The adjudication as a ClaimResponse: per line what was billed (submitted), allowed (eligible), taken as
    /// deductible and co-payment, paid (benefit), and each X12 adjustment (group and CARC reason) with its amount. A
    /// returned invoice has the outcome error and no items. <paramref name="payment"/>, when given and not failed,
    /// becomes the response's payment.
    /// </summary>
    public static ClaimResponse ToClaimResponse(Invoice invoice, Adjudication adjudication, Payer payer, PaymentOrder? payment = null)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(adjudication);
        ArgumentNullException.ThrowIfNull(payer);
        if (adjudication.InvoiceId != invoice.Id)
            throw new ArgumentException($"The adjudication is of invoice {adjudication.InvoiceId}, not {invoice.Id}.", nameof(adjudication));
        if (payment is not null && payment.InvoiceId != invoice.Id)
            throw new ArgumentException($"The payment is for invoice {payment.InvoiceId}, not {invoice.Id}.", nameof(payment));

        var returned = adjudication.Status == AdjudicationStatuses.Returned;
        var currency = invoice.Currency;
        var response = new ClaimResponse
        {
            // One response per revision: an override makes a new adjudication, and so a new response.
            Id = $"{invoice.Id}-{adjudication.Revision.ToString(CultureInfo.InvariantCulture)}",
            Status = FinancialResourceStatusCodes.Active,
            Type = ClaimType(invoice),
            Use = ClaimUseCode.Claim,
            Patient = Local(PatientId),
            CreatedElement = new FhirDateTime(adjudication.AdjudicatedAt),
            Insurer = Local(InsurerId),
            Requestor = Local(ProviderId),
            Request = new ResourceReference($"Claim/{invoice.Id}")
            {
                Type = "Claim",
                Identifier = InvoiceNumber(invoice),
            },
            Outcome = returned ? ClaimProcessingCodes.Error : ClaimProcessingCodes.Complete,
            Disposition = Disposition(adjudication, currency),
            PreAuthRef = invoice.GuaranteeNumber,
            Item = returned ? [] : adjudication.Lines.Select(d => ResponseItem(d, currency)).ToList(),
            Error = returned
                ? [new ClaimResponse.ErrorComponent { Code = new CodeableConcept { Text = adjudication.ReturnReason ?? "Returned to the biller" } }]
                : [],
            Total = Totals(adjudication, returned, currency),
        };
        if (payment is { Status: not PaymentStatuses.Failed })
            response.Payment = Payment(payment, adjudication, currency);
        response.Contained =
        [
            ToPatient(invoice.Patient),
            ToOrganization(ProviderId, invoice.Biller),
            ToOrganization(payer),
        ];
        return response;
    }

    public static string ToJson(Resource resource) => JsonSerializer.Serialize(resource, JsonOptions);

    /// <summary>Parses FHIR JSON; the SDK throws when it is not a valid resource of that type.</summary>
    public static T FromJson<T>(string json) where T : Resource =>
        JsonSerializer.Deserialize<T>(json, JsonOptions) ?? throw new JsonException("The JSON is null, not a resource.");

    private static List<Identifier> InvoiceIdentifiers(Invoice invoice) =>
    [
        InvoiceNumber(invoice),
        new Identifier("urn:ietf:rfc:3986", $"urn:uuid:{invoice.Id}"),
    ];

    // The biller's own number, unique only per biller: the biller is its assigner.
    private static Identifier InvoiceNumber(Invoice invoice) =>
        new(FhirSystems.InvoiceNumber, invoice.Number) { Assigner = Local(ProviderId) };

    // CMS-1500 and 837P are professional claims, UB-04 and 837I institutional; a clinic abroad billing its price list
    // bills a doctor's services too.
    private static CodeableConcept ClaimType(Invoice invoice) => invoice.Form == ClaimForms.Institutional
        ? Concept(FhirSystems.ClaimType, "institutional", "Institutional")
        : Concept(FhirSystems.ClaimType, "professional", "Professional");

    private static Claim.PayeeComponent Payee(Invoice invoice) => invoice.Kind == InvoiceKinds.Reimbursement
        ? new() { Type = Concept(FhirSystems.PayeeType, "subscriber", "Subscriber"), Party = Local(PatientId) }
        : new() { Type = Concept(FhirSystems.PayeeType, "provider", "Provider"), Party = Local(ProviderId) };

    private static Claim.ItemComponent Item(Invoice invoice, InvoiceLine line) => new()
    {
        Sequence = line.Number,
        DiagnosisSequence = line.DiagnosisPointers.Select(p => (int?)p).ToList(),
        Revenue = line.RevenueCode is { } revenue ? Concept(FhirSystems.NubcRevenue, revenue) : null,
        // A professional invoice's facility code is the CMS place of service (an institutional one's is the type of bill).
        Location = invoice is { Form: ClaimForms.Professional, FacilityCode: { } place }
            ? Concept(FhirSystems.PlaceOfService, place)
            : null,
        ProductOrService = ProductOrService(invoice, line),
        Serviced = Date(line.ServiceDate),
        Quantity = new Quantity { Value = line.Quantity },
        UnitPrice = Money(line.UnitPrice, invoice.Currency),
        Net = Money(line.Amount, invoice.Currency),
    };

    private static CodeableConcept ProductOrService(Invoice invoice, InvoiceLine line)
    {
        var system = line.CodeSystem switch
        {
            CodeSystems.Cpt => FhirSystems.Cpt,
            CodeSystems.Hcpcs => FhirSystems.Hcpcs,
            // A price list's codes mean something only in the clinic's list; the insured's receipts have no list.
            CodeSystems.PriceList => invoice.Biller.Code is { } clinic ? FhirSystems.PriceList(clinic) : null,
            _ => throw new ArgumentException($"Line {line.Number} of invoice {invoice.Id} has the unknown code system '{line.CodeSystem}'.", nameof(invoice)),
        };
        return new CodeableConcept
        {
            Coding = [new Coding(system, line.ServiceCode)],
            Text = line.Description,
        };
    }

    private static ClaimResponse.ItemComponent ResponseItem(LineDecision decision, string currency)
    {
        var item = new ClaimResponse.ItemComponent
        {
            ItemSequence = decision.Line,
            Adjudication =
            [
                Category("submitted", "Submitted Amount", decision.Billed, currency),
                Category("eligible", "Eligible Amount", decision.Allowed, currency),
            ],
        };
        var deductible = PatientResponsibility(decision, CarcDeductible);
        if (deductible != 0)
            item.Adjudication.Add(Category("deductible", "Deductible", deductible, currency));
        var copay = PatientResponsibility(decision, CarcCoPayment);
        if (copay != 0)
            item.Adjudication.Add(Category("copay", "CoPay", copay, currency));
        item.Adjudication.Add(Category("benefit", "Benefit Amount", decision.Paid, currency));
        // Each adjustment as the 835's CAS has it: who bears it (the group) and why (the CARC).
        item.Adjudication.AddRange(decision.Adjustments.Select(a => new ClaimResponse.AdjudicationComponent
        {
            Category = Concept(FhirSystems.X12AdjustmentGroup, a.Group),
            Reason = Concept(FhirSystems.X12AdjustmentReason, a.Reason),
            Amount = Money(a.Amount, currency),
        }));
        return item;
    }

    private const string CarcDeductible = "1";
    private const string CarcCoPayment = "3";

    private static decimal PatientResponsibility(LineDecision decision, string reason) =>
        decision.Adjustments.Where(a => a.Group == "PR" && a.Reason == reason).Sum(a => a.Amount);

    private static ClaimResponse.AdjudicationComponent Category(string code, string display, decimal amount, string currency) => new()
    {
        Category = Concept(FhirSystems.Adjudication, code, display),
        Amount = Money(amount, currency),
    };

    private static List<ClaimResponse.TotalComponent> Totals(Adjudication adjudication, bool returned, string currency)
    {
        var totals = new List<ClaimResponse.TotalComponent> { Total("submitted", "Submitted Amount", adjudication.Billed, currency) };
        if (returned)
            return totals;
        totals.Add(Total("eligible", "Eligible Amount", adjudication.Lines.Sum(l => l.Allowed), currency));
        var deductible = adjudication.Lines.Sum(l => PatientResponsibility(l, CarcDeductible));
        if (deductible != 0)
            totals.Add(Total("deductible", "Deductible", deductible, currency));
        var copay = adjudication.Lines.Sum(l => PatientResponsibility(l, CarcCoPayment));
        if (copay != 0)
            totals.Add(Total("copay", "CoPay", copay, currency));
        totals.Add(Total("benefit", "Benefit Amount", adjudication.Approved, currency));
        return totals;
    }

    private static ClaimResponse.TotalComponent Total(string code, string display, decimal amount, string currency) => new()
    {
        Category = Concept(FhirSystems.Adjudication, code, display),
        Amount = Money(amount, currency),
    };

    private static string Disposition(Adjudication adjudication, string currency)
    {
        if (adjudication.Status == AdjudicationStatuses.Returned)
            return $"Returned to the biller for correction: {adjudication.ReturnReason ?? "no reason given"}.";
        var count = (string outcome) => adjudication.Lines.Count(l => l.Outcome == outcome);
        return string.Create(CultureInfo.InvariantCulture,
            $"Adjudicated: {adjudication.Approved:0.00} {currency} of {adjudication.Billed:0.00} {currency} paid; " +
            $"{count(LineOutcomes.Approved)} line(s) approved, {count(LineOutcomes.Reduced)} reduced, {count(LineOutcomes.Rejected)} rejected.");
    }

    private static ClaimResponse.PaymentComponent Payment(PaymentOrder payment, Adjudication adjudication, string currency) => new()
    {
        // Less than approved, in the invoice's currency, is a part; in another currency the amounts do not compare.
        Type = payment.Currency != currency || payment.Amount >= adjudication.Approved
            ? Concept(FhirSystems.PaymentType, "complete", "Complete")
            : Concept(FhirSystems.PaymentType, "partial", "Partial"),
        // The date it was paid, or until then the date it was ordered.
        DateElement = Date(payment.PaidOn ?? DateOnly.FromDateTime(payment.CreatedAt.UtcDateTime)),
        Amount = Money(payment.Amount, payment.Currency),
        Identifier = new Identifier(FhirSystems.PaymentReference, payment.Reference),
    };

    private static FhirPatient ToPatient(Patient patient)
    {
        var resource = new FhirPatient
        {
            Id = PatientId,
            Name =
            [
                new HumanName
                {
                    Family = patient.FamilyName,
                    Given = string.IsNullOrEmpty(patient.GivenName) ? [] : [patient.GivenName],
                    Text = patient.FullName,
                },
            ],
            BirthDateElement = patient.DateOfBirth is { } born ? Date(born) : null,
            Gender = patient.Sex switch
            {
                "F" => AdministrativeGender.Female,
                "M" => AdministrativeGender.Male,
                "U" => AdministrativeGender.Unknown,
                _ => null,
            },
        };
        if (patient.PolicyNumber is { } policy)
            resource.Identifier.Add(PolicyNumber(policy));
        return resource;
    }

    private static Identifier PolicyNumber(string policy) => new()
    {
        Type = Concept(FhirSystems.IdentifierType, "MB", "Member Number"),
        System = FhirSystems.PolicyNumber,
        Value = policy,
    };

    private static Organization ToOrganization(string id, Party party)
    {
        var organization = new Organization
        {
            Id = id,
            Name = party.Name,
            Address = [Address(party.Address, party.City, party.State, party.PostalCode, party.Country)],
        };
        if (party.Npi is { } npi)
            organization.Identifier.Add(new Identifier(FhirSystems.Npi, npi));
        else if (party.Code is { } code)
            organization.Identifier.Add(new Identifier(FhirSystems.Clinic, code));
        if (party.TaxId is { } ein)
            organization.Identifier.Add(new Identifier(FhirSystems.UsEin, ein));
        return organization;
    }

    private static Organization ToOrganization(Payer payer) => new()
    {
        Id = InsurerId,
        Name = payer.Name,
        Identifier = [new Identifier(FhirSystems.Payer, payer.Identifier)],
        Address = [Address(payer.Address, payer.City, payer.State, payer.PostalCode, payer.Country)],
    };

    private static Address Address(string? line, string? city, string? state, string? postalCode, string country) => new()
    {
        Line = line is null ? [] : [line],
        City = city,
        State = state,
        PostalCode = postalCode,
        Country = country,
    };

    private static Coverage ToCoverage(Patient patient)
    {
        var coverage = new Coverage
        {
            Id = CoverageId,
            Status = FinancialResourceStatusCodes.Active,
            SubscriberId = patient.PolicyNumber,
            Beneficiary = Local(PatientId),
            // The insured holds the policy: the travel policy covers its holder.
            Relationship = Concept(FhirSystems.SubscriberRelationship, "self", "Self"),
            Payor = [Local(InsurerId)],
        };
        if (patient.PolicyNumber is { } policy)
            coverage.Identifier.Add(PolicyNumber(policy));
        return coverage;
    }

    // The invoice keeps ICD-10-CM codes as X12 does, without the dot; FHIR's ICD-10-CM codes have it after the category.
    private static string Icd10CmCode(string code) => code.Length > 3 && !code.Contains('.') ? $"{code[..3]}.{code[3..]}" : code;

    private static ResourceReference Local(string id) => new($"#{id}");

    private static Date Date(DateOnly date) => new(Iso(date));

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static FhirMoney Money(decimal amount, string currency) => new()
    {
        Value = amount,
        Currency = EnumUtility.ParseLiteral<FhirMoney.Currencies>(currency)
            ?? throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code.", nameof(currency)),
    };

    private static CodeableConcept Concept(string? system, string code, string? display = null) =>
        new() { Coding = [new Coding(system, code, display)] };
}
