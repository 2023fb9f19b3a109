using System.Net;
using System.Text;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// The small page a clinic reaches through a letter's signed link: the letter as it stands (so whoever holds a copy can
/// check it is genuine and in force) and a form to accept or refuse it. Anonymous: the token is the only credential,
/// and the tenant is the one it names. No anti-forgery token: there is no cookie or session a forged post could ride
/// on, the signed token in the address is the whole authority. Browsers get HTML; other clients get problem documents
/// for rejections.
/// </summary>
public static class AcknowledgementPage
{
    public static async Task<IResult> ShowAsync(HttpContext http, string? token, AcknowledgementLinks links, GuaranteeLetters letters,
        CancellationToken ct)
    {
        if (links.Verify(token) is not { } claims || await letters.GetAsync(claims.TenantId, claims.LetterId, ct) is not { } letter)
            return Invalid(http);
        return Page(letter, token!, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> RecordAsync(HttpContext http, string? token, AcknowledgementLinks links, GuaranteeLetters letters,
        TimeProvider clock, CancellationToken ct)
    {
        if (links.Verify(token) is not { } claims || await letters.GetAsync(claims.TenantId, claims.LetterId, ct) is not { } letter)
            return Invalid(http);
        var (form, problem) = await SignedLinkForm.ReadAsync(http.Request, "decision and reason", ct);
        if (form is null) return problem!;
        string? decision = form["decision"], reason = form["reason"];
        var t = LetterTexts.For(letter.Language);
        if (decision is not null && PlainText.HasControlCharacters(decision) || reason is not null && PlainText.HasControlCharacters(reason))
            return Problems.Validation("reason", PlainText.Rule);
        var errors = GuaranteesApi.ValidateAnswer(decision, reason);
        if (!errors.IsValid)
            return Wants(http) ? Page(letter, token!, t.ReasonRequired, StatusCodes.Status400BadRequest) : Problems.Validation(errors.ToDictionary());

        var outcome = await letters.AcknowledgeAsync(claims.TenantId, claims.LetterId, decision!, GuaranteesApi.Reason(reason), "clinic",
            clock.GetUtcNow(), ct);
        letter = (await letters.GetAsync(claims.TenantId, claims.LetterId, ct))!;
        return outcome == GuaranteeLetters.AcknowledgeOutcome.Recorded
            ? Page(letter, token!, t.Recorded, StatusCodes.Status200OK)
            : Wants(http) ? Page(letter, token!, t.NotInForce, StatusCodes.Status409Conflict)
            : Problems.Conflict($"Guarantee letter {letter.Number} is not in force: there is nothing to answer.");
    }

    private static bool Wants(HttpContext http) => http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>A link that is not genuine or has expired: the two look the same, in both languages (the letter, and so its language, is unknown).</summary>
    private static IResult Invalid(HttpContext http)
    {
        if (!Wants(http))
            return Results.Problem("The link is not valid or has expired.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.",
                type: ProblemTypes.Forbidden);
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><title>GOP</title></head><body>
            <p>{E(LetterTexts.English.InvalidLink)}</p><p lang="ru">{E(LetterTexts.Russian.InvalidLink)}</p></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status403Forbidden);
    }

    private static IResult Page(GuaranteeLetter letter, string token, string? notice, int status)
    {
        var t = LetterTexts.For(letter.Language);
        var html = new StringBuilder();
        html.Append($"""
            <!doctype html><html lang="{letter.Language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>{E(t.Title)} {E(letter.Number)}</title>
            <style>body{"{"}font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em{"}"}th{"{"}text-align:left;padding-right:1em{"}"}</style>
            </head><body><h1>{E(t.Title)} {E(letter.Number)}</h1>
            """);
        if (notice is not null) html.Append($"<p><strong>{E(notice)}</strong></p>");
        void Row(string label, string value) => html.Append($"<tr><th>{E(label)}</th><td>{E(value)}</td></tr>");
        html.Append("<table>");
        Row(t.Status, t.StatusOf(letter.Status));
        Row(t.Patient, letter.Insured.Name);
        Row(t.DateOfBirth, letter.Insured.DateOfBirth is { } dob ? t.Date(dob) : "—");
        Row(t.Case, letter.CaseNumber);
        Row(t.Clinic, letter.Clinic.Name);
        Row(t.Benefit, t.BenefitOf(letter.Benefit));
        Row(t.Amount, t.Money(letter.Amount, letter.Currency));
        Row(t.Period, $"{t.Date(letter.PeriodFrom)} – {t.Date(letter.PeriodTo)}");
        Row(t.RoomType, RoomTypes.Text(letter.RoomType, t.IsRussian));
        Row(t.CoPayment, t.Money(letter.CoPayment, letter.Currency));
        Row(t.Deductible, t.Money(letter.Deductible, letter.Currency));
        Row(t.Answer, letter.Acknowledgement is { } a ? t.DecisionOf(a.Decision) + (a.Reason is null ? "" : $": {a.Reason}") : t.NotGiven);
        html.Append("</table>");
        if (letter.Status == LetterStatuses.Issued)
            html.Append($"""
                <form method="post" action="?token={WebUtility.UrlEncode(token)}">
                <p><label>{E(t.Reason)}<br><textarea name="reason" rows="3" cols="50" maxlength="500"></textarea></label></p>
                <p><button name="decision" value="accepted">{E(t.Accept)}</button>
                <button name="decision" value="refused">{E(t.Refuse)}</button></p></form>
                """);
        else html.Append($"<p>{E(t.NotInForce)}</p>");
        html.Append("</body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
