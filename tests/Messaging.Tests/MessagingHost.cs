using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Tests;

namespace Platform.Messaging.Tests;

public sealed record ProbeHappened(Guid ProbeId, string Text);

/// <summary>Applies a probe through the inbox: the counter must end at exactly one per probe.</summary>
public sealed class ProbeConsumer(NpgsqlDataSource dataSource) : InboxConsumer<ProbeHappened>(dataSource)
{
    /// <summary>The trace each probe was applied in (what the events it enqueued would carry on), by probe.</summary>
    public static ConcurrentDictionary<Guid, string?> Traces { get; } = new();

    protected override async Task HandleAsync(ConsumeContext<ProbeHappened> context, NpgsqlTransaction transaction)
    {
        Traces[context.Message.ProbeId] = System.Diagnostics.Activity.Current?.TraceId.ToHexString();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO probe_effects (probe_id, applied) VALUES (@id, 1)
            ON CONFLICT (probe_id) DO UPDATE SET applied = probe_effects.applied + 1
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("id", context.Message.ProbeId);
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
    }
}

/// <summary>Sees every delivery as RabbitMQ hands it over, duplicates included.</summary>
public sealed class DeliveryLog(ConcurrentBag<Guid> deliveries) : IConsumer<ProbeHappened>
{
    public Task Consume(ConsumeContext<ProbeHappened> context)
    {
        deliveries.Add(context.Message.ProbeId);
        return Task.CompletedTask;
    }
}

/// <summary>A real host (PostgreSQL database of its own, the test process's own RabbitMQ) with the platform's messaging.</summary>
public class MessagingHost : IAsyncLifetime
{
    private IHost? _host;

    public string Name { get; } = $"messaging-tests-{Guid.NewGuid():N}"[..28];
    public string ConnectionString { get; private set; } = "";
    public IServiceProvider Services => _host!.Services;
    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();
    public ConcurrentBag<Guid> Deliveries { get; } = [];
    public FlakyPlan Flaky { get; } = new();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestEnvironment.CreateDatabaseAsync("messaging");
        _host = Build(ConnectionString, Name, Deliveries, Flaky, KeepPublished, PollInterval);
        await _host.StartAsync();
    }

    /// <summary>How long published outbox rows stay: a week here, so tests can read them; production deletes them at once.</summary>
    protected virtual TimeSpan KeepPublished => TestKeepPublished;

    private static readonly TimeSpan TestKeepPublished = TimeSpan.FromDays(7);

    /// <summary>How often the relay looks for rows when nothing wakes it.</summary>
    protected virtual TimeSpan PollInterval => TimeSpan.FromMilliseconds(500);

    /// <summary>A second host on the same database and queues: a replica.</summary>
    public IHost BuildReplica() => Build(ConnectionString, Name, Deliveries, keepPublished: KeepPublished, pollInterval: PollInterval);

    internal static IHost Build(string connectionString, string name, ConcurrentBag<Guid> deliveries, FlakyPlan? flaky = null,
        TimeSpan? keepPublished = null, TimeSpan? pollInterval = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = name });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:probedb"] = connectionString,
            ["ConnectionStrings:rabbitmq"] = TestEnvironment.RabbitMq,
            // Durable queues (a temporary one would vanish with its messages when the broker stops) that RabbitMQ
            // deletes once the test host is gone, so finished classes leave nothing bound to the probe exchange.
            ["Messaging:QueueExpiration"] = "00:02:00",
            // A host of its own: its queues are named after it, not after the platform's services.
            ["Messaging:EndpointPrefix"] = name,
            ["Messaging:Redelivery:0"] = "00:00:01",
            ["Messaging:Redelivery:1"] = "00:00:01",
            // Long enough that messages published together are batched together on a loaded machine.
            ["Messaging:BatchTimeLimit"] = "00:00:01",
            ["Outbox:PollInterval"] = (pollInterval ?? TimeSpan.FromMilliseconds(500)).ToString(),
            ["Outbox:PublishTimeout"] = "00:00:03",
            ["Outbox:KeepPublished"] = (keepPublished ?? TestKeepPublished).ToString(),
        });
        builder.Logging.SetMinimumLevel(Environment.GetEnvironmentVariable("TEST_VERBOSE") is null ? LogLevel.Warning : LogLevel.Debug);
        builder.AddPostgres("probedb", typeof(MessagingHost).Assembly);
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.ConcurrentMessageLimit = 1);
            bus.AddConsumer<DeliveryLog>();
            bus.AddPlatformConsumer<FlakyConsumer>();
            bus.AddPlatformConsumer<BatchedConsumer>();
        });
        builder.Services.AddSingleton(deliveries);
        builder.Services.AddSingleton(flaky ?? new FlakyPlan());
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        return builder.Build();
    }

    public async Task<int> AppliedAsync(Guid probeId)
    {
        await using var cmd = DataSource.CreateCommand("SELECT applied FROM probe_effects WHERE probe_id = @id");
        cmd.Parameters.AddWithValue("id", probeId);
        return await cmd.ExecuteScalarAsync() is int n ? n : 0;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Commits a state row and its event in one transaction, or rolls both back.</summary>
    public async Task<Guid> ChangeAsync(bool commit)
    {
        var probe = new ProbeHappened(Guid.NewGuid(), commit ? "committed" : "rolled back");
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("INSERT INTO probe_state (probe_id) VALUES (@id)", connection, transaction))
        {
            cmd.Parameters.AddWithValue("id", probe.ProbeId);
            await cmd.ExecuteNonQueryAsync();
        }
        await transaction.EnqueueAsync(probe);
        if (commit) await transaction.CommitAsync();
        else await transaction.RollbackAsync();
        return probe.ProbeId;
    }

    public async Task DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>A host whose relay polls only once a minute: what it publishes sooner, something woke it for.</summary>
public sealed class RarelyPollingHost : MessagingHost
{
    protected override TimeSpan PollInterval => TimeSpan.FromMinutes(1);
}

/// <summary>A host with the outbox as production runs it: published rows deleted at once.</summary>
public sealed class ProductionOutboxHost : MessagingHost
{
    protected override TimeSpan KeepPublished => TimeSpan.Zero;
}
