using System.Diagnostics;
using MassTransit;
using MassTransit.Logging;

namespace Platform.Messaging;

/// <summary>
/// Keeps a trace the sampler left out left out, across the outbox and the broker. OpenTelemetry creates no activity
/// under a parent that is not sampled; where the parent comes from a stored or received context (an outbox row, a
/// message's headers) rather than from <see cref="Activity.Current"/>, the context would be lost, and the next activity
/// (MassTransit's send, its receive) would start a trace of its own, sampled afresh: a partial trace in every service
/// downstream, and more traces recorded than the sampler's ratio. An activity that no listener records carries the
/// parent and its decision on instead. With every trace sampled (production's default) none of this is used; locally
/// it is in use whenever a service starts more than the ten new traces a second the AppHost lets it record.
/// </summary>
internal static class UnsampledTrace
{
    /// <summary>An unrecorded activity under <paramref name="parent"/>, made current; null when there is no parent.</summary>
    public static Activity? Continue(string name, ActivityContext parent) =>
        parent == default ? null : new Activity(name).SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags).Start();

    /// <summary>
    /// Sends the current activity's context with a message that MassTransit records no send activity for (its own
    /// send activity, when there is one, sets the same header).
    /// </summary>
    public static void Propagate(SendContext context)
    {
        if (Activity.Current is { Recorded: false, Id: { } id }) context.Headers.Set(DiagnosticHeaders.ActivityId, id);
    }

    /// <summary>
    /// For a consumer: the sender's unsampled trace, when MassTransit started no receive activity for it. (Batch
    /// consumers do not resume: a batch's messages belong to many traces, and the projections that use them enqueue
    /// nothing.)
    /// </summary>
    public static Activity? Resume<T>(ConsumeContext<T> context) where T : class =>
        Activity.Current is null && context.Headers.Get<string>(DiagnosticHeaders.ActivityId) is { } id && ActivityContext.TryParse(id, null, out var parent)
            ? Continue($"consume {typeof(T).Name}", parent)
            : null;
}
