using Microsoft.Extensions.Options;
using Npgsql;
using Platform.OmsRepresentatives.Profile;

namespace Platform.OmsRepresentatives.Appeals;

/// <summary>
/// Section <c>Oms:Appeals</c> (the law's clock), together with the SMO whose appeals they are: its name, phone and
/// time zone come from its profile (<see cref="SmoProfiles"/>), not from settings, as every SMO of the platform signs
/// its own letters and counts days in its own region. A handler parameter of this type receives both for the caller's
/// SMO (<see cref="BindAsync"/>).
/// </summary>
public sealed class AppealOptions
{
    public const string Section = "Oms:Appeals";

    /// <summary>The SMO whose appeals these are (its profile; the default one until bound to a caller's SMO).</summary>
    public SmoProfile Smo { get; private init; } = SmoProfile.Default;

    /// <summary>The SMO's time zone (IANA): dates on letters, days left on the clock, the figures' days.</summary>
    public string TimeZone => Smo.TimeZone;

    /// <summary>The SMO's name as it signs its letters to citizens (Russian).</summary>
    public string SmoName => Smo.Name;

    /// <summary>The SMO's hotline number, printed on its letters.</summary>
    public string SmoPhone => Smo.Phone;

    /// <summary>A written appeal with this many calendar days or fewer left gets an <c>answer-due-soon</c> task.</summary>
    public int DueSoonDays { get; set; } = 5;

    /// <summary>How often <see cref="AppealClock"/> scans the open appeals.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeZoneInfo Zone => Smo.Zone;

    /// <summary>What is wrong with the settings (empty when they are usable), checked when the service starts.</summary>
    public IEnumerable<string> Problems()
    {
        if (DueSoonDays is < 1 or > 29) yield return "DueSoonDays must be 1 to 29";
        if (ScanInterval < TimeSpan.FromSeconds(1) || ScanInterval > TimeSpan.FromHours(1)) yield return "ScanInterval must be 1 second to 1 hour";
    }

    /// <summary>These settings for <paramref name="smo"/>.</summary>
    public AppealOptions For(SmoProfile smo) => new() { Smo = smo, DueSoonDays = DueSoonDays, ScanInterval = ScanInterval };

    /// <summary>Minimal-API binding: the settings for the SMO of the authenticated caller.</summary>
    public static async ValueTask<AppealOptions?> BindAsync(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<IOptions<AppealOptions>>().Value;
        if (RequestIdentity.FromPrincipal(context.User) is not { } identity) return settings;
        var db = context.RequestServices.GetRequiredService<NpgsqlDataSource>();
        return settings.For(await SmoProfiles.GetAsync(db, identity.TenantId, context.RequestAborted));
    }

    /// <summary>The calendar date of <paramref name="at"/> in the SMO's time zone.</summary>
    public DateOnly LocalDate(DateTimeOffset at) => Smo.DateAt(at);

    /// <summary>The instant the SMO's day <paramref name="date"/> begins.</summary>
    public DateTimeOffset StartOf(DateOnly date) => Smo.StartOf(date);
}
