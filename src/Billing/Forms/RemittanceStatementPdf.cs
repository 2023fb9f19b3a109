using PdfSharp;
using Platform.Billing.Decisions;
using Platform.Billing.Invoices;
using Platform.Contracts;
using Platform.Pdf;

namespace Platform.Billing.Forms;

// The record, not the namespace Platform.Billing.Decisions (which this namespace would find first).

/// <summary>
/// One payment to a clinic (or to the insured, a reimbursement) and what it pays: the payer, the payee, the payment's
/// reference (X12 TRN02), method (ACH or CHK), date, amount and currency, and the invoices it covers with their
/// adjudications.
/// </summary>
public sealed record Remittance(
    Payer Payer,
    Party Payee,
    string Reference,
    string Method,
    DateOnly? PaidOn,
    decimal Amount,
    string Currency,
    IReadOnlyList<RemittanceClaim> Claims);

/// <summary>
/// The remittance statement: the readable companion of an X12 835 for a clinic's billing clerk or the insured, in
/// their language (en or ru). Per invoice and line: billed, allowed, paid and what the patient pays, each adjustment
/// with its group and reason code and what it means in plain words; the totals. A4, or US Letter for a US payee; long
/// statements run over pages with the table's header repeated.
/// </summary>
public static class RemittanceStatementPdf
{
    public static byte[] Render(Remittance remittance, string language)
    {
        var t = PersonLanguage.Of(language) == PersonLanguage.Russian ? StatementTexts.Russian : StatementTexts.English;
        var lang = t.Language;
        string Money(decimal amount, string currency) => ReasonTexts.Money(amount, lang, currency);
        string Amount(decimal amount) => amount.ToString("N2", ReasonTexts.Culture(lang));
        string Date(DateOnly date) => date.ToString(t.DateFormat, ReasonTexts.Culture(lang));

        var size = remittance.Payee.Country == "US" ? PageSize.Letter : PageSize.A4;
        using var w = new FormWriter(size, $"{t.Title} {remittance.Reference}", $"{t.Title} · {t.Reference} {remittance.Reference}");
        w.ContinuedHeader($"{t.Title} · {t.Reference} {remittance.Reference} ({t.Continued})");
        w.NewPage();
        w.Paragraph(remittance.Payer.Name, FormWriter.Bold, brush: FormWriter.LabelBrush, spaceAfter: 4);
        w.Paragraph(t.Title, FormWriter.Title, spaceAfter: 2);
        w.Paragraph(t.Intro, FormWriter.Small, brush: FormWriter.LabelBrush, spaceAfter: 8);

        w.Field(t.Payer, $"{remittance.Payer.Name} ({remittance.Payer.Identifier}), {FormText.Address(remittance.Payer)}");
        var payee = remittance.Payee;
        w.Field(t.Payee, string.Join(", ", new[] { payee.Name, payee.Npi is null ? null : $"NPI {payee.Npi}", FormText.Address(payee) }
            .Where(p => !string.IsNullOrWhiteSpace(p))));
        w.Field(t.Reference, remittance.Reference);
        w.Field(t.Method, t.MethodOf(remittance.Method));
        w.Field(t.PaidOn, remittance.PaidOn is { } paidOn ? Date(paidOn) : t.NotYetPaid);
        w.Field(t.PaymentAmount, Money(remittance.Amount, remittance.Currency));

        var width = w.Width;
        var columns = new Column[]
        {
            new(t.Line, width * 0.06), new(t.Service, width * 0.30), new(t.Date, width * 0.10),
            new(t.Billed, width * 0.11, AlignRight: true), new(t.Allowed, width * 0.11, AlignRight: true),
            new(t.Paid, width * 0.11, AlignRight: true), new(t.PatientPays, width * 0.11, AlignRight: true),
            new(t.Outcome, width * 0.10),
        };
        foreach (var (invoice, adjudication) in remittance.Claims)
        {
            var currency = invoice.Currency;
            w.Heading($"{t.Invoice} {invoice.Number} · {invoice.Patient.FullName}", spaceBefore: 12);
            w.Field(t.Details, string.Join(" · ", new[]
            {
                invoice.CaseNumber is null ? null : $"{t.Case} {invoice.CaseNumber}",
                invoice.GuaranteeNumber is null ? null : $"{t.Guarantee} {invoice.GuaranteeNumber}",
                invoice.Patient.PolicyNumber is null ? null : $"{t.Policy} {invoice.Patient.PolicyNumber}",
                $"{t.Services} {Date(invoice.ServiceFrom)} – {Date(invoice.ServiceTo)}",
                $"{t.AmountsIn} {currency}",
            }.Where(p => p is not null)));
            if (adjudication.Status == AdjudicationStatuses.Returned)
            {
                w.Field(t.Returned, adjudication.ReturnReason);
                w.Paragraph(ReasonTexts.Explain(new Adjustment("CO", "16", adjudication.Billed), lang, currency), FormWriter.Text);
                continue;
            }
            w.BeginTable(columns);
            var lines = invoice.Lines.ToDictionary(l => l.Number);
            foreach (var decision in adjudication.Lines.OrderBy(l => l.Line))
            {
                var line = lines.GetValueOrDefault(decision.Line);
                var service = line is null ? "" : $"{line.ServiceCode} {line.Description}".Trim();
                string?[] cells =
                [
                    decision.Line.ToString(ReasonTexts.Culture(lang)), service, line is null ? "" : Date(line.ServiceDate),
                    Amount(decision.Billed), Amount(decision.Allowed), Amount(decision.Paid), Amount(decision.PatientPays),
                    ReasonTexts.Outcome(decision.Outcome, lang),
                ];
                var explanations = decision.Adjustments.Select(a => ReasonTexts.Explain(a, lang, currency)).ToList();
                if (decision.Override is { } o) explanations.Add($"{t.Override}: {o.Reason}");
                // The line and its first explanation stay on one page, so an explanation never starts a page alone.
                w.KeepTogether(w.RowHeight(cells) + (explanations.Count > 0 ? w.SpanHeight(explanations[0], indent: 12) : 0));
                w.Row(cells);
                foreach (var explanation in explanations) w.SpanRow(explanation, shaded: true, indent: 12);
            }
            w.Row(["", t.InvoiceTotal, "", Amount(adjudication.Billed), "", Amount(adjudication.Approved),
                Amount(adjudication.PatientResponsibility), ""], FormWriter.SmallBold);
            w.EndTable();
            w.Y += 4;
            if (adjudication.Rejected > 0) w.Field(t.NotPaid, Money(adjudication.Rejected, currency));
        }

        w.Heading(t.Totals, spaceBefore: 14);
        foreach (var group in remittance.Claims.GroupBy(c => c.Invoice.Currency))
        {
            var adjudicated = group.Where(c => c.Adjudication.Status == AdjudicationStatuses.Adjudicated).Select(c => c.Adjudication).ToList();
            w.Field(t.Billed, Money(group.Sum(c => c.Adjudication.Billed), group.Key));
            w.Field(t.Paid, Money(adjudicated.Sum(a => a.Approved), group.Key));
            w.Field(t.PatientPays, Money(adjudicated.Sum(a => a.PatientResponsibility), group.Key));
            w.Field(t.NotPaid, Money(adjudicated.Sum(a => a.Rejected), group.Key));
        }
        w.Field(t.PaymentAmount, Money(remittance.Amount, remittance.Currency));
        w.Y += 6;
        w.Paragraph(t.Questions, FormWriter.Small, brush: FormWriter.LabelBrush);
        return w.Save(t.Page, t.Of);
    }
}

/// <summary>The remittance statement's words in English and Russian.</summary>
internal sealed record StatementTexts(
    string Language, string Title, string Intro, string Payer, string Payee, string Reference, string Method, string PaidOn,
    string PaymentAmount, string Invoice, string Details, string Case, string Guarantee, string Policy, string Services,
    string AmountsIn, string Returned, string Line, string Service, string Date, string Billed, string Allowed, string Paid,
    string PatientPays, string Outcome, string Override, string InvoiceTotal, string NotPaid, string Totals, string Questions,
    string Continued, string Page, string Of, string Transfer, string Cheque, string DateFormat, string NotYetPaid)
{
    public static readonly StatementTexts English = new(
        "en", "Remittance statement",
        "What this payment covers: for each invoice and line, what was billed, what the policy allows, what is paid and what the patient pays, with the reason for every difference.",
        "Payer", "Payee", "Payment reference", "Payment method", "Payment date", "Amount of this payment", "Invoice", "Details",
        "case", "guarantee of payment", "policy", "services", "amounts in", "Returned for correction", "Line", "Service",
        "Date", "Billed", "Allowed", "Paid", "Patient pays", "Decision", "Changed by our reviewer", "Invoice total", "Not paid",
        "Totals", "Questions about this statement: please contact us and quote the payment reference and the invoice number.",
        "continued", "page", "of", "bank transfer (ACH)", "cheque", "d MMM yyyy", "not paid yet: the payment is on its way");

    public static readonly StatementTexts Russian = new(
        "ru", "Выписка об оплате",
        "Что покрывает этот платёж: по каждому счёту и строке — сколько выставлено, сколько допускает полис, сколько оплачено и сколько оплачивает пациент, с причиной каждой разницы.",
        "Плательщик", "Получатель", "Номер платежа", "Способ оплаты", "Дата оплаты", "Сумма этого платежа", "Счёт", "Сведения",
        "случай", "гарантийное письмо", "полис", "услуги", "суммы в", "Возвращён на исправление", "№", "Услуга",
        "Дата", "Выставлено", "Допустимо", "Оплачено", "Платит пациент", "Решение", "Изменено нашим экспертом", "Итого по счёту",
        "Не оплачено", "Итого",
        "Вопросы по этой выписке: свяжитесь с нами и назовите номер платежа и номер счёта.",
        "продолжение", "стр.", "из", "банковский перевод (ACH)", "чек", "dd.MM.yyyy", "ещё не оплачено: платёж готовится");

    public string MethodOf(string method) => method.ToUpperInvariant() switch
    {
        "ACH" => Transfer,
        "CHK" => Cheque,
        _ => method,
    };
}
