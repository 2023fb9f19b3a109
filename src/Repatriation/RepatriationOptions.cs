namespace Platform.Repatriation;

/// <summary>
/// Section <c>Repatriation</c>: who the assistance company is on a MEDIF and in a booking request, where a provider's
/// confirmation link points, and the key it is signed with.
/// </summary>
public sealed class RepatriationOptions
{
    public const string Section = "Repatriation";

    /// <summary>The assistance company's name: part 1 of a MEDIF is filled on its behalf, booking requests come from it.</summary>
    public string? AssistanceName { get; set; }

    /// <summary>The assistance company's 24/7 telephone, on the MEDIF and in booking requests.</summary>
    public string? AssistancePhone { get; set; }

    /// <summary>
    /// The public address of this service's API through the gateway (e.g. <c>https://api.example.com/api/repatriation</c>):
    /// a booking request's confirmation link is <c>{PublicBaseUrl}/bookings/confirm?token=...</c>.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The key the confirmation links are signed with (HMAC-SHA256): at least 32 characters, the same on every replica.</summary>
    public string? LinkSecret { get; set; }

    /// <summary>How long a booking request's link stays valid.</summary>
    public TimeSpan LinkValidFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The sender of booking requests (name and address).</summary>
    public string? MailFrom { get; set; }

    /// <summary>A booking request is retried for this long (mail server down) before it is marked failed.</summary>
    public TimeSpan MailRetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often due booking requests are looked for (each replica; rows are claimed, so replicas share the work).</summary>
    public TimeSpan MailPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(AssistanceName)) yield return "Repatriation:AssistanceName is not set.";
        if (string.IsNullOrWhiteSpace(AssistancePhone)) yield return "Repatriation:AssistancePhone is not set.";
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return "Repatriation:PublicBaseUrl must be an absolute http(s) address (this service's API through the gateway).";
        if ((LinkSecret?.Length ?? 0) < 32) yield return "Repatriation:LinkSecret must be at least 32 characters.";
        if (string.IsNullOrWhiteSpace(MailFrom) || !MimeKit.MailboxAddress.TryParse(MailFrom, out _))
            yield return "Repatriation:MailFrom must be a sender such as 'Assistance <assist@example.com>'.";
    }
}
