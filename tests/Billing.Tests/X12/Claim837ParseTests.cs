using Platform.Billing.Invoices;
using Platform.Billing.X12;

namespace Platform.Billing.Tests.X12;

public class Claim837ParseTests
{
    [Fact]
    public void A_professional_file_becomes_one_invoice_per_claim_with_its_provider_patient_diagnoses_and_lines()
    {
        var result = X12Samples.Parse(X12Samples.Professional);

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(["INV-1001", "INV-1002", "INV-1003"], result.Invoices.Select(i => i.Number));
        var first = result.Invoices[0];
        Assert.Equal((X12Samples.Tenant, InvoiceKinds.Clinic, ClaimForms.Professional, "x12-837p", "USD", "11"),
            (first.TenantId, first.Kind, first.Form, first.Source, first.Currency, first.FacilityCode));
        Assert.Equal(("ACME-2026-000042", "GOP-2026-000001", (Guid?)null), (first.CaseNumber, first.GuaranteeNumber, first.CaseId));
        Assert.Equal(7, first.Id.Version);
        Assert.Equal(X12Samples.ReceivedAt, first.ReceivedAt);
        Assert.Equal(new Party("MIAMI BEACH URGENT CARE", null, "1234567893", "591234567", "1200 OCEAN DRIVE SUITE 4", "MIAMI BEACH", "FL", "331391234", "US"),
            first.Biller);
        Assert.Equal(new Patient("IVANOVA", "MARIA", new DateOnly(1985, 4, 12), "F", "POL-RU-000123"), first.Patient);
        Assert.Equal(["J0190", "R509", "R05"], first.Diagnoses);
        Assert.Equal((new DateOnly(2026, 2, 28), new DateOnly(2026, 3, 1)), (first.ServiceFrom, first.ServiceTo));
        Assert.Equal(265.5m, first.Total);

        Assert.Equal(3, first.Lines.Count);
        var line = first.Lines[2];
        Assert.Equal((3, "J1885", CodeSystems.Hcpcs, (string?)null, new DateOnly(2026, 3, 1), 2m, 25m, 50m, "medical-expenses"),
            (line.Number, line.ServiceCode, line.CodeSystem, line.RevenueCode, line.ServiceDate, line.Quantity, line.UnitPrice, line.Amount, line.Benefit));
        Assert.Equal([3, 1], line.DiagnosisPointers);
        Assert.Equal(CodeSystems.Cpt, first.Lines[0].CodeSystem);
        Assert.Equal([1, 2], first.Lines[0].DiagnosisPointers);

        Assert.Equal("23", result.Invoices[1].FacilityCode);
        Assert.Null(result.Invoices[1].GuaranteeNumber);
    }

    [Fact]
    public void A_claim_for_a_dependant_names_the_patient_of_the_2000C_loop_under_the_subscribers_policy()
    {
        var third = X12Samples.Parse(X12Samples.Professional).Invoices[2];

        Assert.Equal(new Patient("MUELLER", "LENA", new DateOnly(2015, 6, 20), "F", "POL-DE-7788"), third.Patient);
        Assert.Equal("GOP-2026-000007", third.GuaranteeNumber);
    }

    [Fact]
    public void An_institutional_file_becomes_invoices_with_their_type_of_bill_revenue_codes_and_statement_period()
    {
        var result = X12Samples.Parse(X12Samples.Institutional);

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(2, result.Invoices.Count);
        var stay = result.Invoices[0];
        Assert.Equal((ClaimForms.Institutional, "x12-837i", "0111", "INV-H-501"), (stay.Form, stay.Source, stay.FacilityCode, stay.Number));
        Assert.Equal(("ACME-2026-000050", "GOP-2026-000012"), (stay.CaseNumber, stay.GuaranteeNumber));
        Assert.Equal(["K3580", "E860", "R1031"], stay.Diagnoses);
        Assert.Equal((new DateOnly(2026, 3, 5), new DateOnly(2026, 3, 8)), (stay.ServiceFrom, stay.ServiceTo));
        Assert.Equal(6930m, stay.Total);
        Assert.Equal(4, stay.Lines.Count);

        var room = stay.Lines[0];
        Assert.Equal(("0120", Claim837.RevenueCodeSystem, "0120", 3m, 1500m, 4500m), (room.ServiceCode, room.CodeSystem, room.RevenueCode, room.Quantity, room.UnitPrice, room.Amount));
        Assert.Empty(room.DiagnosisPointers);
        var surgery = stay.Lines[1];
        Assert.Equal(("44970", CodeSystems.Cpt, "0360", new DateOnly(2026, 3, 6)), (surgery.ServiceCode, surgery.CodeSystem, surgery.RevenueCode, surgery.ServiceDate));
        var drug = stay.Lines[2];
        Assert.Equal(new DateOnly(2026, 3, 5), drug.ServiceDate); // no DTP*472: the statement period's first day
        Assert.Equal(55m, drug.UnitPrice);

        var visit = result.Invoices[1];
        Assert.Equal(("0131", 1250.75m, new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 9)), (visit.FacilityCode, visit.Total, visit.ServiceFrom, visit.ServiceTo));
        Assert.Null(visit.GuaranteeNumber);
    }

    [Fact]
    public void A_CUR_segment_of_the_billing_provider_sets_the_invoices_currency()
    {
        var text = X12Samples.Professional.Edit("HL*1**20*1~\n", "HL*1**20*1~\nCUR*85*EUR~\n").Recount();

        var result = X12Samples.Parse(text);

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.All(result.Invoices, i => Assert.Equal("EUR", i.Currency));
    }

    [Fact]
    public void A_claim_whose_total_is_not_a_number_is_refused_naming_CLM02()
    {
        var text = X12Samples.Professional.Edit("CLM*INV-1002*120*", "CLM*INV-1002*12a*");

        var result = X12Samples.Parse(text);

        var error = Assert.Single(result.Errors);
        Assert.Equal($"CLM02 (segment {X12Samples.PositionOf(text, "CLM*INV-1002")}): the claim's total charge \"12a\" is not a number", error.ToString());
        Assert.Equal(["INV-1001", "INV-1003"], result.Invoices.Select(i => i.Number)); // the file's other claims are read
    }

    [Fact]
    public void A_claim_whose_total_differs_from_its_lines_is_refused_naming_CLM02()
    {
        var text = X12Samples.Professional.Edit("CLM*INV-1001*265.5*", "CLM*INV-1001*275.5*");

        var error = Assert.Single(X12Samples.Parse(text).Errors);

        Assert.Equal(("CLM", "CLM02", X12Samples.PositionOf(text, "CLM*INV-1001")), (error.SegmentId, error.Element, error.Position));
        Assert.Contains("275.50 is not the sum of its lines' charges 265.50", error.Message);
    }

    [Theory]
    [InlineData("SV1*HC:87880*35.5*", "SV1*HC:87880*35,5*", "SV102", "35,5")]
    [InlineData("SV1*HC:87880*35.5*UN*1*", "SV1*HC:87880*35.5*UN*0*", "SV104", "more than 0")]
    [InlineData("SV1*HC:87880*35.5*UN*", "SV1*HC:87880*35.5*MJ*", "SV103", "MJ")]
    [InlineData("SV1*HC:87880*", "SV1*IV:87880*", "SV101-1", "IV")]
    [InlineData("SV1*HC:87880*", "SV1*HC:8788*", "SV101-2", "8788")]
    [InlineData("SV1*HC:87880*35.5*UN*1***1~", "SV1*HC:87880*35.5*UN*1***1:4~", "SV107-2", "points past the claim's 3 diagnoses")]
    [InlineData("SV1*HC:87880*35.5*UN*1***1~", "SV1*HC:87880*35.5*UN*1***x~", "SV107-1", "\"x\"")]
    [InlineData("HI*ABK:J0190*ABF:R509", "HI*BK:4870*ABF:R509", "HI01-1", "ICD-9")]
    [InlineData("HI*ABK:J0190*ABF:R509", "HI*ABK:J01.90*ABF:R509", "HI01-2", "decimal point")]
    [InlineData("HI*ABK:J0190*ABF:R509", "HI*ABK:J0190*ABF:7809", "HI02-2", "not an ICD-10-CM code")]
    [InlineData("*XX*1234567893", "*XX*1234567890", "NM109", "not a valid NPI")]
    [InlineData("*XX*1234567893", "*EI*1234567893", "NM108", "XX")]
    [InlineData("DTP*472*D8*20260228~\nLX*2", "DTP*472*D8*20260230~\nLX*2", "DTP03", "20260230")]
    [InlineData("CLM*INV-1001*265.5***11:B:1", "CLM*INV-1001*265.5***11:A:1", "CLM05-2", "must be B")]
    [InlineData("DMG*D8*19850412*F", "DMG*D8*19850412*X", "DMG03", "F, M or U")]
    [InlineData("MARIA****MI*POL-RU-000123", "MARIA****MI*", "NM109", "policy number")]
    [InlineData("LX*2", "LX*5", "LX01", "should be 2")]
    [InlineData("HL*2*1*22*0", "HL*2*9*22*0", "HL02", "billing provider")]
    public void Each_fault_of_a_professional_claim_is_an_error_naming_its_element(string from, string to, string element, string message)
    {
        var result = X12Samples.Parse(X12Samples.Professional.Edit(from, to));

        var error = Assert.Single(result.Errors, e => e.Element == element);
        Assert.Contains(message, error.Message);
        Assert.Equal("0001", error.TransactionSet);
        Assert.DoesNotContain(result.Invoices, i => i.Number == "INV-1001");
    }

    [Theory]
    [InlineData("SV2*0360*HC:44970*2100*", "SV2*360*HC:44970*2100*", "SV201", "4 digits")]
    [InlineData("SV2*0360*HC:44970*2100*", "SV2*0360*HC:44970*21OO*", "SV203", "not a number")]
    [InlineData("SV2*0360*HC:44970*2100*UN", "SV2*0360*HC:44970*2100*MJ", "SV204", "UN (units) or DA (days)")]
    [InlineData("SV2*0360*HC:44970*2100*UN*1", "SV2*0360*HC:44970*2100*UN*", "SV205", "not a number")]
    [InlineData("SV2*0360*HC:44970", "SV2*0360*HP:44970", "SV202-1", "HC")]
    [InlineData("DTP*434*RD8*20260305-20260308", "DTP*434*RD8*20260308-20260305", "DTP03", "ends before it starts")]
    [InlineData("DTP*434*RD8*20260305-20260308", "DTP*434*D8*20260305", "DTP02", "RD8")]
    [InlineData("11:A:1", "11:B:1", "CLM05-2", "must be A")]
    [InlineData("HI*ABF:E860*ABF:R1031", "HI*ABF:E860*BF:2765", "HI02-1", "ICD-9")]
    public void Each_fault_of_an_institutional_claim_is_an_error_naming_its_element(string from, string to, string element, string message)
    {
        var result = X12Samples.Parse(X12Samples.Institutional.Edit(from, to));

        var error = Assert.Single(result.Errors, e => e.Element == element);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain(result.Invoices, i => i.Number == "INV-H-501");
    }

    [Fact]
    public void An_institutional_claim_without_its_statement_period_is_refused_at_its_CLM()
    {
        var text = X12Samples.Institutional.Edit("DTP*434*RD8*20260309-20260309~\n", "").Recount();

        var error = Assert.Single(X12Samples.Parse(text).Errors);

        Assert.Equal(("CLM", X12Samples.PositionOf(text, "CLM*INV-H-502")), (error.SegmentId, error.Position));
        Assert.Contains("DTP*434", error.Message);
    }

    [Fact]
    public void A_claim_without_diagnoses_is_refused()
    {
        var text = X12Samples.Professional.Edit("HI*ABK:S93401A~\n", "").Recount();

        var error = Assert.Single(X12Samples.Parse(text).Errors);

        Assert.Contains("no diagnosis", error.Message);
    }

    [Fact]
    public void A_claim_with_only_other_diagnoses_is_refused_for_lack_of_a_principal_one()
    {
        var error = Assert.Single(X12Samples.Parse(X12Samples.Professional.Edit("HI*ABK:S93401A", "HI*ABF:S93401A")).Errors);

        Assert.Contains("principal diagnosis", error.Message);
    }

    [Fact]
    public void A_transaction_set_of_another_version_is_refused_naming_ST03()
    {
        var text = X12Samples.Professional.Replace("005010X222A1", "004010X098A1");

        var result = X12Samples.Parse(text);

        Assert.Contains(result.Errors, e => e.Element == "ST03" && e.Message.Contains("004010X098A1"));
        Assert.Empty(result.Invoices);
    }

    [Fact]
    public void A_file_whose_envelope_is_wrong_yields_no_invoice()
    {
        var result = X12Samples.Parse(X12Samples.Professional.Edit("SE*53*0001", "SE*52*0001"));

        Assert.Contains(result.Errors, e => e.Element == "SE01");
        Assert.Empty(result.Invoices);
    }

    [Fact]
    public void Every_error_is_collected_rather_than_stopping_at_the_first()
    {
        var text = X12Samples.Professional.Edit("CLM*INV-1002*120*", "CLM*INV-1002*12a*").Edit("SV1*HC:99213*95*", "SV1*HC:99213*9x5*").Edit("*XX*1234567893", "*XX*123");

        var elements = X12Samples.Parse(text).Errors.Select(e => e.Element).ToList();

        Assert.Equal(["NM109", "CLM02", "SV102"], elements);
    }

    [Fact]
    public void A_dependants_claim_whose_subscriber_is_not_named_is_refused()
    {
        var text = X12Samples.Professional.Edit("NM1*IL*1*MUELLER*HANS****MI*POL-DE-7788~\n", "").Recount();

        var result = X12Samples.Parse(text);

        Assert.Contains("no NM1*IL", Assert.Single(result.Errors).Message);
        Assert.Equal(["INV-1001", "INV-1002"], result.Invoices.Select(i => i.Number));
    }

    [Fact]
    public void A_billing_provider_loop_without_its_NM1_85_is_refused_at_its_HL()
    {
        var text = X12Samples.Professional.Edit("NM1*85*2*MIAMI BEACH URGENT CARE*****XX*1234567893~\n", "").Recount();

        var result = X12Samples.Parse(text);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("HL", X12Samples.PositionOf(text, "HL*1**20")), (error.SegmentId, error.Position));
        Assert.Contains("NM1*85", error.Message);
        Assert.Empty(result.Invoices);
    }
}
