using Platform.Billing.Invoices;

namespace Platform.Billing.Tests.Fhir;

/// <summary>Invoices and adjudications as the billing model has them, for mapping to FHIR.</summary>
internal static class BillingSamples
{
    public static readonly Payer Payer = new("Global Assist Ltd", "GA-PAYER-01", "1 Harbour Road", "Limassol", null, "3035", "CY");

    public static readonly Patient Insured = new("IVANOVA", "MARIA", new DateOnly(1984, 3, 9), "F", "POL-778899");

    /// <summary>
    /// An emergency visit in Orlando billed on an 837P under a GOP: the visit, a chest X-ray, the same visit billed a
    /// second time, and an injection (HCPCS, two units).
    /// </summary>
    public static Invoice Professional() => new(
        Id: Guid.Parse("0b8f5a52-7d0e-4c61-9a77-3a1b2c3d4e5f"),
        TenantId: "global-assist",
        Kind: InvoiceKinds.Clinic,
        Form: ClaimForms.Professional,
        Source: "x12-837p",
        Number: "ORL-2026-0457",
        CaseNumber: "2026-000101",
        CaseId: Guid.Parse("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"),
        GuaranteeNumber: "GOP-2026-000001",
        Biller: new Party("Orlando Health Urgent Care", "ORL-001", "1234567893", "59-1234567", "52 W Underwood St", "Orlando", "FL", "32806", "US"),
        Patient: Insured,
        ServiceFrom: new DateOnly(2026, 7, 14),
        ServiceTo: new DateOnly(2026, 7, 15),
        Currency: "USD",
        Diagnoses: ["J189", "R509"],
        Lines:
        [
            new InvoiceLine(1, "99285", CodeSystems.Cpt, null, "Emergency department visit, high complexity", new DateOnly(2026, 7, 14), 1, 1200m, 1200m, [1, 2], "medical-expenses"),
            new InvoiceLine(2, "71046", CodeSystems.Cpt, null, "Chest X-ray, 2 views", new DateOnly(2026, 7, 14), 1, 450m, 450m, [1], "medical-expenses"),
            new InvoiceLine(3, "99285", CodeSystems.Cpt, null, "Emergency department visit, high complexity", new DateOnly(2026, 7, 14), 1, 1200m, 1200m, [1], "medical-expenses"),
            new InvoiceLine(4, "J1885", CodeSystems.Hcpcs, null, "Ketorolac injection, 15 mg", new DateOnly(2026, 7, 15), 2, 15m, 30m, [2], "medical-expenses"),
        ],
        FacilityCode: "23",
        ReceivedAt: new DateTimeOffset(2026, 7, 20, 9, 30, 0, TimeSpan.Zero));

    /// <summary>
    /// Line 1 approved; line 2 reduced to the fee schedule (CO-45 150) with the 100 deductible taken (PR-1); line 3
    /// rejected as a duplicate of line 1 (CO-18); line 4 approved.
    /// </summary>
    public static Adjudication ProfessionalAdjudication(Invoice invoice) => new(
        InvoiceId: invoice.Id,
        Revision: 1,
        Status: AdjudicationStatuses.Adjudicated,
        ReturnReason: null,
        Billed: 2880m,
        Approved: 1430m,
        PatientResponsibility: 100m,
        Rejected: 1350m,
        PolicyCurrency: "EUR",
        Rate: 0.92m,
        RateDate: new DateOnly(2026, 7, 21),
        ApprovedInPolicyCurrency: 1315.60m,
        Lines:
        [
            new LineDecision(1, LineOutcomes.Approved, 1200m, 1200m, 1200m, 0m, [], null),
            new LineDecision(2, LineOutcomes.Reduced, 450m, 300m, 200m, 100m, [new Adjustment("CO", "45", 150m), new Adjustment("PR", "1", 100m)], null),
            new LineDecision(3, LineOutcomes.Rejected, 1200m, 0m, 0m, 0m, [new Adjustment("CO", "18", 1200m)], null),
            new LineDecision(4, LineOutcomes.Approved, 30m, 30m, 30m, 0m, [], null),
        ],
        AdjudicatedAt: new DateTimeOffset(2026, 7, 21, 14, 5, 0, TimeSpan.Zero),
        AdjudicatedBy: "rules");

    public static PaymentOrder Payment(Invoice invoice) => new(
        Id: Guid.Parse("2c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"),
        InvoiceId: invoice.Id,
        PayeeKind: "clinic",
        PayeeName: invoice.Biller.Name,
        PayeeAccount: "021000021/123456789",
        Amount: 1430m,
        Currency: "USD",
        Status: PaymentStatuses.Paid,
        Reference: "TRN-2026-000042",
        Method: "ACH",
        CreatedAt: new DateTimeOffset(2026, 7, 22, 8, 0, 0, TimeSpan.Zero),
        PaidOn: new DateOnly(2026, 7, 24));

    /// <summary>A three-day stay billed on an 837I: room and board, the emergency room, laboratory, under revenue codes.</summary>
    public static Invoice Institutional() => new(
        Id: Guid.Parse("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
        TenantId: "global-assist",
        Kind: InvoiceKinds.Clinic,
        Form: ClaimForms.Institutional,
        Source: "x12-837i",
        Number: "MMH-88120",
        CaseNumber: "2026-000102",
        CaseId: null,
        GuaranteeNumber: null,
        Biller: new Party("Miami Memorial Hospital", "MIA-004", null, "65-7654321", "100 Biscayne Blvd", "Miami", "FL", "33132", "US"),
        Patient: Insured,
        ServiceFrom: new DateOnly(2026, 8, 2),
        ServiceTo: new DateOnly(2026, 8, 5),
        Currency: "USD",
        Diagnoses: ["K3580"],
        Lines:
        [
            new InvoiceLine(1, "99284", CodeSystems.Cpt, "0450", "Emergency room", new DateOnly(2026, 8, 2), 1, 900m, 900m, [1], "medical-expenses"),
            new InvoiceLine(2, "85025", CodeSystems.Cpt, "0300", "Complete blood count", new DateOnly(2026, 8, 2), 1, 80m, 80m, [1], "medical-expenses"),
            new InvoiceLine(3, "99232", CodeSystems.Cpt, "0120", "Room and board, semi-private", new DateOnly(2026, 8, 3), 3, 2500m, 7500m, [1], "medical-expenses"),
        ],
        FacilityCode: "0111",
        ReceivedAt: new DateTimeOffset(2026, 8, 10, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A clinic in Antalya billing in euros from its own price list, without a GOP.</summary>
    public static Invoice PriceList() => new(
        Id: Guid.Parse("4d3c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a"),
        TenantId: "global-assist",
        Kind: InvoiceKinds.Clinic,
        Form: ClaimForms.Other,
        Source: "json",
        Number: "AKD/2026/311",
        CaseNumber: "2026-000103",
        CaseId: null,
        GuaranteeNumber: null,
        Biller: new Party("Akdeniz Clinic", "AYT-017", null, null, "Konyaalti Cd. 12", "Antalya", null, "07070", "TR"),
        Patient: Insured with { Sex = null, DateOfBirth = null },
        ServiceFrom: new DateOnly(2026, 6, 1),
        ServiceTo: new DateOnly(2026, 6, 1),
        Currency: "EUR",
        Diagnoses: ["T784"],
        Lines:
        [
            new InvoiceLine(1, "CONS-01", CodeSystems.PriceList, null, "Consultation", new DateOnly(2026, 6, 1), 1, 120m, 120m, [1], "medical-expenses"),
        ],
        FacilityCode: null,
        ReceivedAt: new DateTimeOffset(2026, 6, 3, 7, 0, 0, TimeSpan.Zero));
}
