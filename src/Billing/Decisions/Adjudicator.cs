using Platform.Billing.Invoices;

namespace Platform.Billing.Decisions;

/// <summary>
/// What an invoice is adjudicated against, gathered before the decision (see <see cref="AdjudicationTerms"/>'s loader).
/// Amounts of the cover are in the policy's currency; <c>Rate</c> converts the invoice's currency to it (1 when they
/// are the same). <c>Remaining</c>: per covered benefit, what the cover still allows (null: no limit); a benefit not
/// listed is not covered. <c>DeductibleLeft</c>: what is still to be taken of the policy's deductible (it is taken
/// once per policy, over all its invoices); <c>CoPaymentLeft</c>: of the guarantee letter's co-payment, in the invoice's
/// currency. <c>Tariff</c>: the clinic's price for a code on a date, in the invoice's currency (null: no price agreed).
/// <c>BilledBefore</c>: (date, code, amount) of lines this biller billed for this patient in other invoices.
/// </summary>
public sealed record AdjudicationTerms(
    string PolicyCurrency,
    decimal Rate,
    DateOnly? RateDate,
    DateOnly? PolicyStart,
    DateOnly? PolicyEnd,
    IReadOnlyDictionary<string, decimal?> Remaining,
    decimal DeductibleLeft,
    decimal CoPaymentLeft,
    IReadOnlySet<string> ExcludedServices,
    Func<string, DateOnly, decimal?> Tariff,
    IReadOnlySet<(DateOnly Date, string Code, decimal Amount)> BilledBefore,
    IReadOnlyDictionary<int, LineOverride> Overrides);

/// <summary>
/// The rules, line by line in the invoice's order, each taking its part of what was billed with an X12 adjustment:
/// <list type="number">
/// <item>a service before the policy began (CO-26) or after it ended (CO-27) is rejected;</item>
/// <item>a benefit the policy does not cover, or a service the guarantee letter excludes, is rejected (CO-96);</item>
/// <item>a line billed before, in this invoice or in another one of the same biller for the same patient (same date,
///   code and amount), is rejected as a duplicate (CO-18);</item>
/// <item>allowed = min(billed, tariff x units): the excess over the clinic's tariff is not paid (CO-45);</item>
/// <item>a person's override replaces the allowed amount (reduced: CO-45 on the rest, rejected: CO-96), with its reason;</item>
/// <item>the deductible (PR-1), then the letter's co-payment (PR-3), are the patient's, taken once;</item>
/// <item>what is left is paid up to the benefit's remaining cover; the excess is over the maximum (CO-119).</item>
/// </list>
/// A line's paid amount plus its adjustments is always its billed amount. Pure: the same terms give the same decision.
/// </summary>
public static class Adjudicator
{
    public static (IReadOnlyList<LineDecision> Lines, decimal DeductibleTaken) Decide(Invoice invoice, AdjudicationTerms terms)
    {
        var remaining = terms.Remaining.ToDictionary(kv => kv.Key, kv => kv.Value is { } v ? ToInvoice(v, terms) : (decimal?)null);
        var deductibleLeft = ToInvoice(terms.DeductibleLeft, terms);
        var coPaymentLeft = terms.CoPaymentLeft;
        var seen = new HashSet<(DateOnly, string, decimal)>();
        var decisions = new List<LineDecision>(invoice.Lines.Count);
        var deductibleTaken = 0m;

        foreach (var line in invoice.Lines)
        {
            var billed = Money.Round(line.Amount);
            var adjustments = new List<Adjustment>();
            var key = (line.ServiceDate, line.ServiceCode.Trim().ToUpperInvariant(), billed);
            var duplicate = !seen.Add(key) || terms.BilledBefore.Contains(key);
            terms.Overrides.TryGetValue(line.Number, out var manual);

            string? rejection = null;
            if (terms.PolicyStart is { } start && line.ServiceDate < start) rejection = "26";
            else if (terms.PolicyEnd is { } end && line.ServiceDate > end) rejection = "27";
            else if (!remaining.ContainsKey(Money.Key(line.Benefit)) || terms.ExcludedServices.Contains(key.Item2)) rejection = "96";
            else if (duplicate) rejection = "18";

            decimal allowed;
            if (manual is not null)
            {
                allowed = manual.Outcome == LineOutcomes.Rejected ? 0 : Math.Min(billed, Money.Round(manual.Paid));
                if (allowed < billed) adjustments.Add(new Adjustment("CO", allowed == 0 ? "96" : "45", billed - allowed));
            }
            else if (rejection is not null)
            {
                allowed = 0;
                adjustments.Add(new Adjustment("CO", rejection, billed));
            }
            else
            {
                allowed = terms.Tariff(line.ServiceCode, line.ServiceDate) is { } tariff ? Math.Min(billed, Money.Round(tariff * line.Quantity)) : billed;
                if (allowed < billed) adjustments.Add(new Adjustment("CO", "45", billed - allowed));
            }

            var deductible = Math.Min(allowed, deductibleLeft);
            deductibleLeft -= deductible;
            deductibleTaken += deductible;
            if (deductible > 0) adjustments.Add(new Adjustment("PR", "1", deductible));
            var coPayment = Math.Min(allowed - deductible, coPaymentLeft);
            coPaymentLeft -= coPayment;
            if (coPayment > 0) adjustments.Add(new Adjustment("PR", "3", coPayment));

            var payable = allowed - deductible - coPayment;
            var benefit = Money.Key(line.Benefit);
            if (payable > 0 && remaining.TryGetValue(benefit, out var left) && left is { } cover && payable > cover)
            {
                adjustments.Add(new Adjustment("CO", "119", payable - cover));
                payable = cover;
            }
            if (remaining.TryGetValue(benefit, out var before) && before is { } b) remaining[benefit] = b - payable;

            var contractual = adjustments.Where(a => a.Group == "CO").Sum(a => a.Amount);
            // Rejected: the payer's own adjustments took the whole line. What the patient's share takes is no reduction.
            var outcome = contractual == 0 ? LineOutcomes.Approved : contractual == billed ? LineOutcomes.Rejected : LineOutcomes.Reduced;
            decisions.Add(new LineDecision(line.Number, outcome, billed, allowed, payable, deductible + coPayment, adjustments, manual));
        }
        return (decisions, Money.Round(deductibleTaken * terms.Rate));
    }

    /// <summary>An amount of the policy's currency in the invoice's, rounded down to the cent (never more than the cover).</summary>
    private static decimal ToInvoice(decimal policyAmount, AdjudicationTerms terms) =>
        terms.Rate == 1 ? policyAmount : Math.Floor(policyAmount / terms.Rate * 100) / 100;
}
