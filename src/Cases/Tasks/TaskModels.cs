namespace Platform.Cases.Tasks;

/// <summary>
/// A task of a case. <c>Overdue</c>: open and past due; <c>OnTime</c>: done by its due time (null while not done);
/// <c>EscalatedTo</c>: the queue told when it went overdue (the owner keeps it).
/// </summary>
public sealed record TaskResponse(
    Guid Id,
    Guid CaseId,
    string CaseNumber,
    [property: OneOf(typeof(TaskKinds), nameof(TaskKinds.All))] string Kind,
    string Title,
    DateTimeOffset DueAt,
    string? Owner,
    [property: OneOf(typeof(TaskStatuses), nameof(TaskStatuses.All))] string Status,
    bool Overdue,
    bool? OnTime,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? CompletedBy,
    string? Note,
    [property: OneOf(typeof(CallResults), nameof(CallResults.All))] string? Result,
    DateTimeOffset? EscalatedAt,
    string? EscalatedTo);

/// <summary>A task a coordinator sets by hand. <c>Kind</c>: callback, control-call, document-chase or other.</summary>
public sealed record CreateTaskRequest([property: OneOf(typeof(TaskKinds), nameof(TaskKinds.Manual))] string? Kind, string? Title, DateTimeOffset? DueAt, string? Owner);

/// <summary>
/// A supervisor gives one open task to someone else: <c>Owner</c> is their actor id (as the gateway names staff);
/// <c>Reason</c>, optional, is kept on the case's timeline.
/// </summary>
public sealed record ReassignTaskRequest(string? Owner, string? Reason);

/// <summary>
/// Completing a task: <c>Result</c> is how the call went (reached, no-answer, left-message), which a control call must
/// record and a callback may; <c>Note</c> is the free text of what was done or agreed. <c>Outcome</c> is the note's
/// former name, still read when <c>Note</c> is left out.
/// </summary>
public sealed record CompleteTaskRequest(
    string? Note,
    [property: OneOf(typeof(CallResults), nameof(CallResults.All))] string? Result,
    [property: System.ComponentModel.Description("Deprecated: the former name of note, read only when note is left out.")] string? Outcome = null);

public static class CallResults
{
    public const string Reached = "reached";
    public const string NoAnswer = "no-answer";
    public const string LeftMessage = "left-message";
    public static readonly string[] All = [Reached, NoAnswer, LeftMessage];
}
