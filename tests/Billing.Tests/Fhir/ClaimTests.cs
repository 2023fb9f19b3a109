using Hl7.Fhir.Model;
using Platform.Billing.Fhir;
using Platform.Billing.Invoices;
using Xunit.Abstractions;

namespace Platform.Billing.Tests.Fhir;

[Collection(FhirValidation.Name)]
public sealed class An_invoice_as_a_FHIR_claim(FhirValidator validator, ITestOutputHelper output)
{
    private static Claim RoundTrip(Claim claim) => FhirClaims.FromJson<Claim>(FhirClaims.ToJson(claim));

    private void AssertValid(Resource resource)
    {
        var outcome = validator.Validate(resource);
        foreach (var issue in outcome.Issue)
            output.WriteLine(FhirValidator.Describe(issue));
        Assert.Empty(validator.Errors(resource));
    }

    [Fact]
    public void Of_a_professional_invoice_is_valid_against_the_core_R4_profiles_after_a_JSON_round_trip()
    {
        output.WriteLine($"Validator ready in {validator.StartUp.TotalSeconds:0.0} s");

        AssertValid(RoundTrip(FhirClaims.ToClaim(BillingSamples.Professional(), BillingSamples.Payer)));
    }

    [Fact]
    public void Without_a_patient_is_invalid()
    {
        var claim = FhirClaims.ToClaim(BillingSamples.Professional(), BillingSamples.Payer);
        claim.Patient = null!;
        // The contained patient, now referenced by nothing but the coverage, stays valid: only the cardinality fails.

        var errors = validator.Errors(claim);

        Assert.Contains(errors, e => e.Contains("Missing required member: 'patient'", StringComparison.Ordinal));
    }

    [Fact]
    public void Of_a_professional_invoice_is_a_professional_claim_for_the_invoice_number_under_the_GOP()
    {
        var invoice = BillingSamples.Professional();

        var claim = RoundTrip(FhirClaims.ToClaim(invoice, BillingSamples.Payer));

        Assert.Equal(invoice.Id.ToString(), claim.Id);
        Assert.Equal(FinancialResourceStatusCodes.Active, claim.Status);
        Assert.Equal(ClaimUseCode.Claim, claim.Use);
        AssertCoded(claim.Type, FhirSystems.ClaimType, "professional");
        AssertCoded(claim.Priority, FhirSystems.ProcessPriority, "normal");
        Assert.Contains(claim.Identifier, i => i.System == FhirSystems.InvoiceNumber && i.Value == "ORL-2026-0457" && i.Assigner?.Reference == "#provider");
        var insurance = Assert.Single(claim.Insurance);
        Assert.Equal(1, insurance.Sequence);
        Assert.True(insurance.Focal);
        Assert.Equal(["GOP-2026-000001"], insurance.PreAuthRef);
        Assert.Equal("2026-07-14", claim.BillablePeriod!.Start);
        Assert.Equal("2026-07-15", claim.BillablePeriod.End);
        Assert.Equal(2880m, claim.Total!.Value);
        Assert.Equal(Hl7.Fhir.Model.Money.Currencies.USD, claim.Total.Currency);
        Assert.Equal(new DateTimeOffset(2026, 7, 20, 9, 30, 0, TimeSpan.Zero), claim.CreatedElement.ToDateTimeOffset(TimeSpan.Zero));
        Assert.Equal(["J18.9", "R50.9"], claim.Diagnosis.Select(d => Assert.Single(Assert.IsType<CodeableConcept>(d.Diagnosis).Coding, c => c.System == FhirSystems.Icd10Cm).Code));
        Assert.Equal([1, 2], claim.Diagnosis.Select(d => d.Sequence));
    }

    [Fact]
    public void Names_the_clinic_by_its_NPI_and_the_insured_with_their_policy_number()
    {
        var claim = RoundTrip(FhirClaims.ToClaim(BillingSamples.Professional(), BillingSamples.Payer));

        var provider = Contained<Organization>(claim, claim.Provider);
        Assert.Equal("Orlando Health Urgent Care", provider.Name);
        Assert.Contains(provider.Identifier, i => i.System == FhirSystems.Npi && i.Value == "1234567893");
        Assert.DoesNotContain(provider.Identifier, i => i.System == FhirSystems.Clinic);
        var patient = Contained<Hl7.Fhir.Model.Patient>(claim, claim.Patient);
        Assert.Equal("IVANOVA", patient.Name[0].Family);
        Assert.Equal(["MARIA"], patient.Name[0].Given);
        Assert.Equal("1984-03-09", patient.BirthDate);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
        Assert.Contains(patient.Identifier, i => i.Value == "POL-778899");
        var insurer = Contained<Organization>(claim, claim.Insurer!);
        Assert.Equal("Global Assist Ltd", insurer.Name);
        var coverage = Contained<Coverage>(claim, claim.Insurance[0].Coverage);
        Assert.Equal("POL-778899", coverage.SubscriberId);
        Assert.Equal("#patient", coverage.Beneficiary.Reference);
        Assert.Equal("#insurer", Assert.Single(coverage.Payor).Reference);
    }

    [Fact]
    public void Has_an_item_per_line_coded_in_CPT_or_HCPCS_with_its_date_quantity_amounts_and_diagnoses()
    {
        var claim = RoundTrip(FhirClaims.ToClaim(BillingSamples.Professional(), BillingSamples.Payer));

        Assert.Equal([1, 2, 3, 4], claim.Item.Select(i => i.Sequence));
        var visit = claim.Item[0];
        AssertCoded(visit.ProductOrService, FhirSystems.Cpt, "99285");
        Assert.Equal([1, 2], visit.DiagnosisSequence);
        Assert.Equal("2026-07-14", Assert.IsType<Date>(visit.Serviced).Value);
        Assert.Null(visit.Revenue);
        var injection = claim.Item[3];
        AssertCoded(injection.ProductOrService, FhirSystems.Hcpcs, "J1885");
        Assert.Equal(2m, injection.Quantity!.Value);
        Assert.Equal(15m, injection.UnitPrice!.Value);
        Assert.Equal(30m, injection.Net!.Value);
        Assert.Equal(Hl7.Fhir.Model.Money.Currencies.USD, injection.Net.Currency);
    }

    [Fact]
    public void Of_a_professional_invoice_gives_each_item_the_place_of_service_and_the_clinic_as_payee()
    {
        var claim = RoundTrip(FhirClaims.ToClaim(BillingSamples.Professional(), BillingSamples.Payer));

        Assert.All(claim.Item, i => AssertCoded(Assert.IsType<CodeableConcept>(i.Location), FhirSystems.PlaceOfService, "23"));
        AssertCoded(claim.Payee!.Type, FhirSystems.PayeeType, "provider");
        Assert.Equal("#provider", claim.Payee.Party?.Reference);
    }

    [Fact]
    public void Of_a_reimbursement_pays_the_insured_and_is_valid()
    {
        var invoice = BillingSamples.PriceList() with
        {
            Kind = InvoiceKinds.Reimbursement,
            Source = "receipt",
            Biller = new Party("IVANOVA MARIA", null, null, null, null, null, null, null, "RU"),
        };

        var claim = RoundTrip(FhirClaims.ToClaim(invoice, BillingSamples.Payer));

        AssertValid(claim);
        AssertCoded(claim.Payee!.Type, FhirSystems.PayeeType, "subscriber");
        Assert.Equal("#patient", claim.Payee.Party?.Reference);
        // A receipt's codes belong to no price list of ours.
        var coding = Assert.Single(claim.Item[0].ProductOrService.Coding);
        Assert.Null(coding.System);
        Assert.Equal("Consultation", claim.Item[0].ProductOrService.Text);
    }

    [Fact]
    public void Of_an_institutional_invoice_is_an_institutional_claim_with_revenue_codes_and_valid()
    {
        var claim = RoundTrip(FhirClaims.ToClaim(BillingSamples.Institutional(), BillingSamples.Payer));

        AssertValid(claim);
        AssertCoded(claim.Type, FhirSystems.ClaimType, "institutional");
        Assert.Equal(["0450", "0300", "0120"], claim.Item.Select(i => Assert.Single(i.Revenue!.Coding, c => c.System == FhirSystems.NubcRevenue).Code));
        Assert.Equal(7500m, claim.Item[2].Net!.Value);
        Assert.Equal(8480m, claim.Total!.Value);
        Assert.Empty(claim.Insurance[0].PreAuthRef);
        // No NPI: the hospital is named by its code in the network.
        var provider = Contained<Organization>(claim, claim.Provider);
        Assert.Contains(provider.Identifier, i => i.System == FhirSystems.Clinic && i.Value == "MIA-004");
    }

    [Fact]
    public void Of_a_price_list_invoice_codes_its_lines_in_the_clinics_own_list_and_is_valid()
    {
        var claim = RoundTrip(FhirClaims.ToClaim(BillingSamples.PriceList(), BillingSamples.Payer));

        AssertValid(claim);
        AssertCoded(claim.Type, FhirSystems.ClaimType, "professional");
        AssertCoded(claim.Item[0].ProductOrService, "urn:platform:price-list:AYT-017", "CONS-01");
        Assert.Equal(Hl7.Fhir.Model.Money.Currencies.EUR, claim.Total!.Currency);
        Assert.Equal("T78.4", Assert.IsType<CodeableConcept>(claim.Diagnosis[0].Diagnosis).Coding[0].Code);
    }

    internal static void AssertCoded(CodeableConcept concept, string system, string code) =>
        Assert.Contains(concept.Coding, c => c.System == system && c.Code == code);

    internal static T Contained<T>(DomainResource resource, ResourceReference reference) where T : Resource =>
        Assert.IsType<T>(Assert.Single(resource.Contained, r => "#" + r.Id == reference.Reference));
}
