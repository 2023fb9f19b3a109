using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;
using Platform.Cases.Tasks;

namespace Platform.Cases.CaseFiles;

/// <summary>Files each registered appeal: into the insured's open case, or a new one.</summary>
public sealed class AppealRegisteredConsumer(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<AppealRegisteredConsumer> logger)
    : InboxConsumer<AppealRegistered>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<AppealRegistered> context, NpgsqlTransaction transaction)
    {
        var appeal = context.Message;
        var now = clock.GetUtcNow();
        // Intake promised the caller a callback: from now on the clock, not memory, holds the case to it.
        var callback = new NewTask(TaskKinds.Callback,
            $"Call back {appeal.Caller.Name} ({appeal.Caller.Relation}){(appeal.Caller.Phone is { } phone ? " at " + phone : "")}",
            appeal.CallbackDueAt, "intake", DedupKey: $"callback:{appeal.AppealId}", Data: new { appeal.AppealId, appeal.Triage });
        var (_, number, opened) = await CaseStore.FileAppealAsync(DataSource, transaction, appeal, now, context.CancellationToken, callback);
        logger.LogInformation("{Action} case {CaseNumber} for appeal {AppealId} of tenant {TenantId}",
            opened ? "Opened" : "Attached to", number, appeal.AppealId, appeal.TenantId);
    }
}
