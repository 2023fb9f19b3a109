using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A log record below Warning written inside a trace that is not recorded is not written either: a trace is kept with
/// its logs or not at all (the dashboard shows an appeal's logs beside its spans). Warnings and errors are always
/// written, and so is everything written outside a trace. Registered only where traces are sampled (see
/// <c>ConfigureOpenTelemetry</c>): where every trace is recorded (production's default) logs do not pass through it.
/// </summary>
public sealed class TracedLogSampler : LoggingSampler
{
    public override bool ShouldSample<TState>(in LogEntry<TState> logEntry) =>
        logEntry.LogLevel >= LogLevel.Warning || Activity.Current is not { Recorded: false };
}
