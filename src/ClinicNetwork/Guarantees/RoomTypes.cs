namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// What accommodation the guarantee pays for: <c>not-applicable</c> (out-patient care), <c>ward</c> (a shared room),
/// <c>semi-private</c> (two beds), <c>private</c> (a single room), <c>intensive-care</c>.
/// </summary>
public static class RoomTypes
{
    public const string NotApplicable = "not-applicable";
    public const string Ward = "ward";
    public const string SemiPrivate = "semi-private";
    public const string Private = "private";
    public const string IntensiveCare = "intensive-care";

    public static readonly string[] All = [NotApplicable, Ward, SemiPrivate, Private, IntensiveCare];

    public static string Text(string roomType, bool russian) => (roomType, russian) switch
    {
        (NotApplicable, false) => "not applicable (out-patient)",
        (NotApplicable, true) => "не требуется (амбулаторно)",
        (Ward, false) => "standard ward",
        (Ward, true) => "общая палата",
        (SemiPrivate, false) => "semi-private room (two beds)",
        (SemiPrivate, true) => "двухместная палата",
        (Private, false) => "private room",
        (Private, true) => "одноместная палата",
        (IntensiveCare, false) => "intensive care",
        (IntensiveCare, true) => "реанимация / интенсивная терапия",
        _ => roomType,
    };
}

/// <summary>Where a letter is: <c>issued</c> (in force), <c>revoked</c> (withdrawn), <c>expired</c> (its period ended).</summary>
public static class LetterStatuses
{
    public const string Issued = "issued";
    public const string Revoked = "revoked";
    public const string Expired = "expired";

    public static readonly string[] All = [Issued, Revoked, Expired];
}

/// <summary>The clinic's answer to a letter.</summary>
public static class AcknowledgementDecisions
{
    public const string Accepted = "accepted";
    public const string Refused = "refused";

    public static readonly string[] All = [Accepted, Refused];
}

/// <summary>An e-mail carrying a letter: <c>pending</c> (being sent or retried), <c>sent</c>, <c>failed</c> (given up; see its error).</summary>
public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";

    public static readonly string[] All = [Pending, Sent, Failed];
}
