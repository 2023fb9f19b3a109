using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Cases.CaseFiles;
using Platform.Cases.Contacts;
using Platform.Cases.Medical;
using Platform.Cases.Settlement;
using Platform.Cases.Timeline;
using Platform.Contracts;
using StackExchange.Redis;

namespace Platform.Cases.Briefing;

public sealed record BriefingTask(Guid Id, string Kind, string Title, DateTimeOffset DueAt, string? Owner, bool Overdue);

public sealed record BriefingContact(DateTimeOffset At, string Kind, string Summary, string Actor);

public sealed record CallerStep(string Code, string Text);

/// <summary>
/// Everything a coordinator needs to answer any question about the case, in one answer: who and where, what is wrong,
/// the plan and its current step, what was promised and when, what is pending, the policy's terms, the last contacts,
/// and what to tell the caller next.
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
    IReadOnlyList<BriefingTask> Promises,
    IReadOnlyList<BriefingTask> Pending,
    IReadOnlyList<CaseContact> Contacts,
    IReadOnlyList<BriefingContact> LastContacts,
    IReadOnlyList<CallerStep> NextStepsForCaller,
    long Version,
    DateTimeOffset GeneratedAt);

/// <summary>
/// Builds briefings and caches them in Redis under the case's version: every change to a case appends to its
/// timeline, which bumps the version, so a cached briefing is never stale and needs no explicit invalidation.
/// </summary>
public sealed class CaseBriefings(NpgsqlDataSource dataSource, IConnectionMultiplexer redis, TimeProvider clock, ILogger<CaseBriefings> logger)
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);
    private static readonly Meter Meter = new("Platform.Cases.Briefing");
    private static readonly Counter<long> Hits = Meter.CreateCounter<long>("briefing.cache.hits");
    private static readonly Counter<long> Misses = Meter.CreateCounter<long>("briefing.cache.misses");

    public async Task<string?> GetJsonAsync(string tenantId, string numberOrId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"SELECT id, version FROM cases WHERE {CaseKey.Filter}", connection);
        CaseKey.Bind(cmd, tenantId, numberOrId);
        Guid caseId; long version;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            (caseId, version) = (r.GetGuid(0), r.GetInt64(1));
        }

        var key = $"briefing:{tenantId}:{caseId}:{version}";
        var db = redis.GetDatabase();
        try
        {
            if (await db.StringGetAsync(key) is { HasValue: true } cached)
            {
                Hits.Add(1);
                return cached.ToString();
            }
        }
        catch (RedisException e)
        {
            logger.LogWarning("Briefing cache unavailable ({Error}); building from the database", e.Message);
        }

        Misses.Add(1);
        var briefing = await BuildAsync(connection, tenantId, caseId, ct);
        var json = JsonSerializer.Serialize(briefing, Json);
        // Cache only what matches the version we looked up; a change in between leaves it to the next request.
        if (briefing.Version == version)
        {
            try { await db.StringSetAsync(key, json, CacheFor); }
            catch (RedisException e) { logger.LogWarning("Could not cache briefing: {Error}", e.Message); }
        }
        return json;
    }

    private async Task<CaseBriefing> BuildAsync(NpgsqlConnection connection, string tenantId, Guid caseId, CancellationToken ct)
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
        var contacts = await CaseContacts.ReadAsync(connection, tenantId, caseId, ct);
        var lastContacts = (await CaseTimeline.ReadAsync(connection, tenantId, caseId, last: 200, ct))
            .Where(e => e.Kind is "appeal" or "message-to-contact" or "document-uploaded" or "document-reviewed" or "task-completed")
            .TakeLast(10)
            .Select(e => new BriefingContact(e.At, e.Kind, e.Summary, e.Actor))
            .ToList();

        return new CaseBriefing(number, status, reason, urgency, coordinator, insured, country, city, openedAt, policy, coverage,
            medical, MedicalDetails.WarningsFor(medical), plan,
            tasks.Where(t => t.Kind is "callback" or "control-call").ToList(),
            tasks.Where(t => t.Kind is not ("callback" or "control-call")).ToList(),
            contacts, lastContacts, CallerSteps(country, plan, tasks, medical, policy), version, now);
    }

    /// <summary>What to tell the caller now: the next promised call, the plan's current step, and what the country demands.</summary>
    private static List<CallerStep> CallerSteps(string country, SettlementPlan? plan, List<BriefingTask> tasks, MedicalRecord? medical, PolicyTerms? policy)
    {
        var steps = new List<CallerStep>();
        if (tasks.FirstOrDefault(t => t.Kind is "callback" or "control-call") is { } call)
            steps.Add(new CallerStep("next-call", $"We will call by {call.DueAt:yyyy-MM-dd HH:mm} UTC ({call.Title})."));
        if (plan?.Current is { } current)
            steps.Add(new CallerStep("plan", $"Settlement: {plan.Kind}. Now: {current.Title} (by {current.Owner})."));
        else
            steps.Add(new CallerStep("plan", "The settlement plan (outpatient care, hospital stay or transport home) is being agreed with the clinic."));
        if (country == "US")
        {
            steps.Add(new CallerStep("romif", "Sign and send the ROMIF (authorisation to release medical information); US clinics share no records without it."));
            steps.Add(new CallerStep("itemised-bill", "Forward every bill from the clinic; we need the itemised bill, do not pay it yourself."));
        }
        if (medical is { FitToFly: "stretcher" or "with-escort" })
            steps.Add(new CallerStep("medif", "The airline needs a MEDIF form signed by the attending doctor; we arrange it with the clinic."));
        if (policy is not null && medical?.ExpectedDischargeOn is { } discharge && discharge > policy.End)
            steps.Add(new CallerStep("policy-extension", $"The policy ends on {policy.End:yyyy-MM-dd}, before the expected discharge on {discharge:yyyy-MM-dd}: an extension is needed."));
        if (policy?.Limits.FirstOrDefault(l => l.Benefit == "rehabilitation") is { } rehab)
            steps.Add(new CallerStep("rehabilitation", $"Rehabilitation after discharge is covered up to {rehab.Amount:0.##} {rehab.Currency}."));
        else if (policy is not null)
            steps.Add(new CallerStep("rehabilitation", "Rehabilitation after discharge is not covered by this policy."));
        return steps;
    }
}

public static class CaseBriefingApi
{
    public static RouteGroupBuilder MapCaseBriefingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}/briefing").RequireAccess(Access.ReadCases).WithTags("Briefing");
        group.MapGet("/", async Task<Results<ContentHttpResult, ProblemHttpResult>> (
                string numberOrId, RequestIdentity identity, CaseBriefings briefings, CancellationToken ct) =>
                await briefings.GetJsonAsync(identity.TenantId, numberOrId, ct) is { } json
                    ? TypedResults.Text(json, "application/json")
                    : Problems.NotFound($"Case {numberOrId} was not found."))
            .Produces<CaseBriefing>()
            .WithSummary("Everything a coordinator needs to answer the phone about this case, in one answer (cached per case version)");
        return group;
    }
}
