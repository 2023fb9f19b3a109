using Platform.Console.Session;

namespace Platform.Console.Api;

// The OMS representatives' service (api/oms/...): the parts of its answers the OMS screens show, and the bodies they send.

/// <summary>Where an appeal stands against the law's clock; <c>DaysLeft</c> in the SMO's calendar days.</summary>
public sealed record OmsClockView(DateTimeOffset RegisteredAt, DateTimeOffset? DueAt, DateTimeOffset? ExtendedTo, int? DaysLeft, string State);

/// <summary>One appeal of a work queue (GET api/oms/appeals) or of the clock board.</summary>
public sealed record OmsAppealSummary(string Number, string Channel, string Kind, int Tier, string Status, string ApplicantName, string Summary,
    DateTimeOffset RegisteredAt, int Contacts, OmsClockView Clock);

public sealed record OmsAppealPage(IReadOnlyList<OmsAppealSummary> Items, int Page, int PageSize, long Total);

public sealed record OmsApplicant(string? Name, string? Phone, string? Email, string? Address);

public sealed record OmsEventView(DateTimeOffset At, string Actor, string Kind, int? FromTier, int? ToTier, string? Text);

public sealed record OmsInterventionView(long Id, string Organisation, string ContactPerson, DateTimeOffset ContactedAt, string Agreed,
    string Outcome, string CreatedBy, DateTimeOffset CreatedAt);

public sealed record OmsExpertiseView(long Id, string Organisation, string Reason, string Expert, DateTimeOffset OrderedAt, DateOnly DueOn,
    DateTimeOffset? ConcludedAt, string? Findings, bool? Violations, bool Overdue);

public sealed record OmsTaskView(long Id, string AppealNumber, string Kind, DateTimeOffset DueAt, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset? DoneAt, string? DoneBy);

public sealed record OmsExtensionView(DateTimeOffset ExtendedTo, string Reason, DateTimeOffset? NoticeSentAt, string? Notice);

public sealed record OmsAnswerView(DateTimeOffset AnsweredAt, string Text, string Outcome, bool? Justified, bool FirstContact, bool Late);

/// <summary>The whole appeal (GET api/oms/appeals/{number}) as every action answers it.</summary>
public sealed record OmsAppealView(
    string Number, string Channel, bool Written, string Kind, string KindName, bool Complaint, int Tier, string Status, string? Enp,
    OmsApplicant Applicant, string Summary, string? Organisation, DateTimeOffset ReceivedAt, bool RegisteredLate, int? WaitSeconds,
    int Contacts, string CreatedBy, OmsClockView Clock, OmsExtensionView? Extension, OmsAnswerView? Answer,
    IReadOnlyList<OmsEventView> History, IReadOnlyList<OmsInterventionView> Interventions, IReadOnlyList<OmsExpertiseView> Expertises,
    IReadOnlyList<OmsTaskView> Tasks)
{
    public bool Open => Status == "open";
}

/// <summary>A knowledge-base article (GET api/oms/knowledge?q=).</summary>
public sealed record OmsArticle(string Code, string Kind, string Question, string Answer, double? Rank);

public sealed record OmsClockCounts(long Overdue, long DueSoon, long OnTime);

/// <summary>The supervisors' board (GET api/oms/clock).</summary>
public sealed record OmsClockBoard(DateTimeOffset Now, OmsClockCounts Counts, IReadOnlyList<OmsAppealSummary> Appeals, IReadOnlyList<OmsTaskView> Tasks);

public sealed record OmsCampaignSummary(long Id, string Name, int Year, IReadOnlyList<string> Kinds, DateOnly StartsOn, int SmsPerDay, int CallsPerDay,
    int ClinicPerDay, string Status, int PlannedCount, int Days, string CreatedBy, DateTimeOffset CreatedAt);

public sealed record OmsKindFigures(string Kind, string Channel, int Planned, int Sent, int Delivered, int Undelivered, int Reached, int Attended,
    int Refused, int Unreachable, int Cancelled);

public sealed record OmsDayFigures(DateOnly Day, int Sms, int Calls);

/// <summary>A campaign with its figures (GET api/oms/campaigns/{id}).</summary>
public sealed record OmsCampaignView(OmsCampaignSummary Campaign, IReadOnlyList<OmsKindFigures> Figures, IReadOnlyList<OmsDayFigures> PerDay);

public sealed record OmsSmsWindow(TimeSpan From, TimeSpan Until, bool Open);

public sealed record OmsSmsProvider(string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? LastSuccessAt);

/// <summary>Today's reminder SMS in the SMO's calendar (GET api/oms/sms/status).</summary>
public sealed record OmsSmsStatus(DateOnly Date, string TimeZone, int Pending, int Sending, int Sent, int Delivered, int Undelivered,
    int OverduePending, OmsSmsWindow Window, OmsSmsProvider Provider);

// Bodies of the actions on an appeal.
public sealed record OmsAnswerBody(string Answer, string Outcome, bool? Justified, string? ArticleCode);

public sealed record OmsEscalateBody(int ToTier, string Reason, string? Kind);

public sealed record OmsReturnBody(int ToTier, string Note);

public sealed record OmsContactBody(string Channel, string Note);

public sealed record OmsExtendBody(int Days, string Reason);

public sealed record OmsInterventionBody(string Organisation, string ContactPerson, DateTimeOffset ContactedAt, string Agreed, string Outcome);

public sealed record OmsInterventionUpdateBody(string Outcome, string? Agreed);

public sealed record OmsExpertiseBody(string Organisation, string Reason, string Expert, DateOnly DueOn);

public sealed record OmsConclusionBody(string Findings, bool Violations);

/// <summary>
/// What an OMS representative may do, as the OMS service decides it (ServiceDefaults/Access.cs and its AtTier rule): each
/// tier acts on the appeals at its tier, the supervisor on any; interventions are tier 2 and up, expertises tier 3.
/// </summary>
public static class OmsAccess
{
    /// <summary>The OMS vocabularies the screens offer (the service's AppealKinds, AppealChannels, AppealOutcomes, InterventionOutcomes).</summary>
    public static readonly IReadOnlyList<(string Code, int Tier, bool Complaint)> Kinds =
    [
        ("policy", 1, false), ("clinic-choice", 1, false), ("out-of-region", 1, false), ("programme", 1, false), ("preventive-care", 1, false),
        ("other-question", 1, false), ("refused-care", 2, true), ("paid-services", 2, true), ("waiting-time", 2, true), ("hospitalisation", 2, true),
        ("attachment-refused", 2, true), ("care-quality", 3, true), ("dispensary", 3, false), ("medical-advice", 3, false),
    ];

    public static readonly IReadOnlyList<string> Channels = ["phone", "chat", "letter", "email", "portal"];
    public static readonly IReadOnlyList<string> Outcomes = ["resolved", "partially-resolved", "not-resolved", "explained", "redirected"];
    public static readonly IReadOnlyList<string> InterventionOutcomes = ["pending", "resolved", "partially-resolved", "refused"];

    /// <summary>The tiers whose appeals the person works (1-3); the supervisor's are all three.</summary>
    public static IReadOnlyList<int> Tiers(Staff staff) =>
        staff.Has(Roles.OmsSupervisor) ? [1, 2, 3] : [.. Enumerable.Range(1, 3).Where(t => staff.Has(Roles.Oms[t - 1]))];


    /// <summary>Acts on an appeal at <paramref name="tier"/>: that tier's representative or the supervisor.</summary>
    public static bool AtTier(Staff staff, int tier) => staff.Has(Roles.OmsSupervisor) || staff.Has(Roles.Oms[tier - 1]);
}
