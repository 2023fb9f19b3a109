namespace Platform.OmsRepresentatives.Sms;

/// <summary>
/// The reminder SMS: the sender's throttle, window and retries, and where the provider posts its receipts. Section
/// <c>Oms:Sms</c>. The provider itself is <c>ConnectionStrings:sms</c> (the platform's SMS protocol,
/// <see cref="Platform.Mail.SmsProvider"/>); the SMO's name, phone, time zone and sender name are its profile's
/// (<see cref="Profile.SmoProfile"/>).
/// </summary>
public sealed class SmsOptions
{
    public const string Section = "Oms:Sms";

    /// <summary>Whether this replica sends (the receipts endpoint and the status answer either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The public address of <c>POST /sms/receipts</c> (through the gateway: <c>https://host/api/oms/sms/receipts</c>),
    /// given with every SMS for the provider to post its delivery receipts to.
    /// </summary>
    public string? ReceiptUrl { get; set; }

    /// <summary>The sender name shown on the phone when the SMO's profile names none (registered with the provider).</summary>
    public string Sender { get; set; } = "OMS";

    /// <summary>At most this many SMS a second from this replica (the provider's contract divided among the replicas).</summary>
    public int PerSecond { get; set; } = 50;

    /// <summary>At most this many SMS in flight at once (the protocol takes one message a request).</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>Invitations claimed at once.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How often due invitations are looked for when the last batch was not full.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>SMS go out only from this time of day (each SMO's local time)...</summary>
    public TimeSpan WindowFrom { get; set; } = TimeSpan.FromHours(9);

    /// <summary>...until this one (exclusive; <c>1.00:00:00</c> is midnight, so 00:00 to 1.00:00:00 is the whole day).</summary>
    public TimeSpan WindowUntil { get; set; } = TimeSpan.FromHours(21);

    /// <summary>An invitation the provider could not take is tried this many times in all before it is marked undelivered.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait after the first failed attempt, doubled after each (with a fifth of jitter), at most 30 minutes.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An invitation in 'sending' longer than this (its replica died mid-send) is taken again. A sender that finds its
    /// claim about to run out (a slow provider) puts the rest of its batch back rather than send it late.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the provider has to answer one request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal IEnumerable<string> Problems()
    {
        if (!Uri.TryCreate(ReceiptUrl, UriKind.Absolute, out var receipts) || receipts.Scheme is not ("http" or "https"))
            yield return "Oms:Sms:ReceiptUrl must be the absolute http(s) address of /api/oms/sms/receipts through the gateway.";
        if (string.IsNullOrWhiteSpace(Sender) || Sender.Trim().Length > 11) yield return "Oms:Sms:Sender must be a sender name of 1-11 characters.";
        if (PerSecond is < 1 or > 10_000) yield return "Oms:Sms:PerSecond must be 1-10000.";
        if (Concurrency is < 1 or > 100) yield return "Oms:Sms:Concurrency must be 1-100.";
        if (BatchSize is < 1 or > 10_000) yield return "Oms:Sms:BatchSize must be 1-10000.";
        if (PollInterval <= TimeSpan.Zero) yield return "Oms:Sms:PollInterval must be positive.";
        if (WindowFrom < TimeSpan.Zero || WindowUntil > TimeSpan.FromDays(1) || WindowFrom >= WindowUntil)
            yield return "Oms:Sms:WindowFrom and WindowUntil must be times of day, the first before the second (1.00:00:00 is midnight).";
        if (MaxAttempts is < 1 or > 100) yield return "Oms:Sms:MaxAttempts must be 1-100.";
        if (RetryAfter <= TimeSpan.Zero) yield return "Oms:Sms:RetryAfter must be positive.";
        if (Timeout <= TimeSpan.Zero) yield return "Oms:Sms:Timeout must be positive.";
        // A claim must outlive a batch's sending: the throttle's waits and one provider answer per message in flight.
        if (ClaimTimeout < TimeSpan.FromSeconds((double)BatchSize / Math.Max(1, PerSecond) + 1) + Timeout)
            yield return "Oms:Sms:ClaimTimeout must be longer than a batch takes to send (BatchSize / PerSecond seconds, plus Timeout).";
    }
}
