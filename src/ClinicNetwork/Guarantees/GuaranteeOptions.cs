namespace Platform.ClinicNetwork.Guarantees;

/// <summary>Section <c>Guarantees</c>: what a guarantee letter says about the assistance company, its links and its e-mail.</summary>
public sealed class GuaranteeOptions
{
    /// <summary>The assistance company's name, on the letter and as its signature.</summary>
    public string? AssistanceName { get; set; }

    /// <summary>The assistance company's 24/7 telephone, on the letter.</summary>
    public string? AssistancePhone { get; set; }

    /// <summary>
    /// The public address of the clinic network's API through the gateway (e.g. <c>https://api.example.com/api/clinics</c>):
    /// the letter's verification and acknowledgement link is <c>{PublicBaseUrl}/guarantees/acknowledge?token=...</c>.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The key the links are signed with (HMAC-SHA256): at least 32 characters, the same on every replica.</summary>
    public string? LinkSecret { get; set; }

    /// <summary>How long a link in a letter or e-mail stays valid.</summary>
    public TimeSpan LinkValidFor { get; set; } = TimeSpan.FromDays(60);

    /// <summary>The sender of the e-mails to clinics (name and address).</summary>
    public string? MailFrom { get; set; }

    /// <summary>An e-mail is retried for this long (mail server down) before it is marked failed.</summary>
    public TimeSpan MailRetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait after the first failed attempt, doubled after each, up to <see cref="MailMaxBackoff"/>.</summary>
    public TimeSpan MailInitialBackoff { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MailMaxBackoff { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The e-mails' retries as the platform's retry schedule (with its 20 % jitter).</summary>
    public Platform.Messaging.IRetrySchedule MailRetries => new Platform.Messaging.RetryWindow(MailRetryFor, MailInitialBackoff, MailMaxBackoff);

    /// <summary>How often due e-mails are looked for (each replica; rows are claimed, so replicas share the work).</summary>
    public TimeSpan MailPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the mail server has to answer one step (connect, send).</summary>
    public TimeSpan MailTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often letters whose period has ended are looked for and expired.</summary>
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMinutes(1);

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(AssistanceName)) yield return "Guarantees:AssistanceName is not set.";
        if (string.IsNullOrWhiteSpace(AssistancePhone)) yield return "Guarantees:AssistancePhone is not set.";
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return "Guarantees:PublicBaseUrl must be an absolute http(s) address (the clinic network's API through the gateway).";
        if ((LinkSecret?.Length ?? 0) < 32) yield return "Guarantees:LinkSecret must be at least 32 characters.";
        if (string.IsNullOrWhiteSpace(MailFrom) || !MimeKit.MailboxAddress.TryParse(MailFrom, out _))
            yield return "Guarantees:MailFrom must be a sender such as 'Assistance <assist@example.com>'.";
    }
}
