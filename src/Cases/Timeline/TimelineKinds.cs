using System.Reflection;

namespace Platform.Cases.Timeline;

/// <summary>
/// Every kind of timeline entry: what a webhook subscription may name in <c>events</c>, what the OpenAPI document lists
/// for it, and what <see cref="CaseTimeline"/> accepts (appending an entry of a kind not listed here is a bug, refused
/// at once so that a test catches it, rather than an entry no subscription could ask for).
/// </summary>
public static class TimelineKinds
{
    public const string Appeal = "appeal";
    public const string CaseOpened = "case-opened";
    public const string StatusChanged = "status-changed";
    public const string CoordinatorAssigned = "coordinator-assigned";
    public const string Handover = "handover";
    public const string ContactSaved = "contact-saved";
    public const string MessageToContact = "message-to-contact";
    public const string MessageSent = "message-sent";
    public const string MessageFailed = "message-failed";
    public const string MedicalDetails = "medical-details";
    public const string DocumentReceived = "document-received";
    public const string DocumentReviewed = "document-reviewed";
    public const string PlanSet = "plan-set";
    public const string PlanAdvanced = "plan-advanced";
    public const string TaskCreated = "task-created";
    public const string TaskCompleted = "task-completed";
    public const string TaskCancelled = "task-cancelled";
    public const string TaskEscalated = "task-escalated";
    public const string TaskRescheduled = "task-rescheduled";
    public const string TaskReassigned = "task-reassigned";
    public const string TasksReassigned = "tasks-reassigned";
    public const string GuaranteeLetterIssued = "guarantee-letter-issued";
    public const string GuaranteeLetterAmended = "guarantee-letter-amended";
    public const string GuaranteeLetterRevoked = "guarantee-letter-revoked";
    public const string InvoiceAdjudicated = "invoice-adjudicated";
    public const string CoverageCurrencyMismatch = "coverage-currency-mismatch";
    public const string CoverageThresholdReached = "coverage-threshold-reached";
    public const string RepatriationPlanned = "repatriation-planned";
    public const string RepatriationLegBooked = "repatriation-leg-booked";
    public const string RepatriationCompleted = "repatriation-completed";
    public const string RepatriationCancelled = "repatriation-cancelled";

    /// <summary>The constants above, in order: one list, so a kind added here is known everywhere.</summary>
    public static readonly string[] All = typeof(TimelineKinds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string kind) => Known.Contains(kind);
}
