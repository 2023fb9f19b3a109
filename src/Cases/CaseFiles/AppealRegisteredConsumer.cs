using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;
using Platform.Cases.Tasks;

namespace Platform.Cases.CaseFiles;

/// <summary>
/// Files each registered appeal: into the insured's open case, or a new one. The appeals that arrived together are filed
/// in one transaction, in the order they arrived, so that under load many share a commit; an appeal alone waits at most
/// 10 ms for company. Four batches are filed side by side, as a filing waits on round trips more than on the CPU.
/// </summary>
[BatchLimits(milliseconds: 10, concurrentBatches: 4)]
public sealed class AppealRegisteredConsumer(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<AppealRegisteredConsumer> logger)
    : InboxBatchConsumer<AppealRegistered>(dataSource)
{
    protected override async Task ApplyAsync(IReadOnlyList<ConsumeContext<AppealRegistered>> messages, NpgsqlTransaction transaction,
        CancellationToken ct)
    {
        // Every person the batch files for, locked at once in one order, before the first appeal is filed: two batches
        // that share people cannot then each hold one and wait for the other's.
        await CaseStore.LockMatchKeysAsync(transaction, messages.SelectMany(m => CaseStore.MatchKeys(m.Message.TenantId, m.Message.Insured)), ct);
        foreach (var context in messages)
        {
            // The appeal's events go on in the trace of the request that registered it.
            using var activity = StartInTraceOf(context, "file appeal");
            var appeal = context.Message;
            var now = clock.GetUtcNow();
            // Intake promised the caller a callback: from now on the clock, not memory, holds the case to it.
            var callback = new NewTask(TaskKinds.Callback,
                $"Call back {appeal.Caller.Name} ({appeal.Caller.Relation}){(appeal.Caller.Phone is { } phone ? " at " + phone : "")}",
                appeal.CallbackDueAt, "intake", DedupKey: $"callback:{appeal.AppealId}", Data: new { appeal.AppealId, appeal.Triage });
            var (_, number, opened) = await CaseStore.FileAppealAsync(DataSource, transaction, appeal, now, ct, callback);
            activity?.SetTag("case.number", number);
            logger.LogInformation("{Action} case {CaseNumber} for appeal {AppealId} of tenant {TenantId}",
                opened ? "Opened" : "Attached to", number, appeal.AppealId, appeal.TenantId);
        }
    }
}
