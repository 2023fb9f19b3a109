using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Intake.Appeals;

/// <summary>Remembers the case an appeal opened, so Intake tells the caller its number and attaches later appeals to it.</summary>
public sealed class CaseOpenedConsumer(NpgsqlDataSource dataSource) : InboxBatchConsumer<CaseOpened>(dataSource)
{
    protected override Task ApplyAsync(IReadOnlyList<ConsumeContext<CaseOpened>> messages, NpgsqlTransaction transaction, CancellationToken ct) =>
        AppealStore.LinkCasesAsync(transaction,
            [.. messages.Select(c => c.Message).Select(m => new CaseLink(m.TenantId, m.AppealId, m.CaseId, m.CaseNumber, m.Insured, m.OpenedAt))], ct);
}

/// <summary>Records the case an appeal joined.</summary>
public sealed class AppealAttachedToCaseConsumer(NpgsqlDataSource dataSource) : InboxBatchConsumer<AppealAttachedToCase>(dataSource)
{
    protected override Task ApplyAsync(IReadOnlyList<ConsumeContext<AppealAttachedToCase>> messages, NpgsqlTransaction transaction,
        CancellationToken ct) =>
        AppealStore.LinkCasesAsync(transaction,
            [.. messages.Select(c => c.Message).Select(m => new CaseLink(m.TenantId, m.AppealId, m.CaseId, m.CaseNumber, OpenedFor: null, m.AttachedAt))], ct);
}

/// <summary>An appeal's case: the one it opened (<paramref name="OpenedFor"/>: the insured it was opened for) or joined (null).</summary>
public sealed record CaseLink(string TenantId, Guid AppealId, Guid CaseId, string CaseNumber, InsuredIdentity? OpenedFor, DateTimeOffset At);

/// <summary>
/// Forgets a case once it is closed: a later appeal about the same insured is a new episode, so Cases opens a new case
/// for it rather than Intake attaching it to the closed one.
/// </summary>
public sealed class CaseClosedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<CaseStatusChanged>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<CaseStatusChanged> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        if (m.To != "closed") return;
        await using var cmd = new NpgsqlCommand("""
            DELETE FROM open_cases WHERE case_id = @case_id AND tenant_id = @tenant;
            DELETE FROM case_plans WHERE case_id = @case_id AND tenant_id = @tenant;
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("case_id", m.CaseId);
        cmd.Parameters.AddWithValue("tenant", m.TenantId);
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
    }
}

/// <summary>
/// Keeps each open case's settlement plan as Cases reports it (the latest change wins, whatever order the events come
/// in), so the answer to a later appeal states the plan's current step.
/// </summary>
public sealed class SettlementPlanChangedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<SettlementPlanChanged>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<SettlementPlanChanged> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO case_plans (case_id, tenant_id, kind, current_step, step_count, current_step_title, current_step_owner, changed_at)
            VALUES (@case_id, @tenant, @kind, @current, @count, @title, @owner, @at)
            ON CONFLICT (case_id) DO UPDATE SET kind = excluded.kind, current_step = excluded.current_step,
                step_count = excluded.step_count, current_step_title = excluded.current_step_title,
                current_step_owner = excluded.current_step_owner, changed_at = excluded.changed_at
            WHERE case_plans.tenant_id = excluded.tenant_id AND case_plans.changed_at <= excluded.changed_at
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("case_id", m.CaseId);
        cmd.Parameters.AddWithValue("tenant", m.TenantId);
        cmd.Parameters.AddWithValue("kind", m.Kind);
        cmd.Parameters.AddWithValue("current", m.CurrentStep);
        cmd.Parameters.AddWithValue("count", m.StepCount);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("title", m.CurrentStepTitle));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("owner", m.CurrentStepOwner));
        cmd.Parameters.AddWithValue("at", m.ChangedAt);
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
