using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Cases.CaseFiles;
using Platform.Cases.Contacts;
using Platform.Cases.Documents;
using Platform.Cases.Medical;
using Platform.Cases.Repatriation;
using Platform.Cases.Settlement;
using Platform.Cases.Tasks;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Cases.Briefing;

public sealed record BriefingTask(Guid Id, string Kind, string Title, DateTimeOffset DueAt, string? Owner, bool Overdue);

public sealed record BriefingContact(DateTimeOffset At, string Kind, string Summary, string Actor);

public sealed record CallerStep(string Code, string Text);

/// <summary>The contact the caller steps are written for: their language and the zone their times are told in.</summary>
public sealed record BriefingAudience(Guid ContactId, string Name, string Relation, string Language, PersonTimeZone TimeZone);

/// <summary>
/// Everything a coordinator needs to answer any question about the case, in one answer: who and where, what is wrong,
/// the plan and its current step, the transport plans home (<c>Repatriation</c>, the most recent first), what was promised and when, what is pending, the policy's terms, the last contacts,
/// the documents checklist (each item received, accepted, rejected with the reason, or missing), the latest messages to
/// contacts with their delivery (sent, pending with the last error, failed, held and why), and what to tell the caller next: in the language and time zone of <c>SpeakingTo</c>, the contact on the line (by default the insured's
/// most recent caller).
/// </summary>
public sealed record CaseBriefing(
    string CaseNumber,
    string Status,
    string? StatusReason,
    string Urgency,
    string? Coordinator,
    InsuredIdentity Insured,
    string Country,
    string? City,
    DateTimeOffset OpenedAt,
    PolicyTerms? Policy,
    JsonElement? CoverageAtIntake,
    MedicalRecord? Medical,
    IReadOnlyList<string> MedicalWarnings,
    SettlementPlan? Plan,
    IReadOnlyList<RepatriationPicture> Repatriation,
    IReadOnlyList<BriefingTask> Promises,
    IReadOnlyList<BriefingTask> Pending,
    IReadOnlyList<CaseContact> Contacts,
    IReadOnlyList<BriefingContact> LastContacts,
    IReadOnlyList<ChecklistItem> Documents,
    IReadOnlyList<ContactMessage> Messages,
    BriefingAudience? SpeakingTo,
    IReadOnlyList<CallerStep> NextStepsForCaller,
    long Version,
    DateTimeOffset GeneratedAt);

/// <summary>
/// Builds briefings and caches them in Redis under the case's version: every change to a case appends to its
/// timeline, which bumps the version, so a cached briefing is never stale and needs no explicit invalidation.
/// </summary>
public sealed class CaseBriefings(NpgsqlDataSource dataSource, IConnectionMultiplexer redis, TimeProvider clock, IOptions<AssistanceOptions> assistance,
    ILogger<CaseBriefings> logger)
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);
    private static readonly Meter Meter = new("Platform.Cases.Briefing");
    private static readonly Counter<long> Hits = Meter.CreateCounter<long>("briefing.cache.hits");
    private static readonly Counter<long> Misses = Meter.CreateCounter<long>("briefing.cache.misses");

    public enum Outcome { Found, CaseNotFound, ContactNotFound }

    /// <summary>
    /// What the briefing's last contacts are made of: calls, messages (and the ones that could not be delivered),
    /// documents, tasks done. A message's delivery is in the briefing's messages, not here twice.
    /// </summary>
    private static readonly HashSet<string> LastContactKinds =
    [
        TimelineKinds.Appeal, TimelineKinds.MessageToContact, TimelineKinds.MessageFailed,
        TimelineKinds.DocumentReceived, TimelineKinds.DocumentReviewed, TimelineKinds.TaskCompleted,
    ];

    /// <param name="contactId">The contact being spoken to; null: the insured's most recent caller.</param>
    public async Task<(Outcome, string?)> GetJsonAsync(string tenantId, string numberOrId, Guid? contactId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"SELECT id, version FROM cases WHERE {CaseKey.Filter}", connection);
        CaseKey.Bind(cmd, tenantId, numberOrId);
        Guid caseId; long version;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return (Outcome.CaseNotFound, null);
            (caseId, version) = (r.GetGuid(0), r.GetInt64(1));
        }
        var audience = await CaseContacts.RecipientAsync(connection, null, tenantId, caseId, contactId, ct);
        if (contactId is not null && audience is null) return (Outcome.ContactNotFound, null);

        // Per contact spoken to: the caller steps are in their language and time zone.
        var key = $"briefing:{tenantId}:{caseId}:{version}:{audience?.Id}";
        var db = redis.GetDatabase();
        try
        {
            if (await db.StringGetAsync(key) is { HasValue: true } cached)
            {
                Hits.Add(1);
                return (Outcome.Found, cached.ToString());
            }
        }
        catch (RedisException e)
        {
            logger.LogWarning("Briefing cache unavailable ({Error}); building from the database", e.Message);
        }

        Misses.Add(1);
        var briefing = await BuildAsync(connection, tenantId, caseId, audience, ct);
        var json = JsonSerializer.Serialize(briefing, Json);
        // Cache only what matches the version we looked up; a change in between leaves it to the next request.
        if (briefing.Version == version)
        {
            try { await db.StringSetAsync(key, json, CacheFor); }
            catch (RedisException e) { logger.LogWarning("Could not cache briefing: {Error}", e.Message); }
        }
        return (Outcome.Found, json);
    }

    private async Task<CaseBriefing> BuildAsync(NpgsqlConnection connection, string tenantId, Guid caseId, CaseContact? audience, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var read = new NpgsqlCommand("""
            SELECT number, status, status_reason, urgency, coordinator, insured_policy_number, insured_full_name,
                   insured_date_of_birth, country, city, opened_at, policy_terms::text, coverage::text, version
            FROM cases WHERE tenant_id = @tenant AND id = @id
            """, connection);
        read.Parameters.AddWithValue("tenant", tenantId);
        read.Parameters.AddWithValue("id", caseId);
        string number, status, urgency, country; string? reason, coordinator, city; InsuredIdentity insured; DateTimeOffset openedAt;
        PolicyTerms? policy; JsonElement? coverage; long version;
        await using (var r = await read.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            (number, status, reason, urgency, coordinator) = (r.GetString(0), r.GetString(1), S(2), r.GetString(3), S(4));
            insured = new InsuredIdentity(S(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7));
            (country, city, openedAt) = (r.GetString(8), S(9), r.GetFieldValue<DateTimeOffset>(10));
            policy = S(11) is { } p ? JsonSerializer.Deserialize<PolicyTerms>(p, Json) : null;
            coverage = S(12) is { } c ? JsonSerializer.Deserialize<JsonElement>(c) : null;
            version = r.GetInt64(13);
        }

        var tasks = new List<BriefingTask>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT id, kind, title, due_at, owner FROM case_tasks
            WHERE tenant_id = @tenant AND case_id = @id AND status = 'open' ORDER BY due_at
            """, connection))
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("id", caseId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var due = r.GetFieldValue<DateTimeOffset>(3);
                tasks.Add(new BriefingTask(r.GetGuid(0), r.GetString(1), r.GetString(2), due, r.IsDBNull(4) ? null : r.GetString(4), due < now));
            }
        }

        var medicalHistory = await MedicalDetails.HistoryAsync(connection, tenantId, caseId, ct);
        var medical = medicalHistory.FirstOrDefault();
        var plan = await SettlementPlans.ReadAsync(connection, tenantId, caseId, ct);
        var repatriation = await RepatriationPlans.ReadAsync(connection, tenantId, caseId, ct);
        var contacts = await CaseContacts.ReadAsync(connection, tenantId, caseId, ct);
        var timeline = await CaseTimeline.ReadAsync(connection, tenantId, caseId, last: 200, ct);
        var (checklist, _) = await DocumentChecklists.EvaluateAsync(connection, null, tenantId, new CaseRef(caseId, number, status, country.Trim()), ct);
        // What the latest appeal asked about (rehabilitation, repatriation, dental) is answered from the policy's terms.
        var lastDescription = timeline.LastOrDefault(e => e.Kind == "appeal")?.Data is { } data
            && data.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var lastContacts = timeline
            .Where(e => LastContactKinds.Contains(e.Kind))
            .TakeLast(10)
            .Select(e => new BriefingContact(e.At, e.Kind, e.Summary, e.Actor))
            .ToList();

        var messages = await ContactMessagesApi.ReadAsync(connection, null, tenantId, caseId, null, 5, ct);

        return new CaseBriefing(number, status, reason, urgency, coordinator, insured, country, city, openedAt, policy, coverage,
            medical, MedicalDetails.WarningsFor(medical), plan, repatriation,
            tasks.Where(t => TaskKinds.OfTheCoordinator.Contains(t.Kind)).ToList(),
            tasks.Where(t => !TaskKinds.OfTheCoordinator.Contains(t.Kind)).ToList(),
            contacts, lastContacts, checklist.Items, messages,
            audience is null ? null : new BriefingAudience(audience.Id, audience.Name, audience.Relation, audience.WrittenLanguage, audience.ToldTimesIn!),
            CallerSteps(new CallerContext(audience?.WrittenLanguage ?? PersonLanguage.English, audience?.ToldTimesIn ?? PersonTimeZone.Resolve(null, null, country),
                country.Trim(), plan, repatriation.FirstOrDefault(p => p.Status == RepatriationStatuses.Planned), assistance.Value, tasks, medical, policy,
                checklist.Items, lastDescription, LettersInForce(timeline), now)), version, now);
    }

    private sealed record CallerContext(string Language, PersonTimeZone Zone, string Country, SettlementPlan? Plan, RepatriationPicture? Transport,
        AssistanceOptions Assistance, List<BriefingTask> Tasks,
        MedicalRecord? Medical, PolicyTerms? Policy, IReadOnlyList<ChecklistItem> Documents, string? AskedAbout, IReadOnlyList<LetterInForce> Letters,
        DateTimeOffset Now);

    /// <summary>A guarantee letter the clinic holds (issued, not revoked or expired), as the case's timeline recorded it.</summary>
    private sealed record LetterInForce(string? Number, string ClinicName, decimal CoPayment, string Currency);

    /// <summary>The guarantee letters in force, oldest first, from the timeline's guarantee-letter entries.</summary>
    private static List<LetterInForce> LettersInForce(IEnumerable<TimelineEntry> timeline)
    {
        var letters = new Dictionary<string, LetterInForce?>();
        foreach (var e in timeline)
        {
            if (e.Data is not { ValueKind: JsonValueKind.Object } d || !d.TryGetProperty("letterId", out var id)) continue;
            string? S(string name) => d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (e.Kind == TimelineKinds.GuaranteeLetterIssued)
                letters[id.ToString()] = S("clinicName") is { } clinic
                    ? new LetterInForce(S("number"), clinic,
                        d.TryGetProperty("coPayment", out var co) && co.ValueKind == JsonValueKind.Number ? co.GetDecimal() : 0, S("currency") ?? "")
                    : null; // issued before letters named their clinic: nothing to tell the caller about it
            else if (e.Kind == TimelineKinds.GuaranteeLetterRevoked) letters.Remove(id.ToString());
        }
        return letters.Values.OfType<LetterInForce>().ToList();
    }

    /// <summary>Every text of the caller steps, per language; placeholders in braces are filled in by <see cref="CallerSteps"/>.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> CallerTexts = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        [PersonLanguage.English] = new Dictionary<string, string>
        {
            ["next-call"] = "We will call you by {due}.",
            ["plan"] = "The plan: {kind}. Now: {step} ({owner}).",
            ["plan-complete"] = "Every step of the plan ({kind}) is done.",
            ["plan-pending"] = "The settlement plan (outpatient care, hospital stay or transport home) is being agreed with the clinic.",
            ["documents"] = "We still need: {documents}.",
            ["document-rejected"] = "{document} (the one sent was not accepted: {reason})",
            ["documents-in-review"] = "All the documents needed are in; we are reviewing them.",
            ["documents-complete"] = "All the documents needed are received and accepted.",
            ["romif"] = "Sign and send the ROMIF (authorisation to release medical information); US clinics share no records without it.",
            ["itemised-bill"] = "Forward every bill from the clinic; we need the itemised bill, do not pay it yourself.",
            ["medif"] = "The airline needs a MEDIF form signed by the attending doctor; we arrange it with the clinic.",
            ["policy-extension"] = "The policy ends on {end}, before the expected discharge on {discharge}: an extension is needed.",
            ["cover-limit"] = "{benefit}: covered up to {amount} {currency}.",
            ["cover-excluded"] = "{benefit}: excluded by the policy, not covered.",
            ["cover-none"] = "{benefit}: not covered by this policy.",
            ["guarantee"] = "{clinic} has our guarantee of payment {number}: you pay nothing for the covered care.",
            ["guarantee-co-payment"] = "{clinic} has our guarantee of payment {number}: you pay nothing for the covered care but the co-payment of {amount} {currency}.",
        },
        [PersonLanguage.Russian] = new Dictionary<string, string>
        {
            ["next-call"] = "Мы позвоним вам до {due}.",
            ["plan"] = "План: {kind}. Сейчас: {step} ({owner}).",
            ["plan-complete"] = "Все шаги плана ({kind}) выполнены.",
            ["plan-pending"] = "План урегулирования (амбулаторное лечение, госпитализация или транспортировка домой) согласуется с клиникой.",
            ["documents"] = "Ещё нужны: {documents}.",
            ["document-rejected"] = "{document} (присланный документ не принят: {reason})",
            ["documents-in-review"] = "Все нужные документы получены, мы их проверяем.",
            ["documents-complete"] = "Все нужные документы получены и приняты.",
            ["romif"] = "Подпишите и пришлите форму ROMIF (разрешение на передачу медицинской информации); без неё клиники США не передают документы.",
            ["itemised-bill"] = "Пересылайте нам каждый счёт клиники; нужен детализированный счёт, не оплачивайте его сами.",
            ["medif"] = "Авиакомпании нужна форма MEDIF, подписанная лечащим врачом; мы оформим её с клиникой.",
            ["policy-extension"] = "Полис заканчивается {end}, раньше ожидаемой выписки {discharge}: полис нужно продлить.",
            ["cover-limit"] = "{benefit}: покрывается до {amount} {currency}.",
            ["cover-excluded"] = "{benefit}: исключено полисом, не покрывается.",
            ["cover-none"] = "{benefit}: этим полисом не покрывается.",
            ["guarantee"] = "Клиника «{clinic}» получила наше гарантийное письмо {number}: за лечение по полису вы ничего не платите.",
            ["guarantee-co-payment"] = "Клиника «{clinic}» получила наше гарантийное письмо {number}: за лечение по полису вы ничего не платите, кроме доплаты {amount} {currency}.",
        },
    };

    /// <summary>
    /// What to tell the caller now, in their language and time zone: the next promised call, the plan's current step,
    /// the legs of the transport plan home and its MEDIF, the documents still owed, what the country demands, and what
    /// the policy covers for what they asked about (and for rehabilitation when the medical details say it will be needed).
    /// </summary>
    private static List<CallerStep> CallerSteps(CallerContext c)
    {
        var language = c.Language;
        var texts = CallerTexts[language];
        string T(string code, params (string Name, string? Value)[] args) => PersonLanguage.Fill(texts[code], args);
        var steps = new List<CallerStep>();
        void Add(string code, string key, params (string, string?)[] args) => steps.Add(new CallerStep(code, T(key, args)));

        if (c.Tasks.FirstOrDefault(t => t.Kind is "callback" or "control-call") is { } call)
            Add("next-call", "next-call", ("due", PersonTime.Format(call.DueAt, c.Zone, language, c.Now)));
        if (c.Plan is { } plan)
        {
            var kind = PlanTexts.Kind(plan.Kind, language);
            if (plan.Current is { } current)
                Add("plan", "plan", ("kind", kind), ("step", PlanTexts.Step(current.Title, language)), ("owner", PlanTexts.Owner(current.Owner, language)));
            else Add("plan", "plan-complete", ("kind", kind));
        }
        else Add("plan", "plan-pending");
        if (c.Transport is { } transport)
        {
            // The legs ahead, as who does what and when; then the MEDIF the plan's flights need, explained, with its deadline.
            foreach (var leg in transport.Legs.Where(l => l.Status is not ("done" or "cancelled")).OrderBy(l => l.DepartsAt))
                steps.Add(new CallerStep($"repatriation-leg-{leg.Number}", RepatriationTexts.Leg(leg, transport.Mode, transport.Escort, language, c.Zone, c.Now)));
            if (transport.Medif is { } medif)
                steps.Add(new CallerStep("medif", RepatriationTexts.Medif(medif.CarrierName, c.Assistance.Name, c.Assistance.Phone, medif.DueAt,
                    medif.Stretcher, medif.Oxygen, medif.Wheelchair, language, c.Zone, c.Now)));
        }

        var owed = c.Documents.Where(i => i.State is DocumentChecklists.Missing or ReviewStates.Rejected).ToArray();
        if (owed.Length > 0)
            Add("documents", "documents", ("documents", string.Join("; ", owed.Select(i =>
            {
                var label = DocumentTypes.Of(i.Type).Label(language);
                return i.State == ReviewStates.Rejected ? T("document-rejected", ("document", label), ("reason", i.Reason)) : label;
            }))));
        else Add("documents", c.Documents.Any(i => i.State == ReviewStates.Received) ? "documents-in-review" : "documents-complete");

        foreach (var letter in c.Letters)
            Add("guarantee", letter.CoPayment > 0 ? "guarantee-co-payment" : "guarantee", ("clinic", letter.ClinicName), ("number", letter.Number),
                ("amount", letter.CoPayment.ToString("N2", language == PersonLanguage.Russian
                    ? System.Globalization.CultureInfo.GetCultureInfo("ru-RU") : System.Globalization.CultureInfo.InvariantCulture)),
                ("currency", letter.Currency));
        if (c.Country == "US")
        {
            Add("romif", "romif");
            Add("itemised-bill", "itemised-bill");
        }
        if (c.Medical is { FitToFly: "stretcher" or "with-escort" } && steps.All(s => s.Code != "medif")) Add("medif", "medif");
        if (c.Policy is { } policy && c.Medical?.ExpectedDischargeOn is { } discharge && discharge > policy.End)
            Add("policy-extension", "policy-extension", ("end", PersonTime.Date(policy.End, language)), ("discharge", PersonTime.Date(discharge, language)));
        if (c.Policy is { } terms)
            foreach (var benefit in PlanTexts.AskedAbout(c.AskedAbout ?? "").Concat(c.Medical?.RehabilitationNeeded == true ? ["rehabilitation"] : []).Distinct())
            {
                var name = PlanTexts.Benefit(benefit, language);
                name = char.ToUpperInvariant(name[0]) + name[1..];
                if (terms.ExcludedRisks.Contains(benefit)) Add(benefit, "cover-excluded", ("benefit", name));
                else if (terms.Limits.FirstOrDefault(l => l.Benefit == benefit) is { } limit)
                    Add(benefit, "cover-limit", ("benefit", name), ("amount", limit.Amount.ToString("N0",
                        language == PersonLanguage.Russian ? System.Globalization.CultureInfo.GetCultureInfo("ru-RU") : System.Globalization.CultureInfo.InvariantCulture)),
                        ("currency", limit.Currency));
                else Add(benefit, "cover-none", ("benefit", name));
            }
        return steps;
    }
}

public static class CaseBriefingApi
{
    public static RouteGroupBuilder MapCaseBriefingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}/briefing").RequireAccess(Access.ReadCases).WithTags("Briefing");
        group.MapGet("/", async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> (
                string numberOrId, RequestIdentity identity, CaseBriefings briefings, CancellationToken ct, string? contact = null) =>
            {
                Guid? contactId = null;
                if (contact is not null)
                {
                    if (!Guid.TryParse(contact, out var id)) return Problems.Validation("contact", "The parameter must be the id of a contact of the case.");
                    contactId = id;
                }
                return await briefings.GetJsonAsync(identity.TenantId, numberOrId, contactId, ct) switch
                {
                    (CaseBriefings.Outcome.Found, { } json) => TypedResults.Text(json, "application/json"),
                    (CaseBriefings.Outcome.ContactNotFound, _) => Problems.Validation("contact", $"Contact {contactId} is not a contact of case {numberOrId}."),
                    _ => Problems.NotFound($"Case {numberOrId} was not found."),
                };
            })
            .Produces<CaseBriefing>()
            .WithDescription("""
                The caller steps (nextStepsForCaller) are written for the contact on the line: pass ?contact={contactId}, or
                leave it out for the insured's most recent caller (speakingTo says who was chosen). Times in them are in
                that contact's time zone, named; every instant elsewhere in the briefing is UTC.
                """)
            .WithSummary("Everything a coordinator needs to answer the phone about this case, in one answer (cached per case version)");
        return group;
    }
}
