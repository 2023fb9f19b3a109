using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

// One class at a time: a test here stops the broker, and every host's queue is bound to the same probe exchange.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Platform.Messaging.Tests;

public sealed class A_committed_change(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Publishes_its_event_once_and_marks_the_row_sent()
    {
        var probe = await host.ChangeAsync(commit: true);

        await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(15), "the event is consumed");
        // Each receive endpoint reconnects on its own back-off after a broker restart: the log's may come back later.
        await Eventually.True(() => Task.FromResult(host.Deliveries.Contains(probe)), TimeSpan.FromSeconds(90), "the delivery log sees it");
        await Eventually.True(async () => await host.CountAsync("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL") == 0,
            TimeSpan.FromSeconds(5), "the outbox row is marked sent");
        Assert.Single(host.Deliveries, id => id == probe);
    }
}

public sealed class A_published_row(ProductionOutboxHost host) : IClassFixture<ProductionOutboxHost>
{
    [Fact]
    public async Task Is_deleted_once_published_and_its_event_consumed()
    {
        var probe = await host.ChangeAsync(commit: true);

        await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(15), "the event is consumed");
        await Eventually.True(async () => await host.CountAsync("SELECT count(*) FROM outbox_messages") == 0,
            TimeSpan.FromSeconds(5), "the published row is deleted");
        await Eventually.True(() => Task.FromResult(host.Deliveries.Contains(probe)), TimeSpan.FromSeconds(15), "the delivery log sees it");
    }
}

public sealed class A_change_committed_in_this_process(RarelyPollingHost host) : IClassFixture<RarelyPollingHost>
{
    [Fact]
    public async Task Wakes_the_relay_when_its_connection_closes_without_a_NOTIFY()
    {
        // A NOTIFY would be seen here (and would serialise every notifying commit on the server).
        await using var listener = await host.DataSource.OpenConnectionAsync();
        var notified = 0;
        listener.Notification += (_, _) => Interlocked.Increment(ref notified);
        await using (var listen = new Npgsql.NpgsqlCommand("LISTEN outbox_messages", listener)) await listen.ExecuteNonQueryAsync();

        // The relay has made its first passes and waits for a minute now, unless something wakes it.
        await Task.Delay(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 3; i++)
        {
            var probe = await host.ChangeAsync(commit: true);
            await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(10),
                $"change {i + 1} is published well before the next poll");
        }
        Assert.False(await listener.WaitAsync(TimeSpan.FromMilliseconds(300)), "no notification is pending");
        Assert.Equal(0, notified);
    }
}

public sealed class Events_enqueued_together(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Are_one_statement_and_are_published_in_the_order_given()
    {
        var probes = Enumerable.Range(1, 3).Select(i => new ProbeHappened(Guid.NewGuid(), $"together {i}")).ToArray();
        await using (var connection = await host.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var batch = new Npgsql.NpgsqlBatch(connection, transaction);
            batch.EnqueueAll(probes);
            Assert.Single(batch.BatchCommands);
            await batch.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        foreach (var probe in probes)
            await Eventually.True(async () => await host.AppliedAsync(probe.ProbeId) == 1, TimeSpan.FromSeconds(15), $"{probe.Text} is consumed");
        var order = new List<Guid>();
        await using (var cmd = host.DataSource.CreateCommand("SELECT (body->>'probeId')::uuid FROM outbox_messages WHERE body->>'text' LIKE 'together %' ORDER BY id"))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) order.Add(reader.GetGuid(0));
        Assert.Equal(probes.Select(p => p.ProbeId), order);
    }
}

public sealed class A_rolled_back_change(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Publishes_nothing()
    {
        var rolledBack = await host.ChangeAsync(commit: false);
        var committed = await host.ChangeAsync(commit: true); // published after the rolled-back one would have been

        await Eventually.True(async () => await host.AppliedAsync(committed) == 1, TimeSpan.FromSeconds(15), "the committed event is consumed");
        Assert.Equal(0, await host.AppliedAsync(rolledBack));
        Assert.DoesNotContain(rolledBack, host.Deliveries);
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM outbox_messages"));
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM probe_state"));
    }
}

public sealed class A_redelivered_message(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Changes_nothing_the_second_time()
    {
        var bus = host.Services.GetRequiredService<IBus>();
        var probe = new ProbeHappened(Guid.NewGuid(), "delivered twice");
        var messageId = NewId.NextGuid();

        // The broker redelivers with the same message id, e.g. after a consumer crashed before its ack.
        await bus.Publish(probe, ctx => ctx.MessageId = messageId);
        await bus.Publish(probe, ctx => ctx.MessageId = messageId);

        await Eventually.True(() => Task.FromResult(host.Deliveries.Count(id => id == probe.ProbeId) == 2),
            TimeSpan.FromSeconds(15), "both deliveries arrive");
        await Eventually.True(async () => await host.CountAsync($"SELECT count(*) FROM inbox_messages WHERE message_id = '{messageId}'") == 1,
            TimeSpan.FromSeconds(5), "the inbox records the message");
        // The probe consumer processes one message at a time; a marker published afterwards proves both copies were handled.
        var marker = new ProbeHappened(Guid.NewGuid(), "marker");
        await bus.Publish(marker);
        await Eventually.True(async () => await host.AppliedAsync(marker.ProbeId) == 1, TimeSpan.FromSeconds(15), "the marker is applied");

        Assert.Equal(1, await host.AppliedAsync(probe.ProbeId));
    }
}

public sealed class Two_relays_on_one_database(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Publish_each_event_exactly_once()
    {
        using var replica = host.BuildReplica();
        await replica.StartAsync();
        try
        {
            var probes = new List<Guid>();
            for (var i = 0; i < 200; i++) probes.Add(await host.ChangeAsync(commit: true));

            await Eventually.True(async () => await host.CountAsync("SELECT count(*) FROM probe_effects") == probes.Count,
                TimeSpan.FromSeconds(60), "every event is applied");
            await Task.Delay(500); // let any duplicate publish surface
            await Eventually.True(() => Task.FromResult(host.Deliveries.Count(probes.Contains) >= probes.Count),
                TimeSpan.FromSeconds(10), "the delivery log sees every event");
            var delivered = host.Deliveries.Where(probes.Contains).ToList();
            Assert.Equal(probes.Count, delivered.Count);
            Assert.Equal(probes.Count, delivered.Distinct().Count());
        }
        finally
        {
            await replica.StopAsync();
        }
    }
}

public sealed class An_event_committed_while_RabbitMQ_is_stopped(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Is_delivered_once_RabbitMQ_is_back()
    {
        await TestEnvironment.StopBrokerAsync();
        Guid probe;
        try
        {
            probe = await host.ChangeAsync(commit: true);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL"));
            Assert.DoesNotContain(probe, host.Deliveries);
        }
        finally
        {
            await TestEnvironment.StartBrokerAsync();
        }

        await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(90), "the event is delivered after the broker is back");
        // Each receive endpoint reconnects on its own back-off after a broker restart: the log's may come back later.
        await Eventually.True(() => Task.FromResult(host.Deliveries.Contains(probe)), TimeSpan.FromSeconds(90), "the delivery log sees it");
        Assert.Single(host.Deliveries, id => id == probe);
    }
}

public sealed class Two_replicas_starting_together
{
    [Fact]
    public async Task Apply_each_migration_once()
    {
        var database = await TestEnvironment.CreateDatabaseAsync("migrations");
        using var first = MessagingHost.Build(database, $"replica-a-{Guid.NewGuid():N}"[..20], []);
        using var second = MessagingHost.Build(database, $"replica-b-{Guid.NewGuid():N}"[..20], []);

        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(database);
            await connection.OpenAsync();
            // The probe script records each of its runs (without a unique key), so a second run would show.
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM migration_runs", connection);
            Assert.Equal(1L, await cmd.ExecuteScalarAsync());
        }
        finally
        {
            await Task.WhenAll(first.StopAsync(), second.StopAsync());
        }
    }
}
