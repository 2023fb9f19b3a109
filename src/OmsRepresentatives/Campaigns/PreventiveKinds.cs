namespace Platform.OmsRepresentatives.Campaigns;

/// <summary>
/// The preventive measures the insured are invited to and the regulator's informing report counts (Minzdrav order 404n):
/// the yearly preventive check-up, dispanserization (stage 1), the in-depth dispanserization and dispensary
/// observation visits. Who is due in a year is one SQL function, <c>oms_due_kinds</c> (migration 0001), used by the
/// campaign planner and the report alike.
/// </summary>
public static class PreventiveKinds
{
    public const string Checkup = "checkup", Dispanserization = "dispanserization", InDepth = "in-depth", Dispensary = "dispensary";

    public static readonly IReadOnlyList<string> All = [Checkup, Dispanserization, InDepth, Dispensary];

    public static string NameRu(string kind) => kind switch
    {
        Checkup => "Профилактический медицинский осмотр",
        Dispanserization => "Диспансеризация (первый этап)",
        InDepth => "Углублённая диспансеризация",
        Dispensary => "Диспансерное наблюдение",
        _ => kind,
    };
}
