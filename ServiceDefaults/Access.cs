using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The roles callers carry: insurer API keys are <see cref="Insurer"/>, a clinic's API key is <see cref="Clinic"/> (its
/// actor id is <c>clinic:{code}</c>, the clinic's code in the tenant's network); staff tokens name theirs (never clinic).
/// </summary>
public static class Roles
{
    public const string Insurer = "insurer";
    public const string Coordinator = "coordinator";
    public const string Doctor = "doctor";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";
    public const string Clinic = "clinic";

    /// <summary>OMS insurance representatives of an SMO (a Russian compulsory medical insurer): tier 1 answers typical questions, tier 2 protects rights, tier 3 are doctor-experts.</summary>
    public const string OmsTier1 = "oms-tier1";
    public const string OmsTier2 = "oms-tier2";
    public const string OmsTier3 = "oms-tier3";

    /// <summary>The supervisor of an SMO's contact centre: the law's clock, figures, campaigns, reports, staffing.</summary>
    public const string OmsSupervisor = "oms-supervisor";

    public static readonly IReadOnlyList<string> All = [Insurer, Coordinator, Doctor, Supervisor, Admin, Clinic, OmsTier1, OmsTier2, OmsTier3, OmsSupervisor];

    /// <summary>The OMS representatives' roles, tier 1 to 3 in order, then the supervisor.</summary>
    public static readonly IReadOnlyList<string> Oms = [OmsTier1, OmsTier2, OmsTier3, OmsSupervisor];

    /// <summary>The actor id of a clinic's API key: <c>clinic:{code}</c>.</summary>
    public const string ClinicActorPrefix = "clinic:";
}

/// <summary>
/// Who may do what, by class of operation: every endpoint of a service names one of these policies (a tenant stamped
/// by the gateway and one of the roles); an endpoint that names none is refused (the services' fallback policy).
/// Later services add their classes (and roles such as clinic or oms-tier1) here, so the matrix stays in one place.
/// </summary>
public static class Access
{
    /// <summary>Follow cases, appeals, policies and documents: the insurer whose case it is and the staff working it.</summary>
    public const string ReadCases = "read-cases";

    /// <summary>Pass on a call (register an appeal) and send documents.</summary>
    public const string TakeCalls = "take-calls";

    /// <summary>Work the case: the queue, status, coordinator, contacts, tasks, settlement plan.</summary>
    public const string WorkCases = "work-cases";

    /// <summary>Medical details and the review of documents.</summary>
    public const string Clinical = "clinical";

    /// <summary>Figures, loads and overdue work across the insurer's cases.</summary>
    public const string Supervise = "supervise";

    /// <summary>The insurer's own set-up: policy registers, triage and callback settings, control-call rules, webhooks.</summary>
    public const string ConfigureInsurer = "configure-insurer";

    /// <summary>A clinic of the network, with its own API key: its guarantee letters and their acknowledgement.</summary>
    public const string ActAsClinic = "act-as-clinic";

    /// <summary>Invoices: submit one for a clinic, decide a line by hand, return one for correction, adjudicate again.</summary>
    public const string Adjudicate = "adjudicate";

    /// <summary>Payment orders: record that they were sent, paid or failed.</summary>
    public const string Pay = "pay";

    /// <summary>OMS appeals: register, read and work them at one's tier, the knowledge base, the insured, the campaigns' call lists.</summary>
    public const string OmsAppeals = "oms-appeals";

    /// <summary>OMS rights protection: interventions with a medical organisation (tier 2 and up).</summary>
    public const string OmsRights = "oms-rights";

    /// <summary>OMS quality of care: expertise of quality ordered and concluded, dispensary follow-up (tier 3, the doctor-experts).</summary>
    public const string OmsExpertise = "oms-expertise";

    /// <summary>OMS supervision: the law's clock across appeals, figures, reminder campaigns, the regulator's reports, staffing.</summary>
    public const string OmsSupervise = "oms-supervise";

    /// <summary>The SMO's register of insured persons and the clinics' dispensary lists, loaded by its systems or its supervisor.</summary>
    public const string OmsRegister = "oms-register";

    /// <summary>The SMO's set-up: the knowledge base, staffing norms and the roster.</summary>
    public const string OmsConfigure = "oms-configure";

    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [ReadCases] = [Roles.Insurer, Roles.Coordinator, Roles.Doctor, Roles.Supervisor],
        [TakeCalls] = [Roles.Insurer, Roles.Coordinator, Roles.Doctor, Roles.Supervisor],
        [WorkCases] = [Roles.Coordinator, Roles.Supervisor],
        [Clinical] = [Roles.Coordinator, Roles.Doctor, Roles.Supervisor],
        [Supervise] = [Roles.Supervisor],
        [ConfigureInsurer] = [Roles.Insurer, Roles.Supervisor, Roles.Admin],
        [ActAsClinic] = [Roles.Clinic],
        [Adjudicate] = [Roles.Coordinator, Roles.Doctor, Roles.Supervisor],
        [Pay] = [Roles.Supervisor, Roles.Admin],
        [OmsAppeals] = [Roles.OmsTier1, Roles.OmsTier2, Roles.OmsTier3, Roles.OmsSupervisor],
        [OmsRights] = [Roles.OmsTier2, Roles.OmsTier3, Roles.OmsSupervisor],
        [OmsExpertise] = [Roles.OmsTier3, Roles.OmsSupervisor],
        [OmsSupervise] = [Roles.OmsSupervisor],
        [OmsRegister] = [Roles.Insurer, Roles.OmsSupervisor, Roles.Admin],
        [OmsConfigure] = [Roles.OmsSupervisor, Roles.Admin],
    };

    internal static AuthorizationBuilder AddAccessPolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (policy, roles) in RolesOf)
            authorization.AddPolicy(policy, p => p.RequireClaim(RequestIdentity.TenantClaim).RequireRole(roles));
        // Deny by default: an endpoint that declares no policy (and is not explicitly anonymous) answers 403. Routing's
        // own answers (405 for a wrong method, 415 for a wrong media type) are no route endpoints and keep their status.
        return authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.Resource is HttpContext http && http.GetEndpoint() is not RouteEndpoint)
            .Build());
    }

    /// <summary>Who may call the endpoints of this builder (a group or one endpoint): one of <see cref="Access"/>'s classes.</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        RolesOf.ContainsKey(policy)
            ? builder.RequireAuthorization(policy)
            : throw new ArgumentException($"'{policy}' is not one of the access classes in {nameof(Access)}.", nameof(policy));
}
