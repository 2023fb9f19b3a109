namespace Platform.Console.Api;

// The parts of the supervisors' answers the board shows: GET /api/cases/supervisor/figures, /api/cases/tasks/overdue,
// /api/cases/coordinators/load and /api/intake/appeals/figures. Named Board* so they stay apart from other screens' records.

/// <summary>The service level over [From, To) (Cases' SupervisorFiguresResponse).</summary>
public sealed record BoardFigures(
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset At,
    BoardTimeliness Callbacks,
    BoardTimeliness ControlCalls,
    BoardFirstContact TimeToFirstContact,
    string OpenCasesGroupedBy,
    IReadOnlyList<BoardOpenCases> OpenCasesPerCoordinator,
    BoardOverdueCount OverdueTasks);

/// <summary>Tasks due in the period: done on time, done late, overdue and still open, not yet due.</summary>
public sealed record BoardTimeliness(long OnTime, long Late, long OverdueOpen, long NotYetDue, double? OnTimePercent);

public sealed record BoardFirstContact(long CasesOpened, long CasesContacted, double? MedianMinutes, double? P90Minutes);

/// <summary>Open cases of a coordinator; <c>Coordinator</c> null: cases nobody is responsible for yet.</summary>
public sealed record BoardOpenCases(string? Coordinator, long OpenCases);

public sealed record BoardOverdueCount(long OpenNow, long EscalatedInPeriod);

/// <summary>An open task past due (Cases' TaskResponse).</summary>
public sealed record BoardTask(
    Guid Id,
    string CaseNumber,
    string Kind,
    string Title,
    DateTimeOffset DueAt,
    string? Owner,
    string Status,
    DateTimeOffset? EscalatedAt,
    string? EscalatedTo);

/// <summary>A coordinator's open cases, of them in hospital, and their overdue tasks (GET /coordinators/load).</summary>
public sealed record BoardLoad(string Coordinator, int OpenCases, int Hospitalised, int OverdueTasks);

/// <summary>Appeals registered over [From, To): per channel, and per UTC hour (hours without appeals left out).</summary>
public sealed record BoardAppealFigures(
    DateTimeOffset From,
    DateTimeOffset To,
    long Total,
    IReadOnlyList<BoardChannelCount> Channels,
    IReadOnlyList<BoardHour> Hours);

public sealed record BoardChannelCount(string Channel, long Appeals);

public sealed record BoardHour(DateTimeOffset Hour, long Appeals, IReadOnlyList<BoardChannelCount> Channels);

/// <summary>PUT /api/cases/tasks/{id}/owner.</summary>
public sealed record BoardReassignTask(string Owner, string? Reason);

/// <summary>PUT /api/cases/cases/{number}/coordinator.</summary>
public sealed record BoardAssignCoordinator(string Coordinator, string? Note);

/// <summary>The case as PUT /coordinator answers it: only what the board says back.</summary>
public sealed record BoardCase(string Number, string? Coordinator);
