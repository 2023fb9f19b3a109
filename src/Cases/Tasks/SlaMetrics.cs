using System.Diagnostics.Metrics;

namespace Platform.Cases.Tasks;

/// <summary>
/// The SLA figures supervisors watch, as OpenTelemetry metrics (meter <c>Platform.Cases.Sla</c>), tagged by tenant:
/// insurers are few, and each wants its own service level. The same figures over any period come from
/// <c>GET /supervisor/figures</c>, which counts from the tables.
/// </summary>
public sealed class SlaMetrics
{
    public const string MeterName = "Platform.Cases.Sla";

    private readonly Counter<long> _escalated;
    private readonly Counter<long> _callbacks;
    private readonly Counter<long> _controlCalls;
    private readonly Counter<long> _extensionWarnings;
    private readonly Histogram<double> _firstContact;
    // Refreshed by each scan of the SLA clock; read when the metrics are collected (a gauge cannot query the database).
    private volatile IReadOnlyDictionary<string, long> _overdue = new Dictionary<string, long>();

    public SlaMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _escalated = meter.CreateCounter<long>("sla.tasks.escalated", "{task}", "Tasks that went overdue and escalated to the supervisors");
        _callbacks = meter.CreateCounter<long>("sla.callbacks.completed", "{task}", "Callbacks completed, by timeliness (on-time, late)");
        _controlCalls = meter.CreateCounter<long>("sla.control_calls.completed", "{task}", "Control calls completed, by timeliness (on-time, late)");
        _extensionWarnings = meter.CreateCounter<long>("sla.extension_warnings.raised", "{case}", "Cases whose treatment runs past the policy end");
        _firstContact = meter.CreateHistogram<double>("sla.first_contact.duration", "min", "From a case opening to its first completed callback",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 15, 30, 60, 120, 240, 480, 1440] });
        meter.CreateObservableGauge("sla.tasks.overdue", () => _overdue.Select(o =>
            new Measurement<long>(o.Value, new KeyValuePair<string, object?>("tenant", o.Key))), "{task}", "Open tasks past due");
    }

    public void Escalated(string tenantId, string kind) =>
        _escalated.Add(1, new("tenant", tenantId), new("kind", kind));

    public void Completed(string tenantId, string kind, bool onTime)
    {
        var counter = kind switch { TaskKinds.Callback => _callbacks, TaskKinds.ControlCall => _controlCalls, _ => null };
        counter?.Add(1, new("tenant", tenantId), new("timeliness", onTime ? "on-time" : "late"));
    }

    public void ExtensionWarning(string tenantId) => _extensionWarnings.Add(1, new KeyValuePair<string, object?>("tenant", tenantId));

    public void FirstContact(string tenantId, TimeSpan sinceOpening) =>
        _firstContact.Record(Math.Max(0, sinceOpening.TotalMinutes), new KeyValuePair<string, object?>("tenant", tenantId));

    public void Overdue(IReadOnlyDictionary<string, long> perTenant) => _overdue = perTenant;
}
