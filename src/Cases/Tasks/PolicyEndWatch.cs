using System.Globalization;
using Npgsql;
using Platform.Cases.Contacts;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Tasks;

/// <summary>
/// Policy end watch (seed 000: "the policy's end date and its extension were not watched"). When a case's expected
/// discharge or planned repatriation runs past the end of its policy, the coordinator gets an extension-warning task,
/// the contact is told in their language, and <see cref="PolicyExtensionNeeded"/> is raised: once per case and policy
/// end date, so an extended policy that is again outrun warns again. Part of the SLA clock's scan, so it reacts to
/// any change of those dates, whoever made it.
/// </summary>
public static class PolicyEndWatch
{
    private const string Actor = "sla-clock";

    /// <summary>The coordinator has this long to arrange the extension with the insurer.</summary>
    public static readonly TimeSpan TaskDueIn = TimeSpan.FromHours(4);

    public static string DedupKey(Guid caseId, DateOnly policyEnd) => $"extension-warning:{caseId}:{policyEnd:yyyy-MM-dd}";

    internal sealed record Outrun(Guid CaseId, string TenantId, string CaseNumber, string? PolicyNumber, DateOnly PolicyEnd,
        DateOnly? ExpectedDischargeOn, DateOnly? RepatriationPlannedOn, string? Language);

    internal static readonly ClaimQuery<Outrun> Cases = new("""
        SELECT c.id, c.tenant_id, c.number, c.policy_terms->>'policyNumber', p.policy_end,
               c.expected_discharge_on, c.repatriation_planned_on,
               (SELECT e.data->'caller'->>'language' FROM timeline_entries e
                WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'appeal'
                ORDER BY e.seq DESC LIMIT 1)
        FROM cases c
        -- One malformed date must not stop the watch for every other case.
        CROSS JOIN LATERAL (SELECT CASE WHEN c.policy_terms->>'end' ~ '^\d{4}-\d{2}-\d{2}$'
                                        THEN (c.policy_terms->>'end')::date END AS policy_end) p
        WHERE c.status <> 'closed' AND p.policy_end IS NOT NULL
          -- Implied by the comparison below, and written out so the scan reads only such cases (cases_open_with_dates).
          AND (c.expected_discharge_on IS NOT NULL OR c.repatriation_planned_on IS NOT NULL)
          AND (c.expected_discharge_on > p.policy_end OR c.repatriation_planned_on > p.policy_end)
          AND NOT EXISTS (SELECT 1 FROM case_tasks t
                          WHERE t.tenant_id = c.tenant_id AND t.case_id = c.id
                            AND t.dedup_key = 'extension-warning:' || c.id::text || ':' || to_char(p.policy_end, 'YYYY-MM-DD'))
          AND NOT (c.id = ANY(@skip))
        LIMIT 1
        FOR UPDATE OF c SKIP LOCKED
        """,
        _ => { },
        r => new Outrun(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetFieldValue<DateOnly>(4),
            r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6),
            r.IsDBNull(7) ? null : r.GetString(7)),
        row => row.CaseId);

    /// <returns>Whether the warning was raised (false when it already had been).</returns>
    internal static async Task<bool> WarnAsync(NpgsqlTransaction transaction, Outrun c, DateTimeOffset now, CancellationToken ct)
    {
        var policy = c.PolicyNumber ?? "(no number)";
        var past = new List<string>();
        if (c.ExpectedDischargeOn > c.PolicyEnd) past.Add($"expected discharge {c.ExpectedDischargeOn:yyyy-MM-dd}");
        if (c.RepatriationPlannedOn > c.PolicyEnd) past.Add($"planned repatriation {c.RepatriationPlannedOn:yyyy-MM-dd}");

        var taskId = await CaseTasks.CreateAsync(transaction, c.TenantId, c.CaseId, TaskKinds.ExtensionWarning,
            $"Policy {policy} ends {c.PolicyEnd:yyyy-MM-dd} before the {string.Join(" and ", past)}: arrange an extension with the insurer",
            now + TaskDueIn, now, Actor, dedupKey: DedupKey(c.CaseId, c.PolicyEnd),
            data: new { policyNumber = c.PolicyNumber, policyEnd = c.PolicyEnd, c.ExpectedDischargeOn, c.RepatriationPlannedOn }, ct: ct);
        if (taskId is not { } id) return false;

        // To the insured's most recent caller, in their language (the appeal's language when the contact has none).
        var recipient = await CaseContacts.RecipientAsync(transaction.Connection!, transaction, c.TenantId, c.CaseId, null, ct);
        await ContactMessages.QueueAsync(transaction, c.TenantId, c.CaseId, recipient, "policy-extension",
            MessageToContact(recipient?.Language ?? c.Language, c.PolicyNumber, c.PolicyEnd, c.ExpectedDischargeOn, c.RepatriationPlannedOn),
            now, Actor, ct);
        await transaction.EnqueueAsync(new PolicyExtensionNeeded(c.CaseId, c.TenantId, c.CaseNumber, c.PolicyNumber, c.PolicyEnd,
            c.ExpectedDischargeOn, c.RepatriationPlannedOn, id, now), ct);
        return true;
    }

    /// <summary>The caller's own words for it: Russian when they spoke Russian, English otherwise.</summary>
    public static string MessageToContact(string? language, string? policyNumber, DateOnly policyEnd, DateOnly? expectedDischargeOn,
        DateOnly? repatriationPlannedOn)
    {
        var russian = language?.StartsWith("ru", StringComparison.OrdinalIgnoreCase) == true;
        var policy = policyNumber is null ? "" : " " + policyNumber;
        var discharge = expectedDischargeOn > policyEnd ? expectedDischargeOn : null;
        var repatriation = repatriationPlannedOn > policyEnd ? repatriationPlannedOn : null;
        var inv = CultureInfo.InvariantCulture;
        if (russian)
        {
            var why = string.Join(", а ", new[]
            {
                discharge is { } d ? $"выписка ожидается {d.ToString("dd.MM.yyyy", inv)}" : null,
                repatriation is { } r ? $"возвращение домой запланировано на {r.ToString("dd.MM.yyyy", inv)}" : null,
            }.OfType<string>());
            return $"Срок действия полиса{policy} заканчивается {policyEnd.ToString("dd.MM.yyyy", inv)}, а {why}. " +
                   "Расходы после окончания полиса не покрываются, поэтому полис нужно продлить: пожалуйста, свяжитесь со " +
                   "страховой компанией и оформите продление. Мы подскажем, что для этого нужно.";
        }
        var reason = string.Join(" and ", new[]
        {
            discharge is { } dd ? $"the expected discharge is on {dd.ToString("d MMMM yyyy", inv)}" : null,
            repatriation is { } rr ? $"the return home is planned for {rr.ToString("d MMMM yyyy", inv)}" : null,
        }.OfType<string>());
        return $"Your policy{policy} ends on {policyEnd.ToString("d MMMM yyyy", inv)}, but {reason}. Costs after the policy " +
               "ends are not covered, so the policy must be extended: please arrange an extension with your insurer. We will " +
               "tell you what is needed.";
    }
}
