using Platform.Billing.Decisions;

namespace Platform.Billing.Invoices;

/// <summary>
/// An invoice as its readers see it: what was billed, its state, and per line what was decided, each adjustment with
/// its X12 code and a plain-language explanation in the reader's language.
/// </summary>
public sealed record InvoiceView(
    Guid Id,
    string Number,
    string Kind,
    string Form,
    string Source,
    string Status,
    string? PendingReason,
    string? ReturnReason,
    string CaseNumber,
    string? GuaranteeNumber,
    Party Biller,
    Patient Patient,
    DateOnly ServiceFrom,
    DateOnly ServiceTo,
    string Currency,
    IReadOnlyList<string> Diagnoses,
    decimal Billed,
    IReadOnlyList<LineView> Lines,
    DecisionView? Decision,
    DateTimeOffset ReceivedAt);

public sealed record LineView(
    int Line,
    string ServiceCode,
    string CodeSystem,
    string? RevenueCode,
    string? Description,
    DateOnly ServiceDate,
    decimal Quantity,
    decimal UnitPrice,
    decimal Billed,
    string Benefit,
    string? Outcome,
    decimal? Allowed,
    decimal? Paid,
    decimal? PatientPays,
    IReadOnlyList<AdjustmentView> Adjustments,
    string? Explanation,
    LineOverride? Override);

/// <summary>An adjustment: <c>code</c> is group and reason together as remittances print them (CO-45).</summary>
public sealed record AdjustmentView(string Group, string Reason, string Code, decimal Amount, string Explanation);

/// <summary>The decision in force: totals in the invoice's currency; <c>approvedInPolicyCurrency</c> at <c>rate</c> of <c>rateDate</c>.</summary>
public sealed record DecisionView(
    int Revision,
    string Status,
    decimal Billed,
    decimal Approved,
    decimal PatientResponsibility,
    decimal Rejected,
    string PolicyCurrency,
    decimal Rate,
    DateOnly? RateDate,
    decimal ApprovedInPolicyCurrency,
    DateTimeOffset AdjudicatedAt,
    string AdjudicatedBy);

public static class InvoiceViews
{
    public static InvoiceView Of(StoredInvoice stored, Adjudication? decision, string language)
    {
        var i = stored.Invoice;
        var byLine = decision?.Lines.ToDictionary(l => l.Line) ?? [];
        var lines = i.Lines.Select(l =>
        {
            var d = byLine.GetValueOrDefault(l.Number);
            var adjustments = d?.Adjustments.Select(a => new AdjustmentView(a.Group, a.Reason, $"{a.Group}-{a.Reason}", a.Amount,
                ReasonTexts.Explain(a, language, i.Currency))).ToArray() ?? [];
            var explanation = d is null ? null
                : string.Join(" ", new[] { ReasonTexts.Outcome(d.Outcome, language) }
                    .Concat(adjustments.Select(a => a.Explanation))
                    .Concat(d.Override is { } o ? new[] { $"({o.Reason})" } : []));
            return new LineView(l.Number, l.ServiceCode, l.CodeSystem, l.RevenueCode, l.Description, l.ServiceDate, l.Quantity, l.UnitPrice,
                l.Amount, l.Benefit, d?.Outcome, d?.Allowed, d?.Paid, d?.PatientPays, adjustments, explanation, d?.Override);
        }).ToArray();
        return new InvoiceView(i.Id, i.Number, i.Kind, i.Form, i.Source, stored.Status, stored.PendingReason, stored.ReturnReason,
            i.CaseNumber ?? "", i.GuaranteeNumber, i.Biller, i.Patient, i.ServiceFrom, i.ServiceTo, i.Currency, i.Diagnoses, i.Total, lines,
            decision is null ? null : new DecisionView(decision.Revision, decision.Status, decision.Billed, decision.Approved,
                decision.PatientResponsibility, decision.Rejected, decision.PolicyCurrency, decision.Rate, decision.RateDate,
                decision.ApprovedInPolicyCurrency, decision.AdjudicatedAt, decision.AdjudicatedBy),
            i.ReceivedAt);
    }
}
