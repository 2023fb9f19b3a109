using Hl7.Fhir.Model;
using Platform.Billing.Fhir;
using Platform.Billing.Invoices;
using Xunit.Abstractions;
using static Platform.Billing.Tests.Fhir.An_invoice_as_a_FHIR_claim;

namespace Platform.Billing.Tests.Fhir;

[Collection(FhirValidation.Name)]
public sealed class An_adjudication_as_a_FHIR_claim_response(FhirValidator validator, ITestOutputHelper output)
{
    private static ClaimResponse Response(PaymentOrder? payment = null)
    {
        var invoice = BillingSamples.Professional();
        var response = FhirClaims.ToClaimResponse(invoice, BillingSamples.ProfessionalAdjudication(invoice), BillingSamples.Payer, payment);
        return FhirClaims.FromJson<ClaimResponse>(FhirClaims.ToJson(response));
    }

    private static decimal? Amount(ClaimResponse.ItemComponent item, string category) =>
        item.Adjudication.SingleOrDefault(a => a.Category.Coding.Any(c => c.System == FhirSystems.Adjudication && c.Code == category))?.Amount!.Value;

    private static decimal? Total(ClaimResponse response, string category) =>
        response.Total.SingleOrDefault(t => t.Category.Coding.Any(c => c.System == FhirSystems.Adjudication && c.Code == category))?.Amount.Value;

    private static IEnumerable<string> Adjustments(ClaimResponse.ItemComponent item) => item.Adjudication
        .Where(a => a.Reason is not null)
        .Select(a => $"{Assert.Single(a.Category.Coding, c => c.System == FhirSystems.X12AdjustmentGroup).Code}-" +
                     $"{Assert.Single(a.Reason!.Coding, c => c.System == FhirSystems.X12AdjustmentReason).Code} {a.Amount!.Value:0.00}");

    [Fact]
    public void With_a_payment_is_valid_against_the_core_R4_profiles_after_a_JSON_round_trip()
    {
        var response = Response(BillingSamples.Payment(BillingSamples.Professional()));

        var outcome = validator.Validate(response);
        foreach (var issue in outcome.Issue)
            output.WriteLine(FhirValidator.Describe(issue));
        Assert.Empty(validator.Errors(response));
    }

    [Fact]
    public void Without_an_outcome_is_invalid()
    {
        var response = Response();
        response.Outcome = null;

        Assert.Contains(validator.Errors(response), e => e.Contains("Missing required member: 'outcome'", StringComparison.Ordinal));
    }

    [Fact]
    public void Is_a_complete_response_to_the_claim_under_the_GOP()
    {
        var invoice = BillingSamples.Professional();

        var response = Response();

        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
        Assert.Equal(FinancialResourceStatusCodes.Active, response.Status);
        Assert.Equal(ClaimUseCode.Claim, response.Use);
        AssertCoded(response.Type, FhirSystems.ClaimType, "professional");
        Assert.Equal($"Claim/{invoice.Id}", response.Request!.Reference);
        Assert.Equal("ORL-2026-0457", response.Request.Identifier!.Value);
        Assert.Equal("GOP-2026-000001", response.PreAuthRef);
        Assert.Equal("Global Assist Ltd", Contained<Organization>(response, response.Insurer).Name);
        Assert.Equal("IVANOVA", Contained<Hl7.Fhir.Model.Patient>(response, response.Patient).Name[0].Family);
        Assert.Contains("1430.00 USD of 2880.00 USD", response.Disposition, StringComparison.Ordinal);
        Assert.Null(response.Payment);
    }

    [Fact]
    public void Gives_each_line_its_billed_allowed_deductible_and_paid_amounts_and_its_X12_adjustments()
    {
        var items = Response().Item;

        Assert.Equal([1, 2, 3, 4], items.Select(i => i.ItemSequence));
        var approved = items[0];
        Assert.Equal((1200m, 1200m, 1200m), (Amount(approved, "submitted"), Amount(approved, "eligible"), Amount(approved, "benefit")));
        Assert.Empty(Adjustments(approved));
        var reduced = items[1];
        Assert.Equal((450m, 300m, 100m, 200m), (Amount(reduced, "submitted"), Amount(reduced, "eligible"), Amount(reduced, "deductible"), Amount(reduced, "benefit")));
        Assert.Null(Amount(reduced, "copay"));
        Assert.Equal(["CO-45 150.00", "PR-1 100.00"], Adjustments(reduced));
        var duplicate = items[2];
        Assert.Equal((1200m, 0m), (Amount(duplicate, "submitted"), Amount(duplicate, "benefit")));
        Assert.Equal(["CO-18 1200.00"], Adjustments(duplicate));
        Assert.All(items.SelectMany(i => i.Adjudication), a => Assert.Equal(Hl7.Fhir.Model.Money.Currencies.USD, a.Amount!.Currency));
    }

    [Fact]
    public void Totals_what_was_billed_and_paid_and_carries_the_payment_with_its_trace_number()
    {
        var response = Response(BillingSamples.Payment(BillingSamples.Professional()));

        Assert.Equal(2880m, Total(response, "submitted"));
        Assert.Equal(1530m, Total(response, "eligible"));
        Assert.Equal(100m, Total(response, "deductible"));
        Assert.Equal(1430m, Total(response, "benefit"));
        Assert.Equal(1430m, response.Payment!.Amount!.Value);
        Assert.Equal(Hl7.Fhir.Model.Money.Currencies.USD, response.Payment.Amount.Currency);
        Assert.Equal("2026-07-24", response.Payment.Date);
        Assert.Equal("TRN-2026-000042", response.Payment.Identifier!.Value);
        AssertCoded(response.Payment.Type, FhirSystems.PaymentType, "complete");
    }

    [Fact]
    public void Of_a_returned_invoice_has_the_outcome_error_and_says_why()
    {
        var invoice = BillingSamples.Professional();
        var returned = BillingSamples.ProfessionalAdjudication(invoice) with
        {
            Status = AdjudicationStatuses.Returned,
            ReturnReason = "The GOP number does not match the case",
            Approved = 0m,
            PatientResponsibility = 0m,
            Rejected = 0m,
            Lines = [],
        };

        var response = FhirClaims.FromJson<ClaimResponse>(FhirClaims.ToJson(FhirClaims.ToClaimResponse(invoice, returned, BillingSamples.Payer)));

        Assert.Empty(validator.Errors(response));
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        Assert.Equal("The GOP number does not match the case", Assert.Single(response.Error).Code.Text);
        Assert.Contains("The GOP number does not match the case", response.Disposition, StringComparison.Ordinal);
        Assert.Empty(response.Item);
        Assert.Equal(2880m, Assert.Single(response.Total).Amount.Value);
    }

    [Fact]
    public void Of_another_invoice_is_refused()
    {
        var adjudication = BillingSamples.ProfessionalAdjudication(BillingSamples.Institutional());

        Assert.Throws<ArgumentException>(() => FhirClaims.ToClaimResponse(BillingSamples.Professional(), adjudication, BillingSamples.Payer));
    }
}
