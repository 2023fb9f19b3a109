using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Messaging.Tests;

public sealed class An_outbox_row_that_cannot_be_published(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Is_parked_without_holding_back_the_rows_after_it_and_is_published_when_replayed()
    {
        var poison = Guid.NewGuid();
        await host.ExecuteAsync($$"""
            INSERT INTO outbox_messages (message_id, message_type, body)
            VALUES ('{{poison}}', 'Platform.Gone.ProbeHappened, Platform.Gone', '{"probeId":"{{Guid.NewGuid()}}","text":"poison"}');
            NOTIFY outbox_messages;
            """);
        var after = await host.ChangeAsync(commit: true);

        await Eventually.True(async () => await host.AppliedAsync(after) == 1, TimeSpan.FromSeconds(15), "the row after the poison one is delivered");
        await Eventually.True(async () => await host.CountAsync($"SELECT count(*) FROM outbox_messages WHERE message_id = '{poison}' AND parked_at IS NOT NULL") == 1,
            TimeSpan.FromSeconds(10), "the poison row is parked");

        var operations = host.Services.GetRequiredService<MessagingOperations>();
        var parked = Assert.Single(await operations.ParkedAsync(CancellationToken.None));
        Assert.Equal(poison, parked.MessageId);
        Assert.Contains("Platform.Gone", parked.LastError);

        // The operator fixes the row (here: the type it should have named) and replays it.
        var probe = Guid.NewGuid();
        await host.ExecuteAsync($$"""
            UPDATE outbox_messages SET message_type = '{{typeof(ProbeHappened).FullName}}, {{typeof(ProbeHappened).Assembly.GetName().Name}}',
                body = '{"probeId":"{{probe}}","text":"replayed"}' WHERE message_id = '{{poison}}'
            """);
        Assert.Equal(1, await operations.ReplayParkedAsync(null, CancellationToken.None));
        await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(15), "the replayed row is delivered");
        Assert.Empty(await operations.ParkedAsync(CancellationToken.None));
    }
}

public sealed class A_message_its_consumer_keeps_failing(MessagingHost host) : IClassFixture<MessagingHost>
{
    private IBus Bus => host.Services.GetRequiredService<IBus>();

    [Fact]
    public async Task Is_redelivered_through_the_broker_after_the_quick_retries()
    {
        var id = Guid.NewGuid();
        host.Flaky.Failures[id] = 7; // five attempts per delivery (one and four quick retries): the second delivery succeeds
        await Bus.Publish(new FlakyHappened(id));

        await Eventually.True(async () => await host.AppliedAsync(id) == 1, TimeSpan.FromSeconds(30), "the message is applied on redelivery");
        Assert.Equal(8, host.Flaky.Attempts[id]);
        Assert.Equal(1, host.Flaky.LastRedelivery[id]);
        // Redelivered, not copied: nothing of it is left in the error queue.
        var operations = host.Services.GetRequiredService<MessagingOperations>();
        Assert.Equal(0u, (await operations.ErrorQueuesAsync(CancellationToken.None))[$"{host.Name}-flaky"]);
    }

    [Fact]
    public async Task Ends_in_the_error_queue_after_the_last_redelivery_and_is_consumed_when_moved_back()
    {
        var id = Guid.NewGuid();
        host.Flaky.Failures[id] = 15; // the first delivery and both redeliveries fail
        await Bus.Publish(new FlakyHappened(id));

        var operations = host.Services.GetRequiredService<MessagingOperations>();
        var queue = $"{host.Name}-flaky";
        await Eventually.True(() => Task.FromResult(host.Flaky.Attempts.GetValueOrDefault(id) == 15), TimeSpan.FromSeconds(40),
            "the first delivery and both redeliveries are tried five times each");
        await Eventually.True(async () => (await operations.ErrorQueuesAsync(CancellationToken.None))[queue] == 1,
            TimeSpan.FromSeconds(10), "the message is in the error queue");
        Assert.Equal(0, await host.AppliedAsync(id));

        // Fixed: the next attempt succeeds.
        var moved = await operations.ReplayErrorsAsync(queue, 100, CancellationToken.None);
        Assert.Equal(1, moved[queue]);
        await Eventually.True(async () => await host.AppliedAsync(id) == 1, TimeSpan.FromSeconds(15), "the moved message is applied");
        Assert.Equal(0u, (await operations.ErrorQueuesAsync(CancellationToken.None))[queue]);
        Assert.Equal(0, host.Flaky.LastRedelivery[id]); // it starts over
    }
}

public sealed class Old_inbox_and_outbox_rows(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Are_pruned_after_the_retention_period_and_recent_ones_kept()
    {
        var old = Guid.NewGuid();
        var recent = Guid.NewGuid();
        await host.ExecuteAsync($$"""
            INSERT INTO inbox_messages (consumer, message_id, processed_at) VALUES ('probe', '{{old}}', now() - interval '8 days'), ('probe', '{{recent}}', now() - interval '6 days');
            INSERT INTO outbox_messages (message_id, message_type, body, sent_at) VALUES ('{{old}}', 't', '{}', now() - interval '8 days'), ('{{recent}}', 't', '{}', now() - interval '6 days');
            """);

        await host.Services.GetServices<IHostedService>().OfType<OutboxRelay>().Single().DeleteOldAsync(CancellationToken.None);

        Assert.Equal(0, await host.CountAsync($"SELECT count(*) FROM inbox_messages WHERE message_id = '{old}'"));
        Assert.Equal(1, await host.CountAsync($"SELECT count(*) FROM inbox_messages WHERE message_id = '{recent}'"));
        Assert.Equal(0, await host.CountAsync($"SELECT count(*) FROM outbox_messages WHERE message_id = '{old}'"));
        Assert.Equal(1, await host.CountAsync($"SELECT count(*) FROM outbox_messages WHERE message_id = '{recent}'"));
    }
}

public sealed class An_event_published_before_its_consumer_ever_started(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Waits_in_the_consumers_queue_the_publisher_declared()
    {
        // The platform's queues as a service declares them at start (the test host itself is an island, so it does not).
        await using var broker = new Broker(host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(),
            new MessagingOptions(), host.Services.GetRequiredService<IHostEnvironment>());
        await broker.DeclareSubscribersAsync(CancellationToken.None);
        var queue = Assert.Single(Subscribers.Queues[typeof(AppealHandled)]);
        var before = (await broker.CountAsync([queue], CancellationToken.None))[queue];

        // Cases has never run against this broker: without the declaration the event's exchange would drop it.
        await host.Services.GetRequiredService<IBus>().Publish(new AppealHandled(Guid.NewGuid(), "tenant", "coordinator", DateTimeOffset.UtcNow));

        await Eventually.True(async () => (await broker.CountAsync([queue], CancellationToken.None))[queue] == before + 1,
            TimeSpan.FromSeconds(10), $"the event waits in {queue}");
    }
}

public sealed class Counting_a_queue_that_does_not_exist(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Does_not_cut_off_messages_being_put_aside_at_the_same_time()
    {
        // RabbitMQ closes the channel of a passive declare that finds no queue (an error queue nothing has failed into
        // yet). Messages put aside for redelivery meanwhile must not go down with that channel: one that did went to
        // the error queue at its first failure.
        var broker = host.Services.GetRequiredService<Broker>();
        var queue = $"{host.Name}-count-probe";
        var properties = new RabbitMQ.Client.BasicProperties { MessageId = Guid.NewGuid().ToString() };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var putAside = 0;
        var missing = 0;
        async Task PutAsideAsync()
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                await broker.DelayAsync(queue, TimeSpan.FromMinutes(1), new byte[] { 1 }, properties, 1, CancellationToken.None);
                Interlocked.Increment(ref putAside);
            }
        }
        async Task CountMissingAsync()
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                var count = (await broker.CountAsync([$"{host.Name}-missing-{Guid.NewGuid():N}"], CancellationToken.None)).Values.Single();
                Assert.Equal(0u, count);
                Interlocked.Increment(ref missing);
            }
        }

        await Task.WhenAll(PutAsideAsync(), PutAsideAsync(), PutAsideAsync(), CountMissingAsync()); // none of them failed
        Assert.True(missing > 10, $"only {missing} counts of a missing queue overlapped the redeliveries");
        await Eventually.True(async () => (await broker.CountAsync([$"{queue}_delay_60s"], CancellationToken.None)).Values.Single() == putAside,
            TimeSpan.FromSeconds(10), "every message waits in the delay queue");
    }
}

public sealed class Replaying_every_error_queue(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Moves_nothing_from_error_queues_that_do_not_exist_yet_and_goes_on_to_the_others()
    {
        // A healthy service has error queues only for consumers that ever failed a message: replay-errors without
        // --queue must pass over the others rather than stop at the first with the broker's 404.
        var operations = host.Services.GetRequiredService<MessagingOperations>();

        var moved = await operations.ReplayErrorsAsync(null, 10, CancellationToken.None);

        Assert.Equal((await operations.ErrorQueuesAsync(CancellationToken.None)).Keys.Order(), moved.Keys.Order());
        Assert.All(moved.Values, count => Assert.Equal(0, count));
    }
}
