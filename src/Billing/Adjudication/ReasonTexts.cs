using System.Globalization;
using Platform.Billing.Invoices;
using Platform.Contracts;

namespace Platform.Billing.Adjudication;

/// <summary>
/// What an adjustment means, said to a patient's relative or a clinic's billing clerk rather than to an X12 expert, in
/// English or Russian (any other language gets English), and the CARC's short official-style description for the 835
/// and the forms. The codes are the ones adjudication uses (see <see cref="Adjustment"/>); any other gets a plain
/// fallback that still names the amount and the code.
/// </summary>
public static class ReasonTexts
{
    private sealed record Reason(string Description, string English, string Russian);

    // {amount} is the adjustment's amount with its currency; every text ends with its code, so a clerk can look it up.
    private static readonly Dictionary<(string Group, string Reason), Reason> Reasons = new()
    {
        [("CO", "45")] = new(
            "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.",
            "The clinic charged more than the tariff agreed with it (its price list under the contract, or the terms of the guarantee of payment): the part above the tariff, {amount}, is not paid",
            "Клиника выставила больше тарифа по договору (или условий гарантийного письма): сверх тарифа не оплачивается, {amount}"),
        [("CO", "18")] = new(
            "Exact duplicate claim/service.",
            "This service has already been billed (the same service, date and amount on another line or invoice): it is not paid twice, {amount}",
            "Эта услуга уже была выставлена (та же услуга, дата и сумма в другой строке или другом счёте): дважды не оплачивается, {amount}"),
        [("CO", "27")] = new(
            "Expenses incurred after coverage terminated.",
            "The service was given after the insurance cover had ended, so the policy does not cover it: {amount} is not paid",
            "Услуга оказана после окончания срока страхования, поэтому полис её не покрывает: не оплачивается {amount}"),
        [("CO", "26")] = new(
            "Expenses incurred prior to coverage.",
            "The service was given before the insurance cover began, so the policy does not cover it: {amount} is not paid",
            "Услуга оказана до начала срока страхования, поэтому полис её не покрывает: не оплачивается {amount}"),
        [("CO", "96")] = new(
            "Non-covered charge(s).",
            "The policy does not cover this service (the benefit or the service is excluded by its terms): {amount} is not paid by the insurer",
            "Полис не покрывает эту услугу (риск или услуга исключены условиями страхования): страховщик не оплачивает {amount}"),
        [("CO", "119")] = new(
            "Benefit maximum for this time period or occurrence has been reached.",
            "The policy's limit for this benefit has been used up for the period: the amount above the limit, {amount}, is not paid",
            "Лимит полиса по этому риску на период исчерпан: сверх лимита не оплачивается, {amount}"),
        [("PR", "1")] = new(
            "Deductible amount.",
            "Deductible: under the policy the insured pays the first part of the costs themselves, so {amount} is paid by the patient, not by the insurer",
            "Франшиза: по условиям полиса первую часть расходов застрахованный оплачивает сам, поэтому {amount} оплачивает пациент, а не страховщик"),
        [("PR", "3")] = new(
            "Co-payment amount.",
            "Co-payment: under the policy the insured pays a share of the cost themselves, so {amount} is paid by the patient, not by the insurer",
            "Доплата пациента: по условиям полиса часть стоимости застрахованный оплачивает сам, поэтому {amount} оплачивает пациент, а не страховщик"),
        [("CO", "16")] = new(
            "Claim/service lacks information or has submission/billing error(s).",
            "The invoice lacks information needed to decide on it (for example the diagnosis, the dates or the medical report): it is returned for correction and {amount} is not paid for now; please send it again with what is missing",
            "В счёте не хватает сведений для решения (например, диагноза, дат или медицинского заключения): он возвращён на исправление, и {amount} пока не оплачивается; пожалуйста, пришлите его снова с недостающими сведениями"),
        [("OA", "23")] = new(
            "The impact of prior payer(s) adjudication including payments and/or adjustments.",
            "Another insurer or payer has already paid for this: {amount} is taken into account and not paid again",
            "Эти расходы уже оплатил другой страховщик или плательщик: {amount} учтены и повторно не оплачиваются"),
    };

    private static readonly Dictionary<string, (string English, string Russian)> Outcomes = new()
    {
        [LineOutcomes.Approved] = ("approved", "одобрено"),
        [LineOutcomes.Reduced] = ("reduced", "одобрено частично"),
        [LineOutcomes.Rejected] = ("rejected", "отклонено"),
    };

    private static readonly Dictionary<string, string> Groups = new()
    {
        ["CO"] = "Contractual Obligations",
        ["PR"] = "Patient Responsibility",
        ["OA"] = "Other Adjustments",
        ["PI"] = "Payer Initiated Reductions",
    };

    /// <summary>The group and reason codes that have their own texts (the rest get the fallback).</summary>
    public static IReadOnlyList<(string Group, string Reason)> Known { get; } = [.. Reasons.Keys];

    /// <summary>
    /// The adjustment explained in plain words in <paramref name="language"/> (ru or en), with its amount in the
    /// language's number format and <paramref name="currency"/>, ending with its code, e.g. "(CO-45)".
    /// </summary>
    public static string Explain(Adjustment adjustment, string language, string currency)
    {
        var russian = IsRussian(language);
        var code = $"{adjustment.Group}-{adjustment.Reason}";
        var amount = Money(adjustment.Amount, language, currency);
        if (!Reasons.TryGetValue((adjustment.Group, adjustment.Reason), out var reason))
            return Fallback(adjustment.Group, russian, amount, code);
        return PersonLanguage.Fill(russian ? reason.Russian : reason.English, ("amount", amount)) + $" ({code}).";
    }

    private static string Fallback(string group, bool russian, string amount, string code) => (group, russian) switch
    {
        ("PR", false) => $"Under the policy this part is paid by the patient: {amount} ({code}).",
        ("PR", true) => $"По условиям полиса эту часть оплачивает пациент: {amount} ({code}).",
        (_, false) => $"This part of the charge is not paid by the insurer: {amount} ({code}). Please ask us if you need more detail.",
        (_, true) => $"Эта часть суммы страховщиком не оплачивается: {amount} ({code}). Если нужны подробности, обратитесь к нам.",
    };

    /// <summary>A line's outcome (approved, reduced, rejected) as a word of <paramref name="language"/>; an unknown one as it is.</summary>
    public static string Outcome(string outcome, string language) =>
        Outcomes.TryGetValue(outcome, out var words) ? (IsRussian(language) ? words.Russian : words.English) : outcome;

    /// <summary>The CARC's short description in English, as the 835's readers know it; a generic one for a code we do not use.</summary>
    public static string Description(string group, string reason) =>
        Reasons.TryGetValue((group, reason), out var known) ? known.Description
        : Reasons.FirstOrDefault(r => r.Key.Reason == reason).Value?.Description ?? $"Claim adjustment reason code {reason}.";

    /// <summary>The claim adjustment group's name in English (CO Contractual Obligations, PR Patient Responsibility, ...).</summary>
    public static string GroupName(string group) => Groups.GetValueOrDefault(group, group);

    /// <summary>The culture amounts and dates are written in for <paramref name="language"/>: ru-RU, or the invariant one for English.</summary>
    public static CultureInfo Culture(string language) =>
        IsRussian(language) ? CultureInfo.GetCultureInfo("ru-RU") : CultureInfo.InvariantCulture;

    /// <summary>An amount with two decimals in the language's format, followed by the currency code ("1,234.50 EUR", "1 234,50 EUR").</summary>
    public static string Money(decimal amount, string language, string currency) =>
        amount.ToString("N2", Culture(language)) + " " + currency;

    private static bool IsRussian(string? language) => PersonLanguage.Of(language) == PersonLanguage.Russian;
}
