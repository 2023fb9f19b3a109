using Platform.Console.Session;

namespace Platform.Console.Api;

/// <summary>
/// What the person may do on a case, by the platform's access classes (ServiceDefaults' <see cref="Access"/>): the screen
/// shows only the actions the Cases service would allow them, so nobody presses a button that can only be refused.
/// </summary>
public static class CaseAccess
{
    private static bool In(Staff? staff, string policy) => staff is not null && Access.RolesOf[policy].Any(staff.Has);

    /// <summary>Read the case, its briefing, documents, timeline and the other services' panels.</summary>
    public static bool MayRead(Staff? staff) => In(staff, Access.ReadCases);

    /// <summary>Take the case, change its status, complete tasks, move the settlement plan on.</summary>
    public static bool MayWork(Staff? staff) => In(staff, Access.WorkCases);

    /// <summary>Record medical details and review documents.</summary>
    public static bool MayTreat(Staff? staff) => In(staff, Access.Clinical);

    /// <summary>Send documents on the case (upload).</summary>
    public static bool MayTakeCalls(Staff? staff) => In(staff, Access.TakeCalls);
}
