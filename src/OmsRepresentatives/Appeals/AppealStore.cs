using Npgsql;

namespace Platform.OmsRepresentatives.Appeals;

/// <summary>The citizen who appealed (the insured person or someone on their behalf) and where the answer goes.</summary>
public sealed record Applicant(string? Name, string? Phone, string? Email, string? Address);

/// <summary>Where the appeal stands against the law's clock: days left are calendar days in the SMO's time zone.</summary>
public sealed record AppealClockView(
    DateTimeOffset RegisteredAt, DateTimeOffset? DueAt, DateTimeOffset? ExtendedTo, int? DaysLeft,
    [property: OneOf(typeof(ClockStates), nameof(ClockStates.All))] string State);

/// <summary>One line of the history: who did what, between which tiers, and why.</summary>
public sealed record AppealEventView(DateTimeOffset At, string Actor, string Kind, int? FromTier, int? ToTier, string? Text);

public sealed record InterventionView(long Id, string Organisation, string ContactPerson, DateTimeOffset ContactedAt, string Agreed,
    [property: OneOf(typeof(InterventionOutcomes), nameof(InterventionOutcomes.All))] string Outcome, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>An expertise of the quality of care (ЭКМП); <c>Overdue</c> when its due day passed without a conclusion.</summary>
public sealed record ExpertiseView(long Id, string Organisation, string Reason, string Expert, DateTimeOffset OrderedAt, DateOnly DueOn,
    DateTimeOffset? ConcludedAt, string? Findings, bool? Violations, bool Overdue);

public sealed record OmsTaskView(long Id, string AppealNumber,
    [property: OneOf(typeof(OmsTaskKinds), nameof(OmsTaskKinds.All))] string Kind,
    DateTimeOffset DueAt, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DoneAt, string? DoneBy);

/// <summary>The extension of the deadline (once, at most 30 days) and the notice the citizen was sent.</summary>
public sealed record AppealExtensionView(DateTimeOffset ExtendedTo, string Reason, DateTimeOffset? NoticeSentAt, string? Notice);

/// <summary>The answer to the citizen; <c>Late</c> when it came after the deadline.</summary>
public sealed record AnswerView(DateTimeOffset AnsweredAt, string Text,
    [property: OneOf(typeof(AppealOutcomes), nameof(AppealOutcomes.All))] string Outcome, bool? Justified, bool FirstContact, bool Late);

public sealed record AppealView(
    string Number, string Channel, bool Written, string Kind, string KindName, bool Complaint, int Tier, string Status, string? Enp,
    Applicant Applicant, string Summary, string? Organisation, DateTimeOffset ReceivedAt, bool RegisteredLate, int? WaitSeconds,
    int Contacts, string CreatedBy, AppealClockView Clock, AppealExtensionView? Extension, AnswerView? Answer,
    IReadOnlyList<AppealEventView> History, IReadOnlyList<InterventionView> Interventions, IReadOnlyList<ExpertiseView> Expertises,
    IReadOnlyList<OmsTaskView> Tasks);

/// <summary>An appeal as one row of <c>appeals</c>.</summary>
internal sealed record AppealRow(
    long Id, string Number, string Channel, bool Written, string Kind, int Tier, string Status, string? Enp,
    string ApplicantName, string? ApplicantPhone, string? ApplicantEmail, string? ApplicantAddress, string Summary, string? Organisation,
    DateTimeOffset ReceivedAt, DateTimeOffset RegisteredAt, int? WaitSeconds, DateTimeOffset? DueAt, DateTimeOffset? ExtendedTo,
    string? ExtensionReason, string? ExtensionNotice, DateTimeOffset? NoticeSentAt, DateTimeOffset? AnsweredAt, string? Answer,
    string? Outcome, bool? Justified, bool? FirstContact, int Contacts, string CreatedBy)
{
    /// <summary>The deadline in force: the extended one, else the law's 30 days.</summary>
    public DateTimeOffset? Deadline => ExtendedTo ?? DueAt;

    public bool Answered => Status == "answered";

    /// <summary>A written appeal registered more than 3 days after it arrived (59-FZ gives 3 days).</summary>
    public bool RegisteredLate => Written && RegisteredAt - ReceivedAt > AppealStore.RegistrationAllowance;
}

/// <summary>Reads and writes appeals, always within one tenant.</summary>
internal static class AppealStore
{
    public static readonly TimeSpan RegistrationAllowance = TimeSpan.FromDays(3);
    public static readonly TimeSpan AnswerPeriod = TimeSpan.FromDays(30);

    private const string Columns = """
        id, number, channel, written, kind, tier, status, enp, applicant_name, applicant_phone, applicant_email, applicant_address,
        summary, organisation, received_at, registered_at, wait_seconds, due_at, extended_to, extension_reason, extension_notice,
        notice_sent_at, answered_at, answer, outcome, justified, first_contact, contacts, created_by
        """;

    /// <summary>The appeal by its number, or null (also for another tenant's); <paramref name="transaction"/> given: locked until it ends.</summary>
    public static async Task<AppealRow?> FindAsync(NpgsqlConnection connection, string tenantId, string number, CancellationToken ct,
        NpgsqlTransaction? transaction = null)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {Columns} FROM appeals WHERE tenant_id = @tenant AND number = @number{(transaction is null ? "" : " FOR NO KEY UPDATE")}",
            connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("number", number.Trim().ToUpperInvariant());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    private static AppealRow Read(NpgsqlDataReader r)
    {
        T? N<T>(int i) => r.IsDBNull(i) ? default : r.GetFieldValue<T>(i);
        return new AppealRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), r.GetString(4), r.GetInt16(5), r.GetString(6),
            N<string>(7), r.GetString(8), N<string>(9), N<string>(10), N<string>(11), r.GetString(12), N<string>(13),
            r.GetFieldValue<DateTimeOffset>(14), r.GetFieldValue<DateTimeOffset>(15), r.IsDBNull(16) ? null : r.GetInt32(16),
            r.IsDBNull(17) ? null : r.GetFieldValue<DateTimeOffset>(17), r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18),
            N<string>(19), N<string>(20), r.IsDBNull(21) ? null : r.GetFieldValue<DateTimeOffset>(21),
            r.IsDBNull(22) ? null : r.GetFieldValue<DateTimeOffset>(22), N<string>(23), N<string>(24),
            r.IsDBNull(25) ? null : r.GetBoolean(25), r.IsDBNull(26) ? null : r.GetBoolean(26), r.GetInt32(27), r.GetString(28));
    }

    /// <summary>Appends a line to the appeal's history in <paramref name="transaction"/>.</summary>
    public static async Task AddEventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, long appealId,
        DateTimeOffset at, string actor, string kind, string? text, CancellationToken ct, int? fromTier = null, int? toTier = null)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO appeal_events (tenant_id, appeal_id, at, actor, kind, from_tier, to_tier, text)
            VALUES (@tenant, @appeal, @at, @actor, @kind, @from, @to, @text)
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("appeal", appealId);
        cmd.Parameters.AddWithValue("at", at.ToUniversalTime());
        cmd.Parameters.AddWithValue("actor", actor);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.Add(new NpgsqlParameter<short?>("from", (short?)fromTier));
        cmd.Parameters.Add(new NpgsqlParameter<short?>("to", (short?)toTier));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("text", text));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs one statement in <paramref name="transaction"/>.</summary>
    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.AddRange(parameters);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The columns <see cref="ReadSummary"/> reads, in its order.</summary>
    public const string SummaryColumns =
        "number, channel, kind, tier, status, applicant_name, summary, registered_at, contacts, written, due_at, extended_to, answered_at";

    /// <summary>One appeal of a queue or of the clock board, from a row of <see cref="SummaryColumns"/>.</summary>
    public static AppealSummary ReadSummary(NpgsqlDataReader r, AppealOptions options, DateTimeOffset now)
    {
        DateTimeOffset? At(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
        var row = new AppealRow(0, r.GetString(0), r.GetString(1), r.GetBoolean(9), r.GetString(2), r.GetInt16(3), r.GetString(4), null,
            r.GetString(5), null, null, null, r.GetString(6), null, r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(7),
            null, At(10), At(11), null, null, null, At(12), null, null, null, null, r.GetInt32(8), "");
        return new AppealSummary(row.Number, row.Channel, row.Kind, row.Tier, row.Status, row.ApplicantName, row.Summary,
            row.RegisteredAt, row.Contacts, Clock(row, options, now));
    }

    /// <summary>The clock of an appeal at <paramref name="now"/>.</summary>
    public static AppealClockView Clock(AppealRow a, AppealOptions options, DateTimeOffset now)
    {
        if (!a.Written || a.Deadline is not { } deadline)
            return new AppealClockView(a.RegisteredAt, null, null, null, ClockStates.NotApplicable);
        if (a.AnsweredAt is { } answeredAt)
            return new AppealClockView(a.RegisteredAt, a.DueAt, a.ExtendedTo, null,
                answeredAt <= deadline ? ClockStates.AnsweredOnTime : ClockStates.AnsweredLate);
        var daysLeft = options.LocalDate(deadline).DayNumber - options.LocalDate(now).DayNumber;
        var state = now > deadline ? ClockStates.Overdue : daysLeft <= options.DueSoonDays ? ClockStates.DueSoon : ClockStates.OnTime;
        return new AppealClockView(a.RegisteredAt, a.DueAt, a.ExtendedTo, daysLeft, state);
    }

    /// <summary>The whole appeal: its clock, history, interventions, expertises and tasks.</summary>
    public static async Task<AppealView?> ViewAsync(NpgsqlConnection connection, string tenantId, string number, AppealOptions options,
        DateTimeOffset now, CancellationToken ct)
    {
        if (await FindAsync(connection, tenantId, number, ct) is not { } a) return null;
        var history = new List<AppealEventView>();
        var interventions = new List<InterventionView>();
        var expertises = new List<ExpertiseView>();
        var tasks = new List<OmsTaskView>();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("SELECT at, actor, kind, from_tier, to_tier, text FROM appeal_events WHERE tenant_id = @tenant AND appeal_id = @appeal ORDER BY id"),
                new("""
                    SELECT id, organisation, contact_person, contacted_at, agreed, outcome, created_by, created_at
                    FROM interventions WHERE tenant_id = @tenant AND appeal_id = @appeal ORDER BY id
                    """),
                new("""
                    SELECT id, organisation, reason, expert, ordered_at, due_on, concluded_at, findings, violations
                    FROM expertises WHERE tenant_id = @tenant AND appeal_id = @appeal ORDER BY id
                    """),
                new("""
                    SELECT id, kind, due_at, status, created_at, done_at, done_by
                    FROM oms_tasks WHERE tenant_id = @tenant AND appeal_id = @appeal ORDER BY id
                    """),
            },
        };
        foreach (NpgsqlBatchCommand c in batch.BatchCommands)
        {
            c.Parameters.AddWithValue("tenant", tenantId);
            c.Parameters.AddWithValue("appeal", a.Id);
        }
        var today = options.LocalDate(now);
        await using (var r = await batch.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
                history.Add(new AppealEventView(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetString(2),
                    r.IsDBNull(3) ? null : r.GetInt16(3), r.IsDBNull(4) ? null : r.GetInt16(4), r.IsDBNull(5) ? null : r.GetString(5)));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
                interventions.Add(new InterventionView(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
                    r.GetString(4), r.GetString(5), r.GetString(6), r.GetFieldValue<DateTimeOffset>(7)));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var dueOn = r.GetFieldValue<DateOnly>(5);
                var concluded = r.IsDBNull(6) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(6);
                expertises.Add(new ExpertiseView(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4),
                    dueOn, concluded, r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetBoolean(8),
                    concluded is null && dueOn < today));
            }
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct))
                tasks.Add(new OmsTaskView(r.GetInt64(0), a.Number, r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3),
                    r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetString(6)));
        }

        var kind = AppealKinds.Find(a.Kind);
        var clock = Clock(a, options, now);
        return new AppealView(a.Number, a.Channel, a.Written, a.Kind, kind?.NameRu ?? a.Kind, kind?.Complaint ?? false, a.Tier, a.Status, a.Enp,
            new Applicant(a.ApplicantName, a.ApplicantPhone, a.ApplicantEmail, a.ApplicantAddress), a.Summary, a.Organisation, a.ReceivedAt,
            a.RegisteredLate, a.WaitSeconds, a.Contacts, a.CreatedBy, clock,
            a.ExtendedTo is { } to ? new AppealExtensionView(to, a.ExtensionReason ?? "", a.NoticeSentAt, a.ExtensionNotice) : null,
            a.AnsweredAt is { } at ? new AnswerView(at, a.Answer ?? "", a.Outcome ?? "", a.Justified, a.FirstContact ?? false,
                clock.State == ClockStates.AnsweredLate) : null,
            history, interventions, expertises, tasks);
    }
}
