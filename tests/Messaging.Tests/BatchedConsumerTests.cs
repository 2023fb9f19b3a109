using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Tests;

namespace Platform.Messaging.Tests;

public sealed record BatchedHappened(Guid Id);

/// <summary>Applies messages in batches through the inbox, failing each as often as its plan says.</summary>
public sealed class BatchedConsumer(NpgsqlDataSource dataSource, FlakyPlan plan) : InboxBatchConsumer<BatchedHappened>(dataSource)
{
    protected override async Task ApplyAsync(IReadOnlyList<ConsumeContext<BatchedHappened>> messages, NpgsqlTransaction transaction,
        CancellationToken ct)
    {
        foreach (var context in messages) plan.Attempt(context, context.Message.Id);

        // A message whose id came before in the batch (a copy under another message id) counts once more.
        foreach (var round in Rounds(messages, m => m.Id))
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO batched_effects (id, applied, txid) SELECT unnest(@ids), 1, txid_current()
                ON CONFLICT (id) DO UPDATE SET applied = batched_effects.applied + 1, txid = excluded.txid
                """, transaction.Connection, transaction);
            cmd.Parameters.AddWithValue("ids", round.Select(m => m.Id).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}

public sealed class Messages_to_a_batched_consumer(MessagingHost host) : IClassFixture<MessagingHost>
{
    private IBus Bus => host.Services.GetRequiredService<IBus>();

    private async Task<List<Guid>> PublishAsync(int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(ids.Select(id => Bus.Publish(new BatchedHappened(id))));
        return ids;
    }

    private Task<long> AppliedAsync(IEnumerable<Guid> ids, string what = "sum(applied)") =>
        host.CountAsync($"SELECT coalesce({what}, 0)::bigint FROM batched_effects WHERE id IN ({string.Join(",", ids.Select(i => $"'{i}'"))})");

    [Fact]
    public async Task Are_applied_once_each_sharing_transactions()
    {
        var ids = await PublishAsync(40);
        // A copy of one of them, as a redelivery after a lost acknowledgement would bring it.
        await Bus.Publish(new BatchedHappened(ids[0]), c => c.MessageId = Guid.NewGuid());
        var copyOf = Guid.NewGuid();
        await Bus.Publish(new BatchedHappened(copyOf), c => c.MessageId = copyOf);
        await Bus.Publish(new BatchedHappened(copyOf), c => c.MessageId = copyOf);

        await Eventually.True(async () => await AppliedAsync([.. ids, copyOf], "count(*)") == 41, TimeSpan.FromSeconds(20),
            "every message is applied");
        await Task.Delay(1500); // a second batch's worth, for any duplicate to surface

        // ids[0] came twice under two message ids: two messages, two effects. copyOf came twice under one: one effect.
        Assert.Equal(2, await AppliedAsync([ids[0]]));
        Assert.Equal(1, await AppliedAsync([ids[1]]));
        Assert.Equal(1, await AppliedAsync([copyOf]));
        Assert.Equal(40 + 1 + 1, await AppliedAsync([.. ids, copyOf]));
        var transactions = await AppliedAsync([.. ids, copyOf], "count(DISTINCT txid)");
        Assert.True(transactions < 20, $"41 messages published together took {transactions} transactions");
    }

}

/// <summary>A host of its own: the failing message goes on being redelivered after the test, and must not fall into
/// another test's batch.</summary>
public sealed class Messages_to_a_batched_consumer_with_one_that_fails(MessagingHost host) : IClassFixture<MessagingHost>
{
    private IBus Bus => host.Services.GetRequiredService<IBus>();

    private Task<long> AppliedAsync(IEnumerable<Guid> ids, string what = "sum(applied)") =>
        host.CountAsync($"SELECT coalesce({what}, 0)::bigint FROM batched_effects WHERE id IN ({string.Join(",", ids.Select(i => $"'{i}'"))})");

    [Fact]
    public async Task Apply_around_one_that_keeps_failing_which_alone_goes_to_redelivery_and_the_error_queue()
    {
        var poison = Guid.NewGuid();
        host.Flaky.Failures[poison] = int.MaxValue;
        var before = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        var after = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(before.Select(id => Bus.Publish(new BatchedHappened(id))));
        await Bus.Publish(new BatchedHappened(poison));
        await Task.WhenAll(after.Select(id => Bus.Publish(new BatchedHappened(id))));
        List<Guid> ids = [.. before, .. after];

        await Eventually.True(async () => await AppliedAsync(ids, "count(*)") == ids.Count, TimeSpan.FromSeconds(20),
            "the messages around the failing one are applied");
        Assert.All(ids, id => Assert.Equal(0, host.Flaky.LastRedelivery[id])); // none of them was redelivered

        var operations = host.Services.GetRequiredService<MessagingOperations>();
        var queue = $"{host.Name}-batched";
        await Eventually.True(async () => (await operations.ErrorQueuesAsync(CancellationToken.None))[queue] == 1,
            TimeSpan.FromSeconds(60), () => $"the failing message ends in the error queue after its redeliveries (attempts {host.Flaky.Attempts.GetValueOrDefault(poison)}, redelivery {host.Flaky.LastRedelivery.GetValueOrDefault(poison)})");
        Assert.Equal(2, host.Flaky.LastRedelivery[poison]);
        Assert.Equal(0, await AppliedAsync([poison]));
        Assert.Equal(ids.Count, await AppliedAsync(ids));
    }
}
