using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Intake.Appeals;

/// <summary>Remembers the case an appeal opened, so Intake tells the caller its number and attaches later appeals to it.</summary>
public sealed class CaseOpenedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<CaseOpened>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<CaseOpened> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        return AppealStore.LinkCaseAsync(transaction, m.TenantId, m.AppealId, m.CaseId, m.CaseNumber, m.Insured, m.OpenedAt, context.CancellationToken);
    }
}

/// <summary>Records the case an appeal joined.</summary>
public sealed class AppealAttachedToCaseConsumer(NpgsqlDataSource dataSource) : InboxConsumer<AppealAttachedToCase>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<AppealAttachedToCase> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        return AppealStore.LinkCaseAsync(transaction, m.TenantId, m.AppealId, m.CaseId, m.CaseNumber, openedFor: null, m.AttachedAt, context.CancellationToken);
    }
}

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
        await using var cmd = new NpgsqlCommand("DELETE FROM open_cases WHERE case_id = @case_id AND tenant_id = @tenant",
            transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("case_id", m.CaseId);
        cmd.Parameters.AddWithValue("tenant", m.TenantId);
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
