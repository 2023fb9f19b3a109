using Npgsql;
using Platform.OmsRepresentatives.Tests.Service;

namespace Platform.OmsRepresentatives.Tests.Reports;

/// <summary>
/// Rows written straight into the service's tables, as the register loader, the campaigns and the appeals' workflow
/// would leave them, so that the reports and the staffing are checked against figures known in advance.
/// </summary>
public sealed class OmsRows(OmsFactory service, string tenant)
{
    private long campaign;

    public static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();

    public async Task ExecAsync(string sql, params (string Name, object? Value)[] args)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue("tenant", tenant);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<long> InsertAsync(string sql, params (string Name, object? Value)[] args)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue("tenant", tenant);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary><paramref name="count"/> adults on the register (ЕНП from <paramref name="first"/> on), enough for the staffing's arithmetic.</summary>
    public Task ManyInsuredAsync(int count, long first = 1) => ExecAsync("""
        INSERT INTO insured (tenant_id, enp, full_name, birth_date, sex, region)
        SELECT @tenant, lpad(g::text, 16, '0'), 'Застрахованный ' || g, date '1980-01-01', 'f', '77' FROM generate_series(@first, @last) g
        """, ("first", first), ("last", first + count - 1));

    public Task InsuredAsync(string enp, string birthDate, short? disabilityGroup = null, bool inDepth = false,
        string? lastCheckup = null, string? lastDispanserization = null) => ExecAsync("""
        INSERT INTO insured (tenant_id, enp, full_name, birth_date, sex, region, disability_group, in_depth, last_checkup_on, last_dispanserization_on)
        VALUES (@tenant, @enp, 'Иванова Мария Петровна', @birth, 'f', '77', @disability, @in_depth, @checkup, @dispanserization)
        """, ("enp", enp), ("birth", DateOnly.Parse(birthDate)), ("disability", disabilityGroup), ("in_depth", inDepth),
        ("checkup", lastCheckup is null ? null : DateOnly.Parse(lastCheckup)),
        ("dispanserization", lastDispanserization is null ? null : DateOnly.Parse(lastDispanserization)));

    public Task DispensaryAsync(string enp, string diagnosis, string nextVisit) => ExecAsync("""
        INSERT INTO dispensary_observations (tenant_id, enp, diagnosis, clinic_code, next_visit_on) VALUES (@tenant, @enp, @diagnosis, 'MO-1', @next)
        """, ("enp", enp), ("diagnosis", diagnosis), ("next", DateOnly.Parse(nextVisit)));

    /// <summary>An invitation of the tenant's one campaign: delivered (SMS) at <paramref name="deliveredAt"/>, or with a call's outcome.</summary>
    public async Task InvitationAsync(string enp, string kind, string channel, string delivery = "pending", string? deliveredAt = null,
        string? outcome = null, string? outcomeAt = null)
    {
        if (campaign == 0)
            campaign = await InsertAsync("""
                INSERT INTO campaigns (tenant_id, name, kinds, year, starts_on, sms_per_day, calls_per_day, clinic_per_day, created_by, created_at)
                VALUES (@tenant, 'Профилактика 2026', '{checkup,dispanserization,in-depth,dispensary}', 2026, date '2026-01-10', 1000, 100, 50, 'sup', now())
                RETURNING id
                """);
        await ExecAsync("""
            INSERT INTO invitations (tenant_id, campaign_id, enp, kind, channel, phone, scheduled_on, delivery, delivered_at, outcome, outcome_at)
            VALUES (@tenant, @campaign, @enp, @kind, @channel, '+79161234567', date '2026-01-10', @delivery, @delivered_at, @outcome, @outcome_at)
            """, ("campaign", campaign), ("enp", enp), ("kind", kind), ("channel", channel), ("delivery", delivery),
            ("delivered_at", deliveredAt is null ? null : Utc(deliveredAt)), ("outcome", outcome), ("outcome_at", outcomeAt is null ? null : Utc(outcomeAt)));
    }

    /// <summary>An appeal registered at <paramref name="registeredAt"/>; written ones are due 30 days later unless <paramref name="dueAt"/> says otherwise.</summary>
    public Task<long> AppealAsync(string kind, int tier, string channel, string registeredAt, bool? justified = null, string? answeredAt = null,
        string? outcome = null, string? dueAt = null, string? extendedTo = null)
    {
        var registered = Utc(registeredAt);
        var written = channel is "letter" or "email" or "portal";
        return InsertAsync("""
            INSERT INTO appeals (tenant_id, number, channel, kind, tier, status, applicant_name, summary, received_at, registered_at,
                                 due_at, extended_to, answered_at, outcome, justified, created_by)
            VALUES (@tenant, 'OMS-' || nextval('appeals_id_seq'), @channel, @kind, @tier, @status, 'Петров Пётр', 'Жалоба', @registered, @registered,
                    @due, @extended, @answered, @outcome, @justified, 'rep-1')
            RETURNING id
            """, ("channel", channel), ("kind", kind), ("tier", (short)tier), ("status", answeredAt is null ? "open" : "answered"),
            ("registered", registered), ("due", written ? dueAt is null ? registered.AddDays(30) : Utc(dueAt) : null),
            ("extended", extendedTo is null ? null : Utc(extendedTo)), ("answered", answeredAt is null ? null : Utc(answeredAt)),
            ("outcome", outcome), ("justified", justified));
    }

    public Task InterventionAsync(long appeal, string outcome, string contactedAt) => ExecAsync("""
        INSERT INTO interventions (tenant_id, appeal_id, organisation, contact_person, contacted_at, agreed, outcome, created_by, created_at)
        VALUES (@tenant, @appeal, 'ГБУЗ ГП № 1', 'Заведующая отделением', @at, 'Запись на приём', @outcome, 'rep-2', @at)
        """, ("appeal", appeal), ("outcome", outcome), ("at", Utc(contactedAt)));

    public Task ExpertiseAsync(long appeal, string orderedAt, string? concludedAt = null, bool? violations = null) => ExecAsync("""
        INSERT INTO expertises (tenant_id, appeal_id, organisation, reason, expert, ordered_at, due_on, concluded_at, findings, violations, created_by)
        VALUES (@tenant, @appeal, 'ГБУЗ ГКБ № 2', 'Жалоба на качество', 'Эксперт Сидоров', @ordered, date '2026-12-31', @concluded,
                CASE WHEN @concluded::timestamptz IS NULL THEN NULL ELSE 'Заключение' END, @violations, 'rep-3')
        """, ("appeal", appeal), ("ordered", Utc(orderedAt)), ("concluded", concludedAt is null ? null : Utc(concludedAt)), ("violations", violations));
}
