using Npgsql;
using NpgsqlTypes;

namespace Platform.ClinicNetwork.Quality;

public static class QualityKinds
{
    public const string FollowUp = "follow-up";
    public const string Complaint = "complaint";
    public const string HelpOrganised = "help-organised";
    public const string GopRefusal = "gop-refusal";
    public const string InvoiceDispute = "invoice-dispute";

    /// <summary>The kinds recorded through <c>POST /clinics/{code}/quality/events</c> (follow-ups have their own route).</summary>
    [EnumSchema("QualityEventKind")]
    public static readonly string[] Events = [Complaint, HelpOrganised, GopRefusal, InvoiceDispute];

    public static readonly string[] All = [FollowUp, .. Events];
}

/// <summary>The results of a follow-up call to the insured after care (openIMIS-style).</summary>
public sealed record FollowUp(bool CareRendered, bool PaymentAskedOfPatient, decimal? PaymentAmount, string? PaymentCurrency,
    bool? DrugsReceived, int? Assessment);

/// <summary>
/// The quality score of a clinic, 0-100, from its events. Each event has a signal s (0 bad to 1 good) and a weight w
/// by kind, discounted by age with a half-life of <see cref="HalfLifeDays"/> days: w·0.5^(age/180). The score is
/// 100·(P·p + Σ w·s) / (P + Σ w): the events' weighted mean pulled towards a prior p = 0.75 with the weight P = 2 of
/// two fresh follow-ups, so a clinic with no history scores 75 and one bad call does not sink a clinic to 0.
/// </summary>
public static class ClinicQuality
{
    public const double HalfLifeDays = 180;
    public const double Prior = 0.75;
    public const double PriorWeight = 2;
    public const int NeutralScore = 75;

    /// <summary>Within this many minutes help organised counts fully good; at <see cref="HelpBadMinutes"/> and beyond, bad.</summary>
    public const int HelpGoodMinutes = 60, HelpBadMinutes = 240;

    public static int Score(double weight, double good) =>
        (int)Math.Round(100 * (PriorWeight * Prior + good) / (PriorWeight + weight), MidpointRounding.AwayFromZero);

    /// <summary>The SQL for an event's weight after decay, at the instant <c>@now</c>.</summary>
    public const string DecayedWeight =
        "e.weight * power(0.5, greatest(0, extract(epoch FROM @now - e.occurred_at)) / (180 * 86400))"; // 180: HalfLifeDays

    /// <summary>The weight of each kind before decay: a complaint counts twice a follow-up call.</summary>
    public static double WeightOf(string kind) => kind switch
    {
        QualityKinds.FollowUp => 1,
        QualityKinds.Complaint => 2,
        QualityKinds.HelpOrganised => 0.5,
        QualityKinds.GopRefusal => 1.5,
        QualityKinds.InvoiceDispute => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Not one of {string.Join(", ", QualityKinds.All)}."),
    };

    /// <summary>A follow-up's signal: the mean of care rendered, no payment asked, drugs received (when asked) and the assessment / 5 (when given).</summary>
    public static double SignalOf(FollowUp f)
    {
        var parts = new List<double> { f.CareRendered ? 1 : 0, f.PaymentAskedOfPatient ? 0 : 1 };
        if (f.DrugsReceived is { } drugs) parts.Add(drugs ? 1 : 0);
        if (f.Assessment is { } assessment) parts.Add(assessment / 5.0);
        return parts.Average();
    }

    /// <summary>Help organised within an hour is good, after four hours bad, linear in between.</summary>
    public static double SignalOfMinutes(int minutes) =>
        Math.Clamp(1 - (minutes - HelpGoodMinutes) / (double)(HelpBadMinutes - HelpGoodMinutes), 0, 1);

    /// <summary>
    /// Records a quality event of <paramref name="kind"/> (complaint, help-organised with <paramref name="minutes"/>,
    /// gop-refusal, invoice-dispute) for a clinic of the tenant, inside the caller's transaction, so another feature
    /// (guarantee letters recording a refusal) commits it with its own change. False when the clinic is not the tenant's.
    /// </summary>
    public static Task<bool> RecordAsync(NpgsqlTransaction transaction, string tenantId, Guid clinicId, string kind,
        DateTimeOffset occurredAt, string? caseNumber = null, string? note = null, int? minutes = null, string? actor = null,
        CancellationToken ct = default)
    {
        if (kind == QualityKinds.FollowUp) throw new ArgumentException("Record follow-up calls with RecordFollowUpAsync.", nameof(kind));
        if (kind == QualityKinds.HelpOrganised && minutes is not >= 0)
            throw new ArgumentException("help-organised takes the minutes from the appeal to help organised.", nameof(minutes));
        var signal = kind == QualityKinds.HelpOrganised ? SignalOfMinutes(minutes!.Value) : 0;
        return InsertAsync(transaction, tenantId, clinicId, kind, occurredAt, signal, caseNumber, note, minutes, null, actor, ct);
    }

    /// <summary>Records the results of a follow-up call, inside the caller's transaction; false when the clinic is not the tenant's.</summary>
    public static Task<bool> RecordFollowUpAsync(NpgsqlTransaction transaction, string tenantId, Guid clinicId, FollowUp followUp,
        DateTimeOffset occurredAt, string? caseNumber = null, string? note = null, string? actor = null, CancellationToken ct = default) =>
        InsertAsync(transaction, tenantId, clinicId, QualityKinds.FollowUp, occurredAt, SignalOf(followUp), caseNumber, note, null,
            followUp, actor, ct);

    private static async Task<bool> InsertAsync(NpgsqlTransaction transaction, string tenantId, Guid clinicId, string kind,
        DateTimeOffset occurredAt, double signal, string? caseNumber, string? note, int? minutes, FollowUp? f, string? actor,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO clinic_quality_events (tenant_id, clinic_id, kind, occurred_at, recorded_at, signal, weight, case_number,
                minutes, care_rendered, payment_asked, payment_amount, payment_currency, drugs_received, assessment, note, actor)
            SELECT @tenant, id, @kind, @occurred, now(), @signal, @weight, @case, @minutes, @care, @payment, @amount, @currency,
                @drugs, @assessment, @note, @actor
            FROM clinics WHERE id = @clinic AND tenant_id = @tenant
            """, transaction.Connection, transaction);
        var p = cmd.Parameters;
        p.AddWithValue("tenant", tenantId);
        p.AddWithValue("clinic", clinicId);
        p.AddWithValue("kind", kind);
        p.AddWithValue("occurred", occurredAt);
        p.AddWithValue("signal", signal);
        p.AddWithValue("weight", WeightOf(kind));
        p.Add(new NpgsqlParameter<string?>("case", caseNumber));
        p.Add(new NpgsqlParameter<int?>("minutes", minutes));
        p.Add(new NpgsqlParameter<bool?>("care", f?.CareRendered));
        p.Add(new NpgsqlParameter<bool?>("payment", f?.PaymentAskedOfPatient));
        p.Add(new NpgsqlParameter<decimal?>("amount", f?.PaymentAmount));
        p.Add(new NpgsqlParameter<string?>("currency", f?.PaymentCurrency) { NpgsqlDbType = NpgsqlDbType.Char });
        p.Add(new NpgsqlParameter<bool?>("drugs", f?.DrugsReceived));
        p.Add(new NpgsqlParameter<short?>("assessment", (short?)f?.Assessment));
        p.Add(new NpgsqlParameter<string?>("note", note));
        p.Add(new NpgsqlParameter<string?>("actor", actor));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }
}
