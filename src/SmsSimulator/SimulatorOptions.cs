namespace Platform.SmsSimulator;

/// <summary>The simulator's settings, section <c>Simulator</c>.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>The key clients send in <c>X-Api-Key</c>; any other answers 401.</summary>
    public string ApiKey { get; set; } = "dev-sms-api-key";

    /// <summary>Sent in <c>X-Report-Token</c> with every delivery report, so the receiver knows they come from its gateway.</summary>
    public string ReportToken { get; set; } = "dev-sms-report-token-change-me-0123456789";

    /// <summary>How long after acceptance the network's outcome is reported.</summary>
    public TimeSpan ReportDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many reports in one callback request.</summary>
    public int ReportBatchSize { get; set; } = 500;

    /// <summary>A callback that fails is tried this many times (waiting 1 s, 2 s, 4 s ... up to a minute) before its reports are dropped.</summary>
    public int ReportAttempts { get; set; } = 20;

    /// <summary>How many messages are kept for <c>GET /api/v1/messages</c> (the oldest are forgotten first).</summary>
    public int Capacity { get; set; } = 2_000_000;

    /// <summary>At most this many messages per send request.</summary>
    public int MaxPerRequest { get; set; } = 1000;

    /// <summary>A text longer than this many SMS parts is rejected.</summary>
    public int MaxSegments { get; set; } = 10;
}
