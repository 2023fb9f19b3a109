using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Tasks;

/// <summary>
/// A coordinator handled an appeal from Intake's queue: the callback promised for it is kept, so its task is completed
/// (on time or late, by the handling time) and stops counting towards escalation.
/// </summary>
public sealed class AppealHandledConsumer(NpgsqlDataSource dataSource, SlaMetrics metrics)
    : InboxConsumer<AppealHandled>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<AppealHandled> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        Guid? taskId;
        await using (var find = new NpgsqlCommand(
            "SELECT id FROM case_tasks WHERE tenant_id = @tenant AND kind = 'callback' AND dedup_key = @key",
            transaction.Connection, transaction))
        {
            find.Parameters.AddWithValue("tenant", m.TenantId);
            find.Parameters.AddWithValue("key", $"callback:{m.AppealId}");
            taskId = await find.ExecuteScalarAsync(context.CancellationToken) as Guid?;
        }
        // Every registered appeal has a callback task, so none means AppealRegistered has not been applied yet (events
        // can overtake each other): wait for it rather than drop the completion and let the callback escalate.
        if (taskId is null)
            throw new PredecessorMissingException($"Appeal {m.AppealId} was handled before Cases applied its AppealRegistered.");
        var completion = await TaskStore.CompleteAsync(transaction, m.TenantId, taskId.Value, "Called back from the intake queue", null,
            m.HandledBy, m.HandledAt, context.CancellationToken);
        // Recorded before the inbox commits (InboxConsumer has no after-commit hook): if the commit fails, the retried
        // delivery counts the completion again. A rare over-count in a metric, never in the task table.
        completion?.Record(metrics);
    }
}
