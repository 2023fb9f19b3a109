using System.Collections.Concurrent;
using MassTransit;
using Npgsql;

namespace Platform.Messaging.Tests;

public sealed record FlakyHappened(Guid Id);

/// <summary>How often <see cref="FlakyConsumer"/> fails each message before it succeeds, and what it saw.</summary>
public sealed class FlakyPlan
{
    public ConcurrentDictionary<Guid, int> Failures { get; } = new();
    public ConcurrentDictionary<Guid, int> Attempts { get; } = new();
    public ConcurrentDictionary<Guid, int> LastRedelivery { get; } = new();

    /// <summary>Records an attempt at message <paramref name="id"/> and fails it if the plan says so.</summary>
    public void Attempt(ConsumeContext context, Guid id)
    {
        var attempt = Attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
        LastRedelivery[id] = context.ReceiveContext.TransportHeaders.Get<int>(Broker.RedeliveryHeader) ?? 0;
        if (attempt <= Failures.GetValueOrDefault(id)) throw new InvalidOperationException($"Planned failure {attempt} of {id}.");
    }
}

/// <summary>Fails each message as often as its plan says, then applies it through the inbox.</summary>
public sealed class FlakyConsumer(NpgsqlDataSource dataSource, FlakyPlan plan) : InboxConsumer<FlakyHappened>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<FlakyHappened> context, NpgsqlTransaction transaction)
    {
        var id = context.Message.Id;
        plan.Attempt(context, id);

        await using var cmd = new NpgsqlCommand("""
            INSERT INTO probe_effects (probe_id, applied) VALUES (@id, 1)
            ON CONFLICT (probe_id) DO UPDATE SET applied = probe_effects.applied + 1
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("id", id);
        await cmd.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
