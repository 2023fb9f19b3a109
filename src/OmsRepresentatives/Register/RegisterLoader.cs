using Platform.OmsRepresentatives.Profile;
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Platform.OmsRepresentatives.Register;

/// <summary>What a register load came to: how many persons were added and updated, how many invitations the
/// attendance it brought closed as attended, and how long it took.</summary>
public sealed record RegisterLoadResult(int Rows, int Created, int Updated, int InvitationsAttended, long ElapsedMs);

/// <summary>What a dispensary list load came to: the rows and clinics loaded, the clinics' rows they replaced.</summary>
public sealed record DispensaryLoadResult(int Rows, int Clinics, int Replaced, long ElapsedMs);

/// <summary>The result of a load, or its errors (and then nothing was written).</summary>
public sealed record LoadOutcome<T>(T? Result, LoadErrors? Errors) where T : class;

/// <summary>
/// Loads the SMO's register of insured persons and the clinics' dispensary lists from CSV. A file is all or nothing:
/// it is checked while it streams into a staging table by binary COPY, inside one transaction, and a file with any bad
/// row is rolled back whole and answered with the errors of up to 100 rows, naming line and column. The merge is then
/// a few set-based statements: an upsert by (tenant, ЕНП), and the attendance the register reports
/// (last_checkup_on, last_dispanserization_on) closes the invitations of the persons in the file as attended.
/// </summary>
/// <remarks>
/// Register columns (header row; any order; ';' or ','): enp (16 digits), full_name, birth_date (yyyy-MM-dd), sex
/// (m/f or М/Ж), region (2 digits) are required; clinic_code, disability_group (1-3), in_depth (true/false),
/// last_checkup_on, last_dispanserization_on, phone (E.164), reminder_channel (sms, call; empty: no consent) optional.
/// A column left out of the file is written empty (the register is the SMO's whole record of the person).
/// </remarks>
public sealed partial class RegisterLoader(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<RegisterLoader> logger)
{
    public const int Enp = 0, FullName = 1, BirthDate = 2, Sex = 3, Region = 4, ClinicCode = 5, DisabilityGroup = 6, InDepth = 7,
        LastCheckupOn = 8, LastDispanserizationOn = 9, Phone = 10, ReminderChannel = 11;

    public static readonly string[] Columns =
    [
        "enp", "full_name", "birth_date", "sex", "region", "clinic_code", "disability_group", "in_depth", "last_checkup_on",
        "last_dispanserization_on", "phone", "reminder_channel",
    ];

    private static readonly int[] Required = [Enp, FullName, BirthDate, Sex, Region];

    public const int DEnp = 0, DDiagnosis = 1, DClinicCode = 2, DNextVisitOn = 3;
    public static readonly string[] DispensaryColumns = ["enp", "diagnosis", "clinic_code", "next_visit_on"];

    public const int MaxName = 200, MaxClinicCode = 32;

    public async Task<LoadOutcome<RegisterLoadResult>> LoadRegisterAsync(string tenantId, Stream body, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var today = (await SmoProfiles.GetAsync(dataSource, tenantId, ct)).DateAt(clock.GetUtcNow());
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE register_staging (
                enp                      text COLLATE "C" NOT NULL,
                full_name                text NOT NULL,
                birth_date               date NOT NULL,
                sex                      char(1) NOT NULL,
                region                   text NOT NULL,
                clinic_code              text,
                disability_group         smallint,
                in_depth                 boolean NOT NULL,
                last_checkup_on          date,
                last_dispanserization_on date,
                phone                    text,
                reminder_channel         text
            ) ON COMMIT DROP
            """, connection, transaction))
            await create.ExecuteNonQueryAsync(ct);

        var errors = new LoadErrors();
        var seen = new Dictionary<long, int>();
        var rows = 0;
        await using (var importer = await connection.BeginBinaryImportAsync("""
            COPY register_staging (enp, full_name, birth_date, sex, region, clinic_code, disability_group, in_depth,
                last_checkup_on, last_dispanserization_on, phone, reminder_channel) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            await CsvRows.ReadAsync(body, Columns, Required, errors, async row =>
            {
                var person = ParsePerson(row, today, seen, out var e);
                if (person is null)
                {
                    errors.Reject(e);
                    return;
                }
                rows++;
                if (!errors.IsValid) return;
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(person.Enp, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(person.FullName, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(person.BirthDate, NpgsqlDbType.Date, ct);
                await importer.WriteAsync(person.Sex, NpgsqlDbType.Char, ct);
                await importer.WriteAsync(person.Region, NpgsqlDbType.Text, ct);
                await WriteAsync(importer, person.ClinicCode, ct);
                if (person.DisabilityGroup is { } group) await importer.WriteAsync(group, NpgsqlDbType.Smallint, ct);
                else await importer.WriteNullAsync(ct);
                await importer.WriteAsync(person.InDepth, NpgsqlDbType.Boolean, ct);
                await WriteAsync(importer, person.LastCheckupOn, ct);
                await WriteAsync(importer, person.LastDispanserizationOn, ct);
                await WriteAsync(importer, person.Phone, ct);
                await WriteAsync(importer, person.ReminderChannel, ct);
            }, ct);
            if (errors.IsValid && rows == 0) errors.Reject("rows", "The file holds no person.");
            // Leaving without Complete cancels the COPY, and disposing the transaction rolls everything back.
            if (!errors.IsValid) return new LoadOutcome<RegisterLoadResult>(null, errors);
            await importer.CompleteAsync(ct);
        }

        // Sorted by ЕНП, so that two loads touching the same persons lock them in the same order. The memory lets the
        // sort and the join of a million rows run without spilling.
        await using var merge = new NpgsqlBatch(connection, transaction);
        merge.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL work_mem = '256MB'"));
        // Compiling the statements costs seconds and saves nothing on plain scans, joins and index writes.
        merge.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL jit = off"));
        merge.BatchCommands.Add(new NpgsqlBatchCommand("ANALYZE register_staging"));
        var upsert = new NpgsqlBatchCommand("""
            WITH upserted AS (
                INSERT INTO insured AS i (tenant_id, enp, full_name, birth_date, sex, region, clinic_code, disability_group,
                    in_depth, last_checkup_on, last_dispanserization_on, phone, reminder_channel, updated_at)
                SELECT @tenant, enp, full_name, birth_date, sex, region, clinic_code, disability_group, in_depth,
                    last_checkup_on, last_dispanserization_on, phone, reminder_channel, @now
                FROM register_staging
                ORDER BY enp
                ON CONFLICT (tenant_id, enp) DO UPDATE SET
                    full_name = excluded.full_name,
                    birth_date = excluded.birth_date,
                    sex = excluded.sex,
                    region = excluded.region,
                    clinic_code = excluded.clinic_code,
                    disability_group = excluded.disability_group,
                    in_depth = excluded.in_depth,
                    last_checkup_on = excluded.last_checkup_on,
                    last_dispanserization_on = excluded.last_dispanserization_on,
                    phone = excluded.phone,
                    reminder_channel = excluded.reminder_channel,
                    updated_at = excluded.updated_at
                RETURNING i.xmax = 0 AS inserted)
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
            """) { Parameters = { new("tenant", tenantId), new("now", clock.GetUtcNow()) } };
        merge.BatchCommands.Add(upsert);
        // Attendance comes back with the register: an invitation whose person has now attended its measure on or after
        // the day it was scheduled for is closed as attended (dispensary visits are not in the register).
        var attendance = new NpgsqlBatchCommand("""
            UPDATE invitations v
            SET outcome = 'attended', outcome_at = @now, outcome_by = 'register'
            FROM register_staging s
            WHERE v.tenant_id = @tenant AND v.enp = s.enp
              AND v.delivery <> 'cancelled' AND v.outcome IS DISTINCT FROM 'attended'
              AND CASE v.kind
                      WHEN 'checkup' THEN s.last_checkup_on >= v.scheduled_on
                      WHEN 'dispanserization' THEN s.last_dispanserization_on >= v.scheduled_on
                      WHEN 'in-depth' THEN s.last_dispanserization_on >= v.scheduled_on
                      ELSE false
                  END
            """) { Parameters = { new("tenant", tenantId), new("now", clock.GetUtcNow()) } };
        merge.BatchCommands.Add(attendance);
        int created, updated;
        await using (var reader = await merge.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            created = (int)reader.GetInt64(0);
            updated = (int)reader.GetInt64(1);
            while (await reader.NextResultAsync(ct)) { }
        }
        var attended = attendance.RecordsAffected;
        await transaction.CommitAsync(ct);
        await AnalyzeIfChangedAsync(connection, "insured", created + updated, ct);
        return new LoadOutcome<RegisterLoadResult>(new RegisterLoadResult(rows, created, updated, (int)attended, watch.ElapsedMilliseconds), null);
    }

    private sealed record Person(string Enp, string FullName, DateOnly BirthDate, char Sex, string Region, string? ClinicCode,
        short? DisabilityGroup, bool InDepth, DateOnly? LastCheckupOn, DateOnly? LastDispanserizationOn, string? Phone, string? ReminderChannel);

    /// <summary>The row as a person, or null with the row's errors.</summary>
    private static Person? ParsePerson(CsvRow row, DateOnly today, Dictionary<long, int> seen, out ValidationErrors e)
    {
        e = new ValidationErrors();
        var errors = e;
        bool Required(int column)
        {
            if (row.Get(column).Length > 0) return true;
            errors.Add(row.Key(column), "The field is required.");
            return false;
        }
        DateOnly? Date(int column, DateOnly? notBefore)
        {
            var text = row.Get(column);
            if (text.Length == 0) return null;
            if (!CsvRows.TryDate(text, out var date)) errors.Add(row.Key(column), $"'{text}' is not a date in the form yyyy-MM-dd.");
            else if (date > today) errors.Add(row.Key(column), $"{text} is in the future.");
            else if (notBefore is { } floor && date < floor) errors.Add(row.Key(column), $"{text} is before the date of birth.");
            else return date;
            return null;
        }

        var enp = row.Get(Enp);
        if (Required(Enp))
        {
            if (!CsvRows.TryEnp(enp, out var number)) e.Add(row.Key(Enp), "The ЕНП must be 16 digits.");
            else if (!seen.TryAdd(number, row.Line)) e.Add(row.Key(Enp), $"The same ЕНП is on line {seen[number]}.");
        }
        var name = NormalizeName(row.Get(FullName));
        if (Required(FullName) && name.Length > MaxName) e.Add(row.Key(FullName), $"The field must be at most {MaxName} characters long.");
        DateOnly? born = null;
        if (Required(BirthDate))
        {
            born = Date(BirthDate, null);
            if (born is { Year: < 1900 }) { e.Add(row.Key(BirthDate), "The date of birth is before 1900."); born = null; }
        }
        var sex = row.Get(Sex) switch
        {
            "m" or "M" or "м" or "М" => 'm',
            "f" or "F" or "ж" or "Ж" => 'f',
            _ => '\0',
        };
        if (Required(Sex) && sex == '\0') e.Add(row.Key(Sex), $"'{row.Get(Sex)}' is not one of: m, f, М, Ж.");
        var region = row.Get(Region);
        if (Required(Region) && !(region.Length == 2 && char.IsAsciiDigit(region[0]) && char.IsAsciiDigit(region[1])))
            e.Add(row.Key(Region), "The region must be the subject's two-digit code, such as 77.");
        var clinic = row.Get(ClinicCode);
        if (clinic.Length > MaxClinicCode) e.Add(row.Key(ClinicCode), $"The field must be at most {MaxClinicCode} characters long.");
        short? group = row.Get(DisabilityGroup) switch
        {
            "" => null,
            "1" => 1,
            "2" => 2,
            "3" => 3,
            _ => (short)0,
        };
        if (group == 0) e.Add(row.Key(DisabilityGroup), $"'{row.Get(DisabilityGroup)}' is not a disability group: 1, 2, 3 or empty.");
        bool? inDepth = row.Get(InDepth).ToLowerInvariant() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => null,
        };
        if (inDepth is null) e.Add(row.Key(InDepth), $"'{row.Get(InDepth)}' is not one of: true, false or empty.");
        var checkup = Date(LastCheckupOn, born);
        var dispanserization = Date(LastDispanserizationOn, born);
        var phone = row.Get(Phone);
        if (phone.Length > 0 && !IsPhone(phone)) e.Add(row.Key(Phone), "The phone must be in the international form E.164, such as +79161234567.");
        var channel = row.Get(ReminderChannel).ToLowerInvariant();
        if (channel is not ("" or "sms" or "call")) e.Add(row.Key(ReminderChannel), $"'{row.Get(ReminderChannel)}' is not one of: sms, call or empty (no consent).");
        else if (channel.Length > 0 && phone.Length == 0) e.Add(row.Key(ReminderChannel), "A reminder channel needs the person's phone.");

        if (!e.IsValid) return null;
        return new Person(enp, name, born!.Value, sex, region, clinic.Length == 0 ? null : clinic, group, inDepth!.Value, checkup,
            dispanserization, phone.Length == 0 ? null : phone, channel.Length == 0 ? null : channel);
    }

    /// <summary>A phone in E.164: '+', then 8 to 15 digits, the first not 0.</summary>
    public static bool IsPhone(string phone)
    {
        if (phone.Length is < 9 or > 16 || phone[0] != '+' || phone[1] == '0') return false;
        for (var i = 1; i < phone.Length; i++)
            if (!char.IsAsciiDigit(phone[i])) return false;
        return true;
    }

    /// <summary>A full name with its spaces collapsed, as it is stored and searched.</summary>
    public static string NormalizeName(string name) =>
        name.Contains("  ", StringComparison.Ordinal) || name.Contains('\t') ? string.Join(' ', name.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)) : name;

    public async Task<LoadOutcome<DispensaryLoadResult>> LoadDispensaryAsync(string tenantId, Stream body, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE dispensary_staging (
                line          int NOT NULL,
                enp           text COLLATE "C" NOT NULL,
                diagnosis     text NOT NULL,
                clinic_code   text NOT NULL,
                next_visit_on date NOT NULL
            ) ON COMMIT DROP
            """, connection, transaction))
            await create.ExecuteNonQueryAsync(ct);

        var errors = new LoadErrors();
        var seen = new Dictionary<(long, string), int>();
        var clinics = new HashSet<string>(StringComparer.Ordinal);
        var rows = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY dispensary_staging (line, enp, diagnosis, clinic_code, next_visit_on) FROM STDIN (FORMAT BINARY)", ct))
        {
            await CsvRows.ReadAsync(body, DispensaryColumns, [DEnp, DDiagnosis, DClinicCode, DNextVisitOn], errors, async row =>
            {
                var e = new ValidationErrors();
                var enp = row.Get(DEnp);
                var number = 0L;
                if (enp.Length == 0) e.Add(row.Key(DEnp), "The field is required.");
                else if (!CsvRows.TryEnp(enp, out number)) e.Add(row.Key(DEnp), "The ЕНП must be 16 digits.");
                var diagnosis = row.Get(DDiagnosis).ToUpperInvariant();
                if (diagnosis.Length == 0) e.Add(row.Key(DDiagnosis), "The field is required.");
                else if (!IsIcd10(diagnosis)) e.Add(row.Key(DDiagnosis), $"'{row.Get(DDiagnosis)}' is not an ICD-10 code such as M86.6 or I10.");
                else if (e.IsValid && !seen.TryAdd((number, diagnosis), row.Line))
                    e.Add(row.Key(DDiagnosis), $"The same person and diagnosis are on line {seen[(number, diagnosis)]}.");
                var clinic = row.Get(DClinicCode);
                if (clinic.Length == 0) e.Add(row.Key(DClinicCode), "The field is required.");
                else if (clinic.Length > MaxClinicCode) e.Add(row.Key(DClinicCode), $"The field must be at most {MaxClinicCode} characters long.");
                var next = row.Get(DNextVisitOn);
                DateOnly visit = default;
                if (next.Length == 0) e.Add(row.Key(DNextVisitOn), "The field is required.");
                else if (!CsvRows.TryDate(next, out visit)) e.Add(row.Key(DNextVisitOn), $"'{next}' is not a date in the form yyyy-MM-dd.");
                if (!e.IsValid)
                {
                    errors.Reject(e);
                    return;
                }
                rows++;
                clinics.Add(clinic);
                if (!errors.IsValid) return;
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(row.Line, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(enp, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(diagnosis, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(clinic, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(visit, NpgsqlDbType.Date, ct);
            }, ct);
            if (errors.IsValid && rows == 0) errors.Reject("rows", "The file holds no patient.");
            if (!errors.IsValid) return new LoadOutcome<DispensaryLoadResult>(null, errors);
            await importer.CompleteAsync(ct);
        }

        // Every person must be in the register: a list naming someone the SMO does not insure is refused whole.
        await using (var unknown = new NpgsqlCommand("""
            ANALYZE dispensary_staging;
            SELECT s.line, s.enp FROM dispensary_staging s
            WHERE NOT EXISTS (SELECT 1 FROM insured i WHERE i.tenant_id = @tenant AND i.enp = s.enp)
            ORDER BY s.line LIMIT 100
            """, connection, transaction))
        {
            unknown.Parameters.AddWithValue("tenant", tenantId);
            await using var reader = await unknown.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                errors.Reject($"rows[{reader.GetInt32(0)}].enp", $"{reader.GetString(1)} is not in the register of insured persons.");
        }
        if (!errors.IsValid) return new LoadOutcome<DispensaryLoadResult>(null, errors);

        // The clinics named in the file have their lists replaced; a person and diagnosis another clinic listed before
        // moves to the clinic that lists it now.
        await using var merge = new NpgsqlBatch(connection, transaction);
        var delete = new NpgsqlBatchCommand("DELETE FROM dispensary_observations d WHERE d.tenant_id = @tenant AND d.clinic_code = ANY(@clinics)")
        {
            Parameters = { new("tenant", tenantId), new("clinics", clinics.ToArray()) },
        };
        merge.BatchCommands.Add(delete);
        merge.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO dispensary_observations AS d (tenant_id, enp, diagnosis, clinic_code, next_visit_on, loaded_at)
            SELECT @tenant, enp, diagnosis, clinic_code, next_visit_on, @now FROM dispensary_staging ORDER BY enp, diagnosis
            ON CONFLICT (tenant_id, enp, diagnosis) DO UPDATE SET
                clinic_code = excluded.clinic_code, next_visit_on = excluded.next_visit_on, loaded_at = excluded.loaded_at
            """) { Parameters = { new("tenant", tenantId), new("now", clock.GetUtcNow()) } });
        await merge.ExecuteNonQueryAsync(ct);
        var replaced = delete.RecordsAffected;
        await transaction.CommitAsync(ct);
        await AnalyzeIfChangedAsync(connection, "dispensary_observations", rows, ct);
        return new LoadOutcome<DispensaryLoadResult>(new DispensaryLoadResult(rows, clinics.Count, (int)replaced, watch.ElapsedMilliseconds), null);
    }

    /// <summary>
    /// After a load that changed a tenth or more of <paramref name="table"/> (or a thousand rows of a table never
    /// analysed), its statistics are brought up to date at once. A campaign is usually planned right after the register
    /// arrives, and autovacuum's ANALYZE can come a minute later: after another SMO's small register had been loaded and
    /// analysed first, a campaign over a million insured ran into the 30 s command timeout twice (it takes about 12 s),
    /// most likely planned on those statistics; with this, it did not. The table's rows are sampled (30,000 of them),
    /// so this takes well under a second. The load is committed by then: if this fails, the answer is still the load's,
    /// and autovacuum analyses the table later.
    /// </summary>
    private async Task AnalyzeIfChangedAsync(NpgsqlConnection connection, string table, long changed, CancellationToken ct)
    {
        try
        {
            await using (var size = new NpgsqlCommand("SELECT reltuples::bigint FROM pg_class WHERE oid = $1::regclass", connection))
            {
                size.Parameters.Add(new() { Value = table });
                var rows = (long)(await size.ExecuteScalarAsync(ct))!;
                if (rows < 0 ? changed < 1000 : changed * 10 < rows) return;
            }
            await using var analyze = new NpgsqlCommand($"ANALYZE {table}", connection);
            await analyze.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
        {
            LogStatisticsNotRefreshed(table, e.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "The statistics of {Table} were not refreshed after a load ({Error}); autovacuum will")]
    private partial void LogStatisticsNotRefreshed(string table, string error);

    /// <summary>An ICD-10 code: a letter, two digits, optionally '.' and one or two more (M86.6, I10, E11.65).</summary>
    public static bool IsIcd10(string code) =>
        code.Length is 3 or 5 or 6 && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiDigit(code[1]) && char.IsAsciiDigit(code[2])
        && (code.Length == 3 || code[3] == '.' && char.IsAsciiDigit(code[4]) && (code.Length == 5 || char.IsAsciiDigit(code[5])));

    private static Task WriteAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, NpgsqlDbType.Text, ct);

    private static Task WriteAsync(NpgsqlBinaryImporter importer, DateOnly? value, CancellationToken ct) =>
        value is { } date ? importer.WriteAsync(date, NpgsqlDbType.Date, ct) : importer.WriteNullAsync(ct);
}
