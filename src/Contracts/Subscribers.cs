namespace Platform.Contracts;

/// <summary>
/// Which queues consume each event: the platform's broker topology in one place. Every service declares these queues
/// and their bindings before it publishes anything, so an event published before its consumer's first start waits in
/// the consumer's queue instead of being dropped by an exchange with nothing bound. A service refuses to start when a
/// consumer it registers is missing here (or listed here but not registered), so the list cannot drift from the code.
/// Queue names are the services' endpoint names: "{service}-{consumer name without 'Consumer', kebab case}".
/// </summary>
public static class Subscribers
{
    public static readonly IReadOnlyDictionary<Type, string[]> Queues = new Dictionary<Type, string[]>
    {
        [typeof(AppealRegistered)] = ["cases-appeal-registered"],
        [typeof(AppealHandled)] = ["cases-appeal-handled"],
        [typeof(CaseOpened)] = ["intake-case-opened"],
        [typeof(AppealAttachedToCase)] = ["intake-appeal-attached-to-case"],
        [typeof(CaseStatusChanged)] = ["intake-case-closed"],
        [typeof(SettlementPlanChanged)] = ["intake-settlement-plan-changed"],
        [typeof(GuaranteeLetterIssued)] = ["cases-guarantee-letter-issued", "billing-guarantee-letter-issued"],
        [typeof(GuaranteeLetterAmended)] = ["cases-guarantee-letter-amended", "billing-guarantee-letter-amended"],
        [typeof(GuaranteeLetterRevoked)] = ["cases-guarantee-letter-revoked", "billing-guarantee-letter-revoked"],
        [typeof(InvoiceAdjudicated)] = ["cases-invoice-adjudicated", "clinicnetwork-invoice-adjudicated"],
        [typeof(CaseCoverageChanged)] = ["clinicnetwork-case-coverage-changed", "billing-case-coverage-changed", "repatriation-case-coverage-changed"],
        [typeof(ClinicPriceListChanged)] = ["billing-clinic-price-list-changed"],
        [typeof(MedicalDetailsRecorded)] = ["repatriation-medical-details-recorded"],
        [typeof(RepatriationPlanned)] = ["cases-repatriation-planned"],
        [typeof(RepatriationLegBooked)] = ["cases-repatriation-leg-booked"],
        [typeof(RepatriationCompleted)] = ["cases-repatriation-completed"],
        [typeof(RepatriationCancelled)] = ["cases-repatriation-cancelled"],
    };
}
