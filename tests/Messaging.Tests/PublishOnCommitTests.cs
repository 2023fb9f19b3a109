using Npgsql;
using Platform.Tests;

namespace Platform.Messaging.Tests;

public sealed class A_change_published_at_commit(RarelyPollingHost host) : IClassFixture<RarelyPollingHost>
{
    [Fact]
    public async Task Is_published_once_at_once_and_its_row_marked_sent()
    {
        // The relay has made its first passes and waits for a minute now, unless something wakes it.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var probes = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var probe = await host.ChangeAsync(commit: true, atCommit: true);
            probes.Add(probe);
            await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(10),
                $"change {i + 1} is published well before the next poll");
            await Eventually.True(() => Task.FromResult(host.Deliveries.Contains(probe)), TimeSpan.FromSeconds(10), "the delivery log sees it");
            Assert.Single(host.Deliveries, id => id == probe);
        }
        var rows = $"FROM outbox_messages WHERE body->>'probeId' IN ('{string.Join("','", probes)}')";
        await Eventually.True(async () => await host.CountAsync(
                $"SELECT count(*) {rows} AND sent_at IS NOT NULL AND attempts = 1 AND locked_until IS NULL") == 3,
            TimeSpan.FromSeconds(5), "each row is marked sent after one attempt, its lease lifted");
        Assert.Equal(3, await host.CountAsync($"SELECT count(*) {rows}"));
    }

    [Fact]
    public async Task Publishes_nothing_when_rolled_back()
    {
        var rolledBack = await host.ChangeAsync(commit: false, atCommit: true);
        var committed = await host.ChangeAsync(commit: true, atCommit: true);

        await Eventually.True(async () => await host.AppliedAsync(committed) == 1, TimeSpan.FromSeconds(10), "the committed event is consumed");
        Assert.Equal(0, await host.AppliedAsync(rolledBack));
        Assert.DoesNotContain(rolledBack, host.Deliveries);
        Assert.Equal(0, await host.CountAsync($"SELECT count(*) FROM outbox_messages WHERE body->>'probeId' = '{rolledBack}'"));
    }

    [Fact]
    public async Task Is_published_at_once_by_the_relay_when_committed_directly()
    {
        // The transaction is committed around what publishes at commit (a mistake, or a failure after the COMMIT):
        // its row was written leased to this process, and is released to the relay when the OutboxCommit is disposed.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var probe = new ProbeHappened(Guid.NewGuid(), "committed directly");
        await using (var connection = await host.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        using (transaction.PublishOnCommit())
        {
            await transaction.EnqueueAsync(probe);
            await transaction.CommitAsync();
            await using var leased = new NpgsqlCommand(
                $"SELECT count(*) FROM outbox_messages WHERE body->>'probeId' = '{probe.ProbeId}' AND locked_until > now()", connection);
            Assert.Equal(1L, await leased.ExecuteScalarAsync());
        }

        await Eventually.True(async () => await host.AppliedAsync(probe.ProbeId) == 1, TimeSpan.FromSeconds(10),
            "the relay publishes it well before the lease ends or the next poll");
    }
}

public sealed class A_change_published_at_commit_while_RabbitMQ_is_stopped(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Is_left_to_the_relay_and_delivered_once_RabbitMQ_is_back()
    {
        await TestEnvironment.StopBrokerAsync();
        Guid probe;
        try
        {
            probe = await host.ChangeAsync(commit: true, atCommit: true);
            // Its publish fails when the broker does not answer in time; the row goes back to the relay's passes.
            await Eventually.True(async () => await host.CountAsync(
                    "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND last_error IS NOT NULL AND attempts = 0") == 1,
                TimeSpan.FromSeconds(15), "the failed publish is recorded as an outage, not as an attempt");
            Assert.DoesNotContain(probe, host.Deliveries);
        }
        finally
        {
            await TestEnvironment.StartBrokerAsync();
        }

        await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(90), "the event is delivered after the broker is back");
        await Eventually.True(() => Task.FromResult(host.Deliveries.Contains(probe)), TimeSpan.FromSeconds(90), "the delivery log sees it");
        Assert.Single(host.Deliveries, id => id == probe);
    }
}
