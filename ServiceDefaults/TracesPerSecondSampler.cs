using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Records at most a number of new traces a second (a token bucket that holds a second's worth, at least one), and
/// none past it until the bucket refills. Used as the root sampler of <see cref="ParentBasedSampler"/>: it decides
/// only for a trace's first span, and every span under it follows that decision, in this service and, through the
/// trace context, in every service downstream. So what is recorded is whole traces: all of them at a person's pace, a
/// steady sample under load.
/// </summary>
/// <remarks>
/// The OpenTelemetry SDK has ratio samplers only; a fixed ratio keeps too few traces when it is quiet or too many
/// under load. The contrib package with a rate-limiting sampler is not among the packages our registry serves, and
/// this is a lock and a few fields.
/// </remarks>
public sealed class TracesPerSecondSampler : Sampler
{
    private readonly double perSecond;
    private readonly double capacity;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private double tokens;
    private long refilledAt;

    public TracesPerSecondSampler(double perSecond, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        this.perSecond = perSecond;
        capacity = Math.Max(1, perSecond); // below one a second: one trace, then one every 1/perSecond seconds
        this.time = time ?? TimeProvider.System;
        tokens = capacity;
        refilledAt = this.time.GetTimestamp();
        Description = $"TracesPerSecondSampler{{{perSecond}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            tokens = Math.Min(capacity, tokens + time.GetElapsedTime(refilledAt, now).TotalSeconds * perSecond);
            refilledAt = now;
            if (tokens < 1) return new SamplingResult(SamplingDecision.Drop);
            tokens -= 1;
            return new SamplingResult(SamplingDecision.RecordAndSample);
        }
    }
}
