using System.Globalization;
using Platform.Billing.Invoices;

namespace Platform.Billing.X12;

/// <summary>
/// The X12 835 (005010X221A1) health care claim payment/advice: one payment to one payee, explaining claim by claim
/// and line by line how each charge became what is paid. The writer refuses records that would not balance.
/// </summary>
public static class Remittance835
{
    public const string Version = "005010X221A1";

    private static readonly HashSet<string> Groups = ["CO", "OA", "PI", "PR"];

    /// <summary>
    /// Writes the 835 for <paramref name="payment"/>, which must pay exactly what the claims' lines pay. The payer's
    /// technical contact (1000A PER*BL) is required by the guide. Throws <see cref="X12WriteException"/> with every
    /// problem found (an unbalanced line, a payee with neither NPI nor tax id, a missing payer address).
    /// </summary>
    public static string Write(PaymentOrder payment, IReadOnlyList<RemittanceClaim> claims, Payer payer, X12Contact payerContact, X12Control control)
    {
        var x = new X12Output(control, "HP", "835", Version);
        if (claims.Count == 0) throw new X12WriteException(["A remittance covers at least one claim."]);

        var paid = claims.Sum(c => c.Adjudication.Lines.Sum(l => l.Paid));
        if (payment.Amount != paid)
            x.Problems.Add($"BPR02: the payment's amount {Claim837.Format(payment.Amount)} must equal the sum of the claims' payments (CLP04) {Claim837.Format(paid)}.");
        if (payment.Method is not ("ACH" or "CHK")) x.Problems.Add($"BPR04: the payment method \"{payment.Method}\" must be ACH or CHK.");
        var method = paid == 0 ? "NON" : payment.Method;
        var date = payment.PaidOn ?? DateOnly.FromDateTime(control.CreatedAt.Date);
        x.Add("BPR", paid > 0 ? "I" : "H", X12Output.Amount(paid), "C", method, "", "", "", "", "", "", "", "", "", "", "", X12Output.Date(date));
        // TRN03 is "1" followed by the payer's tax id when it has one.
        var payerId = X12Reader.IsDigits(payer.Identifier, 9, 9) ? "1" + payer.Identifier : payer.Identifier;
        x.Add("TRN", "1", x.Text(payment.Reference, "TRN02", 50), x.Text(payerId, "TRN03", 10));
        if (payment.Currency != "USD") x.Add("CUR", "PR", x.Text(payment.Currency, "CUR02", 3));
        x.Add("DTM", "405", X12Output.Date(control.CreatedAt));

        x.Add("N1", "PR", x.Text(payer.Name, "1000A N102", 60));
        x.Add("N3", x.Text(payer.Address, "1000A N301", 55));
        Claim837.Place(x, payer.City, payer.State, payer.PostalCode, payer.Country, "1000A N4");
        var phone = x.Text(payerContact.Phone?.Replace("-", "").Replace(" ", ""), "1000A PER04", 256, required: false);
        var email = x.Text(payerContact.Email, "1000A PER04", 256, required: false);
        if (phone.Length == 0 && email.Length == 0) x.Problems.Add("1000A PER04: the payer's technical contact needs a phone number or an e-mail address.");
        x.Add("PER", "BL", x.Text(payerContact.Name, "1000A PER02", 60), phone.Length > 0 ? "TE" : "EM", phone.Length > 0 ? phone : email,
            phone.Length > 0 && email.Length > 0 ? "EM" : "", phone.Length > 0 ? email : "");

        Payee(x, payment, claims[0].Invoice.Biller);

        x.Add("LX", "1");
        foreach (var claim in claims) Claim(x, claim, payment);

        var text = x.Build();
        return x.Problems.Count == 0 ? text : throw new X12WriteException(x.Problems);
    }

    /// <summary>The guide requires the payee's id (N103/N104): its NPI (XX) when it has one, else its tax id (FI).</summary>
    private static void Payee(X12Output x, PaymentOrder payment, Party biller)
    {
        var name = x.Text(payment.PayeeName, "1000B N102", 60);
        var taxId = biller.TaxId?.Replace("-", "");
        if (biller.Npi is { } npi && Claim837.IsNpi(npi)) x.Add("N1", "PE", name, "XX", npi);
        else if (taxId is not null && X12Reader.IsDigits(taxId, 9, 9)) x.Add("N1", "PE", name, "FI", taxId);
        else x.Problems.Add($"1000B N104: the payee {payment.PayeeName} has neither an NPI nor a 9-digit tax id, and an 835 must identify its payee by one of them.");
        if (biller.Address is not null && biller.City is not null)
        {
            x.Add("N3", x.Text(biller.Address, "1000B N301", 55));
            Claim837.Place(x, biller.City, biller.State, biller.PostalCode, biller.Country, "1000B N4");
        }
    }

    private static void Claim(X12Output x, RemittanceClaim claim, PaymentOrder payment)
    {
        var (invoice, adjudication) = claim;
        var where = $"claim {invoice.Number}";
        if (adjudication.InvoiceId != invoice.Id) x.Problems.Add($"CLP ({where}): the adjudication is for another invoice.");
        if (adjudication.Status != AdjudicationStatuses.Adjudicated)
            x.Problems.Add($"CLP ({where}): the invoice is {adjudication.Status}, not adjudicated, so there is nothing to remit.");
        if (invoice.Currency != payment.Currency)
            x.Problems.Add($"CLP ({where}): the invoice is in {invoice.Currency} and the payment in {payment.Currency}.");

        var decisions = new List<(InvoiceLine Line, LineDecision Decision)>();
        foreach (var line in invoice.Lines)
        {
            var matches = adjudication.Lines.Where(d => d.Line == line.Number).ToList();
            if (matches.Count != 1)
            {
                x.Problems.Add($"SVC ({where} line {line.Number}): the line has {matches.Count} decisions; it needs exactly one.");
                continue;
            }
            decisions.Add((line, matches[0]));
        }
        foreach (var extra in adjudication.Lines.Where(d => invoice.Lines.All(l => l.Number != d.Line)))
            x.Problems.Add($"SVC ({where}): a decision for line {extra.Line}, which the invoice does not have.");

        var charge = invoice.Total;
        var paid = decisions.Sum(d => d.Decision.Paid);
        var patient = decisions.Sum(d => d.Decision.Adjustments.Where(a => a.Group == "PR").Sum(a => a.Amount));
        var adjusted = decisions.Sum(d => d.Decision.Adjustments.Sum(a => a.Amount));
        // Every adjustment of our model belongs to a line, so the claim balances through its lines and no claim-level CAS is written.
        if (charge - adjusted != paid)
            x.Problems.Add($"CLP04 ({where}): the claim's charge {Claim837.Format(charge)} less its adjustments {Claim837.Format(adjusted)} is not what it pays, {Claim837.Format(paid)}.");
        if (adjudication.Approved != paid)
            x.Problems.Add($"CLP04 ({where}): the adjudication approves {Claim837.Format(adjudication.Approved)} but its lines pay {Claim837.Format(paid)}.");

        var code = invoice.FacilityCode ?? "";
        var institutional = invoice.Form == ClaimForms.Institutional;
        var facility = institutional ? (code.Length == 4 ? code[1..3] : "") : code;
        var frequency = institutional ? (code.Length == 4 ? code[3..] : "") : (code.Length > 0 ? "1" : "");
        x.Add("CLP", x.Text(invoice.Number, "CLP01", 38), paid > 0 ? "1" : "4", X12Output.Amount(charge), X12Output.Amount(paid),
            X12Output.Amount(patient), Claim837.IndemnityInsurance, invoice.Id.ToString(), facility, frequency);
        var p = invoice.Patient;
        x.Add("NM1", "QC", "1", x.Text(p.FamilyName, "NM103 (QC)", 60), x.Text(p.GivenName, "NM104 (QC)", 35, required: false), "", "", "",
            p.PolicyNumber is null ? "" : "MI", x.Text(p.PolicyNumber, "NM109 (QC)", 80, required: false));
        x.Add("DTM", "232", X12Output.Date(invoice.ServiceFrom));
        x.Add("DTM", "233", X12Output.Date(invoice.ServiceTo));

        foreach (var (line, decision) in decisions)
        {
            var at = $"{where} line {line.Number}";
            if (decision.Billed != line.Amount)
                x.Problems.Add($"SVC02 ({at}): the decision was taken on {Claim837.Format(decision.Billed)} but the line charges {Claim837.Format(line.Amount)}.");
            var lineAdjusted = decision.Adjustments.Sum(a => a.Amount);
            if (line.Amount - lineAdjusted != decision.Paid)
                x.Problems.Add($"SVC03 ({at}): the line's charge {Claim837.Format(line.Amount)} less its adjustments {Claim837.Format(lineAdjusted)} is not what it pays, {Claim837.Format(decision.Paid)}.");
            var procedure = line.CodeSystem == Claim837.RevenueCodeSystem
                ? X12Output.Composite("NU", x.Text(line.ServiceCode, "SVC01-2", 48))
                : X12Output.Composite("HC", x.Text(line.ServiceCode, "SVC01-2", 48));
            var revenue = institutional && line.CodeSystem != Claim837.RevenueCodeSystem ? line.RevenueCode ?? "" : "";
            x.Add("SVC", procedure, X12Output.Amount(line.Amount), X12Output.Amount(decision.Paid), revenue, X12Output.Quantity(line.Quantity));
            x.Add("DTM", "472", X12Output.Date(line.ServiceDate));
            Adjustments(x, decision.Adjustments, at);
            x.Add("AMT", "B6", X12Output.Amount(decision.Allowed));
        }
    }

    /// <summary>One CAS per group, six reason/amount pairs to a segment (another CAS of the same group for more).</summary>
    private static void Adjustments(X12Output x, IReadOnlyList<Adjustment> adjustments, string at)
    {
        foreach (var group in adjustments.Where(a => a.Amount != 0).GroupBy(a => a.Group))
        {
            if (!Groups.Contains(group.Key)) x.Problems.Add($"CAS01 ({at}): \"{group.Key}\" is not an adjustment group (CO, OA, PI, PR).");
            foreach (var chunk in group.Chunk(6))
            {
                var elements = new List<string?> { group.Key };
                foreach (var a in chunk)
                {
                    elements.Add(x.Text(a.Reason, "CAS02", 5));
                    elements.Add(X12Output.Amount(a.Amount));
                    elements.Add("");
                }
                x.Add("CAS", elements.ToArray());
            }
        }
    }
}
