using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace Platform.Messaging.Tests;

public sealed class The_traces_a_second
{
    private static SamplingDecision Root(Sampler sampler) =>
        sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "request", ActivityKind.Server)).Decision;

    /// <summary>A host with the services' telemetry (<c>ConfigureOpenTelemetry</c>), its tracer provider listening.</summary>
    private static IHost ServiceHost(string? tracesPerSecond, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder();
        if (tracesPerSecond is not null)
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [ServiceDefaultsExtensions.TracesPerSecondKey] = tracesPerSecond });
        builder.ConfigureOpenTelemetry();
        if (logs is not null) builder.Logging.AddProvider(logs);
        var host = builder.Build();
        _ = host.Services.GetRequiredService<TracerProvider>(); // the provider listens from here on
        return host;
    }

    /// <summary>An activity source of our own code's prefix, which the services' tracing listens to.</summary>
    private static ActivitySource Source() => new(ServiceDefaultsExtensions.TelemetryPrefix + "TracesPerSecondTests");

    /// <summary>A new trace: started with no current activity (StartActivity would make it the current one's child).</summary>
    private static Activity? Root(ActivitySource source)
    {
        Activity.Current = null;
        return source.StartActivity("request", ActivityKind.Server);
    }

    [Fact]
    public void Are_a_second_s_worth_at_once_then_as_the_seconds_pass()
    {
        var clock = new FakeTimeProvider();
        var sampler = new TracesPerSecondSampler(3, clock);

        Assert.Equal([SamplingDecision.RecordAndSample, SamplingDecision.RecordAndSample, SamplingDecision.RecordAndSample, SamplingDecision.Drop],
            Enumerable.Range(0, 4).Select(_ => Root(sampler)));

        clock.Advance(TimeSpan.FromMilliseconds(340)); // a third of a second: one more
        Assert.Equal(SamplingDecision.RecordAndSample, Root(sampler));
        Assert.Equal(SamplingDecision.Drop, Root(sampler));

        clock.Advance(TimeSpan.FromMinutes(5)); // a quiet spell does not save up more than a second's worth
        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => Root(sampler) == SamplingDecision.RecordAndSample));
    }

    [Fact]
    public void Below_one_are_one_now_and_one_per_interval()
    {
        var clock = new FakeTimeProvider();
        var sampler = new TracesPerSecondSampler(0.5, clock);
        Assert.Equal(SamplingDecision.RecordAndSample, Root(sampler));
        Assert.Equal(SamplingDecision.Drop, Root(sampler));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SamplingDecision.Drop, Root(sampler));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SamplingDecision.RecordAndSample, Root(sampler));
    }

    [Fact]
    public void Cap_the_new_traces_of_a_service_configured_so_and_record_each_whole()
    {
        using var host = ServiceHost("2");
        using var source = Source();

        var roots = Enumerable.Range(0, 5).Select(_ => Root(source)).ToList();
        try
        {
            Assert.All(roots, Assert.NotNull);
            Assert.Equal([true, true, false, false, false], roots.Select(r => r!.Recorded));

            // Under a recorded root everything is recorded, budget or not; under one left out, nothing.
            using (var child = source.StartActivity("statement", ActivityKind.Client, roots[0]!.Context))
                Assert.True(child?.Recorded);
            using (var child = source.StartActivity("statement", ActivityKind.Client, roots[4]!.Context))
                Assert.False(child?.Recorded ?? false);
        }
        finally
        {
            foreach (var root in roots) root?.Dispose();
        }
    }

    [Fact]
    public void Are_not_capped_unless_configured()
    {
        using var host = ServiceHost(tracesPerSecond: null);
        using var source = Source();

        var roots = Enumerable.Range(0, 50).Select(_ => Root(source)).ToList();
        Assert.All(roots, r => Assert.True(r?.Recorded));
        foreach (var root in roots) root?.Dispose();
    }

    [Fact]
    public void Keep_their_logs_and_leave_out_the_logs_of_a_trace_left_out_but_its_warnings()
    {
        var written = new Captured();
        using var host = ServiceHost("1", written);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Probe");
        using var source = Source();

        using (var recorded = Root(source))
        {
            Assert.True(recorded?.Recorded);
            logger.LogInformation("in a recorded trace");
        }
        using (var leftOut = Root(source))
        {
            Assert.False(leftOut?.Recorded);
            logger.LogInformation("in a trace left out");
            logger.LogWarning("a warning in a trace left out");
        }
        Activity.Current = null;
        logger.LogInformation("outside any trace");

        Assert.Equal(["in a recorded trace", "a warning in a trace left out", "outside any trace"], written.Messages);
    }

    [Fact]
    public void Leave_every_log_alone_where_every_trace_is_recorded()
    {
        var written = new Captured();
        using var host = ServiceHost(tracesPerSecond: null, written);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Probe");
        using var source = Source();

        // A caller's traceparent without the sampled flag: parent-based, the request is not recorded.
        Activity.Current = null;
        using (var unsampled = source.StartActivity("request", ActivityKind.Server,
                   new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true)))
        {
            Assert.NotNull(unsampled);
            Assert.False(unsampled.Recorded);
            logger.LogInformation("in a trace its caller left out");
        }

        Assert.Equal(["in a trace its caller left out"], written.Messages);
    }

    private sealed class Captured : ILoggerProvider, ILogger
    {
        public List<string> Messages { get; } = [];
        public ILogger CreateLogger(string categoryName) => categoryName == "Probe" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages) Messages.Add(formatter(state, exception));
        }
        public void Dispose() { }
    }
}
