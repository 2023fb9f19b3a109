namespace Platform.OmsRepresentatives.Sms;

/// <summary>The reminder SMS: the provider, the sender's throttle and window, and what the texts sign with. Section <c>Oms:Sms</c>.</summary>
public sealed class SmsOptions
{
    public const string Section = "Oms:Sms";

    /// <summary>Whether this replica sends (the delivery-report endpoint and the status answer either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The provider's API, such as <c>https://sms.example/</c>; requests go to <c>{BaseUrl}/api/v1/messages</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The key the provider issued, sent as <c>X-Api-Key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The sender name shown on the phone (the alphanumeric sender id registered with the provider).</summary>
    public string? Sender { get; set; }

    /// <summary>The public address of <c>POST /sms/delivery-reports</c> through the gateway, which the provider posts outcomes to.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>The token the provider sends with delivery reports (<c>X-Report-Token</c>): at least 32 characters.</summary>
    public string? ReportToken { get; set; }

    /// <summary>At most this many SMS a second from this replica (the provider's contract divided among the replicas).</summary>
    public int PerSecond { get; set; } = 50;

    /// <summary>Invitations claimed at once.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How often due invitations are looked for when the last batch was not full.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>SMS go out only from this time of day (the SMO's local time)...</summary>
    public TimeSpan WindowFrom { get; set; } = TimeSpan.FromHours(9);

    /// <summary>...until this one (exclusive; <c>1.00:00:00</c> is midnight, so 00:00 to 1.00:00:00 is the whole day).</summary>
    public TimeSpan WindowUntil { get; set; } = TimeSpan.FromHours(21);

    /// <summary>The SMO's time zone (IANA): its day decides which invitations are due, its clock the window.</summary>
    public string TimeZone { get; set; } = "Europe/Moscow";

    /// <summary>The SMO's name as the texts sign (short: the texts must fit two SMS).</summary>
    public string? SmoName { get; set; }

    /// <summary>The SMO's contact-centre telephone, in the texts.</summary>
    public string? SmoPhone { get; set; }

    /// <summary>An invitation the provider could not take is tried this many times in all before it is marked undelivered.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait after the first failed attempt, doubled after each (with a fifth of jitter), at most 30 minutes.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>An invitation in 'sending' longer than this (its replica died mid-send) is taken again.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the provider has to answer one request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    internal IEnumerable<string> Problems()
    {
        static bool IsHttp(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        if (!IsHttp(BaseUrl)) yield return "Oms:Sms:BaseUrl must be the provider's absolute http(s) address.";
        if (string.IsNullOrWhiteSpace(ApiKey)) yield return "Oms:Sms:ApiKey is not set.";
        if (string.IsNullOrWhiteSpace(Sender) || Sender.Length > 11) yield return "Oms:Sms:Sender must be a sender name of 1-11 characters.";
        if (!IsHttp(CallbackUrl)) yield return "Oms:Sms:CallbackUrl must be the absolute http(s) address of /sms/delivery-reports through the gateway.";
        if ((ReportToken?.Length ?? 0) < 32) yield return "Oms:Sms:ReportToken must be at least 32 characters.";
        if (PerSecond is < 1 or > 10_000) yield return "Oms:Sms:PerSecond must be 1-10000.";
        if (BatchSize is < 1 or > 10_000) yield return "Oms:Sms:BatchSize must be 1-10000.";
        if (PollInterval <= TimeSpan.Zero) yield return "Oms:Sms:PollInterval must be positive.";
        if (WindowFrom < TimeSpan.Zero || WindowUntil > TimeSpan.FromDays(1) || WindowFrom >= WindowUntil)
            yield return "Oms:Sms:WindowFrom and WindowUntil must be times of day, the first before the second (1.00:00:00 is midnight).";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _)) yield return $"Oms:Sms:TimeZone '{TimeZone}' is not a known time zone.";
        if (MaxAttempts is < 1 or > 100) yield return "Oms:Sms:MaxAttempts must be 1-100.";
        if (RetryAfter <= TimeSpan.Zero) yield return "Oms:Sms:RetryAfter must be positive.";
        if (Timeout <= TimeSpan.Zero) yield return "Oms:Sms:Timeout must be positive.";
        // A claim must outlive a batch's sending: the throttle's waits and one provider answer per request.
        if (ClaimTimeout < TimeSpan.FromSeconds((double)BatchSize / Math.Max(1, PerSecond) + 1) + Timeout)
            yield return "Oms:Sms:ClaimTimeout must be longer than a batch takes to send (BatchSize / PerSecond seconds, plus Timeout).";
        if (string.IsNullOrWhiteSpace(SmoName)) yield return "Oms:Sms:SmoName is not set.";
        if (string.IsNullOrWhiteSpace(SmoPhone)) yield return "Oms:Sms:SmoPhone is not set.";
        else if (!string.IsNullOrWhiteSpace(SmoName) && ReminderTexts.Longest(SmoName, SmoPhone) > ReminderTexts.MaxLength)
            yield return $"Oms:Sms:SmoName and SmoPhone are too long: the shortest reminder would not fit {ReminderTexts.MaxLength} characters (two SMS).";
    }
}
