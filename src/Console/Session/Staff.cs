using System.Security.Claims;
using PlatformRoles = Microsoft.Extensions.Hosting.Roles;

namespace Platform.Console.Session;

/// <summary>
/// The person signed in to the console, as the console's cookie carries them: who the gateway verified them to be
/// (<c>GET /auth/me</c>), their staff token (sent with every call through the gateway, never shown), and the time zone
/// their browser is in (times on screen are in it).
/// </summary>
public sealed record Staff(string ActorId, string Name, string Tenant, IReadOnlyList<string> Roles, string Token,
    DateTimeOffset ExpiresAt, TimeZoneInfo TimeZone)
{
    public const string TokenClaim = "access_token";
    public const string TimeZoneClaim = "tz";
    public const string ExpiresClaim = "token_expires";

    /// <summary>The roles the console is for; an insurer's or a clinic's credential does not open it.</summary>
    public static readonly IReadOnlyList<string> ConsoleRoles =
        [PlatformRoles.Coordinator, PlatformRoles.Doctor, PlatformRoles.Supervisor, .. PlatformRoles.Oms];

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>Whether the person's roles grant an access class of the platform (one matrix: <see cref="Access.RolesOf"/>);
    /// the console shows only what the services will allow.</summary>
    public bool May(string accessClass) => Access.RolesOf[accessClass].Any(Has);

    /// <summary>Cases and their briefings (coordinators, doctors, supervisors).</summary>
    public bool ReadsCases => May(Access.ReadCases);

    /// <summary>The work queue, a case's status, coordinator, tasks and plan.</summary>
    public bool WorksCases => May(Access.WorkCases);

    /// <summary>Recording medical details and reviewing documents.</summary>
    public bool Treats => May(Access.Clinical);

    /// <summary>Registering an appeal from a call.</summary>
    public bool TakesCalls => May(Access.TakeCalls);

    public bool Supervises => May(Access.Supervise);

    public bool WorksOms => May(Access.OmsAppeals);

    /// <summary>Records interventions with the medical organisation (tier 2 and up).</summary>
    public bool DefendsOmsRights => May(Access.OmsRights);

    /// <summary>Orders and concludes expertises of quality (tier 3 and the supervisor).</summary>
    public bool OrdersOmsExpertise => May(Access.OmsExpertise);

    public bool SupervisesOms => May(Access.OmsSupervise);

    public DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone);

    public static Staff? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        string? Claim(string type) => user.FindFirst(type)?.Value;
        if (Claim(DevTokens.SubjectClaim) is not { } actor || Claim(DevTokens.TenantClaim) is not { } tenant ||
            Claim(TokenClaim) is not { } token) return null;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(Claim(TimeZoneClaim) ?? "", out var found) ? found : TimeZoneInfo.Utc;
        var expires = DateTimeOffset.TryParse(Claim(ExpiresClaim), out var at) ? at : DateTimeOffset.MaxValue;
        return new Staff(actor, Claim(ClaimTypes.Name) ?? actor, tenant,
            user.FindAll(DevTokens.RoleClaim).Select(c => c.Value).ToArray(), token, expires, zone);
    }

    public IEnumerable<Claim> ToClaims()
    {
        yield return new Claim(DevTokens.SubjectClaim, ActorId);
        yield return new Claim(ClaimTypes.Name, Name);
        yield return new Claim(DevTokens.TenantClaim, Tenant);
        foreach (var role in Roles) yield return new Claim(DevTokens.RoleClaim, role);
        yield return new Claim(TokenClaim, Token);
        yield return new Claim(ExpiresClaim, ExpiresAt.ToString("O"));
        yield return new Claim(TimeZoneClaim, TimeZone.Id);
    }
}
