using System.Diagnostics;
using Platform.Tests;

namespace Platform.Messaging.Tests;

public sealed class A_trace_the_sampler_left_out(MessagingHost host) : IClassFixture<MessagingHost>
{
    [Fact]
    public async Task Stays_one_trace_through_the_outbox_and_the_broker()
    {
        // OpenTelemetry's default sampler over a ratio that took nothing: a root is created unrecorded (so its
        // context propagates), an activity under a recorded parent is recorded, and none is created under a parent
        // that is not. (The test classes of this assembly run one at a time, so the listener sees only this test.)
        using var sampler = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "MassTransit" or "Platform.Messaging.Outbox" or "Probe.Test",
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                o.Parent == default ? ActivitySamplingResult.PropagationData
                : o.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? ActivitySamplingResult.AllDataAndRecorded
                : ActivitySamplingResult.None,
        };
        ActivitySource.AddActivityListener(sampler);
        using var source = new ActivitySource("Probe.Test");

        Guid probe;
        string request;
        using (var root = source.StartActivity("request"))
        {
            Assert.NotNull(root);
            Assert.False(root.Recorded);
            request = root.TraceId.ToHexString();
            probe = await host.ChangeAsync(commit: true);
        }

        await Eventually.True(async () => await host.AppliedAsync(probe) == 1, TimeSpan.FromSeconds(15), "the event is consumed");
        // Not a trace of its own started at the relay or at the consumer, where it would be sampled afresh.
        Assert.Equal(request, ProbeConsumer.Traces[probe]);
    }
}
