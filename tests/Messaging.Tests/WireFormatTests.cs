using System.Text;
using System.Text.Json;
using Platform.Tests;
using RabbitMQ.Client;

namespace Platform.Messaging.Tests;

/// <summary>
/// What the relay puts on the wire, and what consumers read: raw JSON, and MassTransit's envelope as the platform sent
/// before (and sends while <c>Messaging:SendEnvelope</c> is set). The trace's headers: <see cref="A_trace_the_sampler_left_out"/>.
/// </summary>
public sealed class A_message_on_the_wire(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Is_its_JSON_alone_with_its_id_and_type_in_the_headers()
    {
        await using var tap = await Wire.TapAsync();
        var probe = await host.ChangeAsync(commit: true);
        var seen = await tap.NextAsync(probe);

        Assert.Equal("application/json", seen.BasicProperties.ContentType);
        using var body = JsonDocument.Parse(seen.Body);
        Assert.Equal(["probeId", "text"], body.RootElement.EnumerateObject().Select(p => p.Name));
        // The outbox row's id, which the consumers' inbox de-duplicates on.
        Assert.Equal(1, await host.CountAsync($"SELECT count(*) FROM outbox_messages WHERE message_id = '{seen.BasicProperties.MessageId}'"));
        var headers = seen.BasicProperties.Headers!;
        Assert.Equal(Wire.ProbeType, Encoding.UTF8.GetString((byte[])headers["MT-MessageType"]!));
        Assert.Equal(seen.BasicProperties.MessageId, Encoding.UTF8.GetString((byte[])headers["MessageId"]!));
        await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(15), "and it is applied");
    }

    [Fact]
    public async Task Sent_in_MassTransits_envelope_is_still_applied_and_only_once()
    {
        var (probe, messageId) = (Guid.NewGuid(), Guid.NewGuid());
        await Wire.PublishTwiceAsync(Wire.Envelope(probe, messageId), "application/vnd.masstransit+json", messageId, headers: null);
        await Wire.AppliedOnceOfTwoAsync(host, probe);
    }
}

public sealed class A_host_sending_the_envelope(EnvelopeSendingHost host) : IClassFixture<EnvelopeSendingHost>
{
    [Fact]
    public async Task Sends_it_and_applies_raw_JSON_only_once()
    {
        await using var tap = await Wire.TapAsync();
        var probe = await host.ChangeAsync(commit: true);
        var seen = await tap.NextAsync(probe);
        Assert.Equal("application/vnd.masstransit+json", seen.BasicProperties.ContentType);
        await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(15), "its own event is applied");

        // What a replica already sending raw JSON publishes meanwhile, delivered twice.
        var (raw, messageId) = (Guid.NewGuid(), Guid.NewGuid());
        await Wire.PublishTwiceAsync(JsonSerializer.SerializeToUtf8Bytes(new { probeId = raw, text = "raw" }), "application/json", messageId,
            new Dictionary<string, object?> { ["MessageId"] = messageId.ToString(), ["MT-MessageType"] = Wire.ProbeType });
        await Wire.AppliedOnceOfTwoAsync(host, raw);
    }
}

/// <summary>The probe's exchange as the tests see it through RabbitMQ's own client.</summary>
internal static class Wire
{
    private const string ProbeExchange = "Platform.Messaging.Tests:ProbeHappened";
    public const string ProbeType = "urn:message:Platform.Messaging.Tests:ProbeHappened";

    /// <summary>A queue of the test's own on the probe's exchange: it sees messages as every consumer's queue receives them.</summary>
    public static async Task<Tap> TapAsync()
    {
        var connection = await new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMq) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, ProbeExchange, "");
        return new Tap(connection, channel, queue);
    }

    public sealed class Tap(IConnection connection, IChannel channel, string queue) : IAsyncDisposable
    {
        /// <summary>The message about <paramref name="probe"/>, in either format.</summary>
        public async Task<BasicGetResult> NextAsync(Guid probe)
        {
            BasicGetResult? seen = null;
            await Eventually.True(async () =>
            {
                while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
                    if (message.Body.Span.IndexOf(Encoding.UTF8.GetBytes(probe.ToString())) >= 0) seen = message;
                return seen is not null;
            }, TimeSpan.FromSeconds(15), "the probe's event reaches the tap");
            return seen!;
        }

        public async ValueTask DisposeAsync()
        {
            await channel.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>A probe in MassTransit's envelope, as MassTransit wrote it (the sending host's details included).</summary>
    public static byte[] Envelope(Guid probe, Guid messageId) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        messageId,
        conversationId = Guid.NewGuid(),
        sourceAddress = "rabbitmq://localhost/cases",
        destinationAddress = $"rabbitmq://localhost/{ProbeExchange}",
        messageType = new[] { ProbeType },
        message = new { probeId = probe, text = "in an envelope" },
        sentTime = DateTime.UtcNow,
        headers = new { },
        host = new { machineName = "cases-7d9f", processName = "Cases", frameworkVersion = "10.0.0", massTransitVersion = "8.5.12.0" },
    });

    /// <summary>The same message twice, as a redelivery would: to be applied once.</summary>
    public static async Task PublishTwiceAsync(byte[] body, string contentType, Guid messageId, IDictionary<string, object?>? headers)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMq) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        for (var i = 0; i < 2; i++)
        {
            var properties = new BasicProperties { ContentType = contentType, MessageId = messageId.ToString(), Persistent = true, Headers = headers };
            await channel.BasicPublishAsync(ProbeExchange, "", mandatory: false, properties, body);
        }
    }

    public static async Task AppliedOnceOfTwoAsync(MessagingHost host, Guid probe)
    {
        await Eventually.True(() => Task.FromResult(host.Deliveries.Count(id => id == probe) == 2), TimeSpan.FromSeconds(15),
            "both copies are delivered");
        await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(15), "the probe is applied");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, await host.AppliedAsync(probe));
    }
}
