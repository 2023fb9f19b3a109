using System.Collections.Concurrent;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>Reading letters, their numbers, their e-mails and the clinic's answer: what the API, the signed link and the expiry share.</summary>
public sealed partial class GuaranteeLetters(NpgsqlDataSource dataSource, ILogger<GuaranteeLetters> logger)
{
    private const string Columns = """
        l.id, l.number, l.case_id, l.case_number, l.insured_name, l.insured_date_of_birth, l.policy_number, l.clinic_id, l.clinic_code,
        l.clinic_name, l.clinic_address, l.clinic_email, l.benefit, l.amount, l.currency, l.period_from, l.period_to, l.room_type,
        l.co_payment, l.deductible, l.excluded_services, l.status, l.revocation_reason, l.issued_at, l.issued_by, l.amended_at,
        l.revoked_at, l.acknowledgement, l.acknowledgement_reason, l.acknowledged_at, l.acknowledged_by,
        m.kind, m.address, m.status, m.attempts, m.last_error, m.sent_at, l.language, l.tenant_id, l.clinic_time_zone
        """;

    private const string From = """
        guarantee_letters l
        LEFT JOIN LATERAL (SELECT * FROM guarantee_mails m WHERE m.letter_id = l.id ORDER BY m.created_at DESC, m.id LIMIT 1) m ON true
        """;

    /// <summary>One letter of the tenant, by its GOP number or its id; null when there is none (or it is another tenant's).</summary>
    public async Task<GuaranteeLetter?> FindAsync(string tenantId, string numberOrId, CancellationToken ct) =>
        (await ListAsync(tenantId, "(l.number = @key OR l.id = @id)", c =>
        {
            c.Parameters.AddWithValue("key", numberOrId);
            c.Parameters.Add(new NpgsqlParameter<Guid?>("id", Guid.TryParse(numberOrId, out var id) ? id : null));
        }, ct)).SingleOrDefault();

    /// <summary>The case's letters, newest first.</summary>
    /// <summary>The letters to one clinic (its code in the tenant's network), newest first.</summary>
    public Task<IReadOnlyList<GuaranteeLetter>> OfClinicAsync(string tenantId, string clinicCode, CancellationToken ct) =>
        ListAsync(tenantId, "l.clinic_code = @clinic", c => c.Parameters.AddWithValue("clinic", clinicCode), ct);

    public Task<IReadOnlyList<GuaranteeLetter>> OfCaseAsync(string tenantId, string caseNumber, CancellationToken ct) =>
        ListAsync(tenantId, "l.case_number = @case", c => c.Parameters.AddWithValue("case", caseNumber), ct);

    private async Task<IReadOnlyList<GuaranteeLetter>> ListAsync(string tenantId, string where, Action<NpgsqlCommand> parameters, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {Columns} FROM {From} WHERE l.tenant_id = @tenant AND {where} ORDER BY l.issued_at DESC, l.number DESC LIMIT 500
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        parameters(cmd);
        var list = new List<GuaranteeLetter>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    private static GuaranteeLetter Read(NpgsqlDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateTimeOffset? T(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
        return new GuaranteeLetter(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3),
            new LetterInsured(r.GetString(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5), S(6)),
            new LetterClinic(r.GetGuid(7), r.GetString(8), r.GetString(9), r.GetString(10), S(11)),
            r.GetString(12), r.GetDecimal(13), r.GetString(14), r.GetFieldValue<DateOnly>(15), r.GetFieldValue<DateOnly>(16), r.GetString(17),
            r.GetDecimal(18), r.GetDecimal(19), r.GetFieldValue<string[]>(20), r.GetString(21), S(22), r.GetFieldValue<DateTimeOffset>(23),
            r.GetString(24), T(25), T(26),
            S(27) is { } decision ? new LetterAcknowledgement(decision, S(28), T(29)!.Value, S(30) ?? "") : null,
            S(31) is { } kind ? new LetterDelivery(kind, S(32), r.GetString(33), r.GetInt32(34), S(35), T(36)) : null)
        {
            Language = r.GetString(37),
            TenantId = r.GetString(38),
            ClinicTimeZone = r.GetString(39),
        };
    }

    /// <summary>The letter by id alone, for the signed link and the mail sender (which know the tenant from elsewhere).</summary>
    public async Task<GuaranteeLetter?> GetAsync(string tenantId, Guid id, CancellationToken ct) =>
        (await ListAsync(tenantId, "l.id = @id", c => c.Parameters.AddWithValue("id", id), ct)).SingleOrDefault();

    private static readonly ConcurrentDictionary<(string Database, string Tenant, int Year), bool> KnownSequences = new();

    /// <summary>
    /// Takes the next GOP number of the tenant's year. The year's sequence is created, unless it exists, in a
    /// transaction of its own before the first issue of the year in this process (as Cases does for case numbers).
    /// </summary>
    public async Task<string> NextNumberAsync(NpgsqlTransaction transaction, string tenantId, int year, CancellationToken ct)
    {
        var key = (dataSource.ConnectionString, tenantId, year);
        if (!KnownSequences.ContainsKey(key))
        {
            await using var create = dataSource.CreateCommand("SELECT create_gop_number_sequence($1, $2)");
            create.Parameters.Add(new() { Value = tenantId });
            create.Parameters.Add(new() { Value = year });
            await create.ExecuteNonQueryAsync(ct);
            KnownSequences[key] = true;
        }
        await using var next = new NpgsqlCommand("SELECT nextval(gop_number_sequence(@tenant, @year))", transaction.Connection, transaction);
        next.Parameters.AddWithValue("tenant", tenantId);
        next.Parameters.AddWithValue("year", year);
        try
        {
            return $"GOP-{year}-{(long)(await next.ExecuteScalarAsync(ct))!:D6}";
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            KnownSequences.TryRemove(key, out _); // gone since (a restored backup): created again on the next try
            throw;
        }
    }

    /// <summary>Queues the e-mail that carries the letter to its clinic (failed at once when the clinic has no address).</summary>
    public static async Task QueueMailAsync(NpgsqlTransaction transaction, string tenantId, Guid letterId, string kind, string? address,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO guarantee_mails (id, tenant_id, letter_id, kind, address, status, last_error, next_attempt_at, created_at)
            VALUES (@id, @tenant, @letter, @kind, @address, @status, @error, @next, @now)
            """, transaction.Connection, transaction);
        var none = string.IsNullOrWhiteSpace(address);
        cmd.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("letter", letterId);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("address", none ? null : address));
        cmd.Parameters.AddWithValue("status", none ? DeliveryStatuses.Failed : DeliveryStatuses.Pending);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("error", none ? "The clinic has no e-mail address in the network: send the letter another way." : null));
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("next", none ? null : now));
        cmd.Parameters.AddWithValue("now", now);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The outcome of recording the clinic's answer.</summary>
    public enum AcknowledgeOutcome { Recorded, NotFound, NotInForce }

    /// <summary>
    /// Records the clinic's answer to a letter in force (a later answer replaces an earlier one: a clinic may change its
    /// mind), publishes it, and hands a refusal to <see cref="OnRefusedAsync"/>.
    /// </summary>
    public async Task<AcknowledgeOutcome> AcknowledgeAsync(string tenantId, Guid letterId, string decision, string? reason, string by,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        (Guid CaseId, string Number, string ClinicCode, Guid ClinicId, string Status, string CaseNumber) letter;
        await using (var read = new NpgsqlCommand("""
            SELECT case_id, number, clinic_code, clinic_id, status, case_number FROM guarantee_letters WHERE tenant_id = @tenant AND id = @id FOR UPDATE
            """, connection, transaction))
        {
            read.Parameters.AddWithValue("tenant", tenantId);
            read.Parameters.AddWithValue("id", letterId);
            await using var r = await read.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return AcknowledgeOutcome.NotFound;
            letter = (r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetGuid(3), r.GetString(4), r.GetString(5));
        }
        if (letter.Status != LetterStatuses.Issued) return AcknowledgeOutcome.NotInForce;

        await using (var update = new NpgsqlCommand("""
            UPDATE guarantee_letters
            SET acknowledgement = @decision, acknowledgement_reason = @reason, acknowledged_at = @now, acknowledged_by = @by
            WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("decision", decision);
            update.Parameters.Add(new NpgsqlParameter<string?>("reason", reason));
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("by", by);
            update.Parameters.AddWithValue("id", letterId);
            await update.ExecuteNonQueryAsync(ct);
        }
        await transaction.EnqueueAsync(new GuaranteeLetterAcknowledged(letterId, tenantId, letter.CaseId, letter.Number, letter.ClinicCode,
            decision, reason, now), ct);
        if (decision == AcknowledgementDecisions.Refused)
            await OnRefusedAsync(transaction, new RefusedLetter(tenantId, letterId, letter.Number, letter.CaseId, letter.CaseNumber,
                letter.ClinicId, letter.ClinicCode, reason ?? "", now, by), ct);
        await transaction.CommitAsync(ct);
        return AcknowledgeOutcome.Recorded;
    }

    /// <summary>A letter the clinic refused: evidence about the clinic's quality.</summary>
    public sealed record RefusedLetter(string TenantId, Guid LetterId, string Number, Guid CaseId, string CaseNumber, Guid ClinicId,
        string ClinicCode, string Reason, DateTimeOffset RefusedAt, string By);

    /// <summary>
    /// A clinic's refusal, in the transaction that records it, becomes evidence against the clinic's quality score
    /// (a GOP refusal), so the next search ranks it lower.
    /// </summary>
    public async Task OnRefusedAsync(NpgsqlTransaction transaction, RefusedLetter refused, CancellationToken ct)
    {
        LogRefused(refused.ClinicCode, refused.Number, refused.TenantId, refused.Reason);
        await Quality.ClinicQuality.RecordAsync(transaction, refused.TenantId, refused.ClinicId, Quality.QualityKinds.GopRefusal,
            refused.RefusedAt, refused.CaseNumber, $"Guarantee letter {refused.Number} refused: {refused.Reason}", actor: refused.By, ct: ct);
    }

    [LoggerMessage(LogLevel.Information, "Clinic {ClinicCode} refused guarantee letter {Number} of tenant {TenantId}: {Reason}")]
    private partial void LogRefused(string clinicCode, string number, string tenantId, string reason);
}
