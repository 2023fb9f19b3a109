using System.Text;
using Npgsql;
using Platform.Contracts;

namespace Platform.Cases.Documents;

/// <summary>The case's checklist against the documents it has, and the message that tells the contact where things stand.</summary>
public static class DocumentChecklists
{
    public const string Missing = "missing";

    public static async Task<(DocumentChecklist Checklist, IReadOnlyList<DocumentRequirement> Required)> EvaluateAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, CaseRef @case, CancellationToken ct)
    {
        var profile = new CaseProfile(@case.Status, @case.Country,
            await DocumentStore.WasHospitalisedAsync(connection, transaction, tenantId, @case.Id, ct));
        var required = DocumentChecklistRules.For(profile);
        var documents = await DocumentStore.ListAsync(connection, transaction, tenantId, @case.Id, ct);
        var items = required.Select(r => Evaluate(r, documents)).ToArray();
        return (new DocumentChecklist(@case.Id, @case.Number, @case.Status, @case.Country,
            items.All(i => i.State == ReviewStates.Accepted), items), required);
    }

    /// <summary>An accepted document settles the requirement; else one awaiting review; else the latest rejection, with its reason.</summary>
    private static ChecklistItem Evaluate(DocumentRequirement requirement, IReadOnlyList<DocumentResponse> documents)
    {
        var ofType = documents.Where(d => d.Type == requirement.Type).ToArray();
        var chosen = ofType.LastOrDefault(d => d.Review.State == ReviewStates.Accepted)
            ?? ofType.LastOrDefault(d => d.Review.State == ReviewStates.Received)
            ?? ofType.Where(d => d.Review.State == ReviewStates.Rejected).OrderBy(d => d.Review.ReviewedAt).LastOrDefault();
        return chosen is null
            ? new ChecklistItem(requirement.Type, requirement.WhyEnglish, Missing, null, null)
            : new ChecklistItem(requirement.Type, requirement.WhyEnglish, chosen.Review.State, chosen.Id, chosen.Review.Reason);
    }

    /// <summary>
    /// After a review: what was decided about the document, and what is still needed and why, so the contact never has
    /// to guess (the case study's daughter sent a document nobody ever commented on).
    /// </summary>
    public static string ReviewMessage(string language, string caseNumber, DocumentResponse reviewed, DocumentChecklist checklist,
        IReadOnlyList<DocumentRequirement> required)
    {
        var ru = PersonLanguage.Of(language) == PersonLanguage.Russian;
        var type = DocumentTypes.Of(reviewed.Type);
        var label = ru ? type.Russian : type.English;
        var text = new StringBuilder();
        text.Append(ru ? $"Случай {caseNumber}: мы проверили документ «{label}» ({reviewed.FileName}). "
                       : $"Case {caseNumber}: we have reviewed your {label} ({reviewed.FileName}). ");
        text.Append(reviewed.Review.State == ReviewStates.Accepted
            ? ru ? "Документ принят. " : "It is accepted. "
            : ru ? $"Принять его нельзя: {reviewed.Review.Reason}. Пожалуйста, пришлите его заново. "
                 : $"We cannot accept it: {reviewed.Review.Reason}. Please send it again. ");

        var needed = checklist.Items.Where(i => i.State is Missing or ReviewStates.Rejected).ToArray();
        if (needed.Length > 0)
        {
            text.Append(ru ? "Ещё нужны: " : "We still need: ");
            text.AppendJoin("; ", needed.Select(i =>
            {
                var t = DocumentTypes.Of(i.Type);
                var why = required.First(r => r.Type == i.Type);
                var rejected = i.State == ReviewStates.Rejected && i.DocumentId != reviewed.Id
                    ? ru ? $" (присланный документ не принят: {i.Reason})" : $" (the one sent was not accepted: {i.Reason})"
                    : "";
                return ru ? $"{t.Russian}{rejected}: {why.WhyRussian}" : $"{t.English}{rejected}: {why.WhyEnglish}";
            }));
            text.Append('.');
        }
        else if (checklist.Items.Any(i => i.State == ReviewStates.Received))
            text.Append(ru ? "Все нужные документы получены, остальные мы проверяем." : "All the documents needed are in; we are reviewing the rest.");
        else
            text.Append(ru ? "Все нужные документы получены и приняты." : "All the documents needed are received and accepted.");
        return text.ToString();
    }
}
