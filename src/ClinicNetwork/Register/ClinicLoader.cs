using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.ClinicNetwork.Register;

/// <summary>What a register load came to: the counts, or the errors (and then nothing was written).</summary>
public sealed record ClinicLoadOutcome(ClinicBatchResult? Result, IDictionary<string, string[]>? Errors, bool ErrorsTruncated);

/// <summary>What a valid batch changed.</summary>
public sealed record ClinicBatchResult(int Created, int Updated, int Clinics, int PriceVersions);

/// <summary>
/// Loads a register into the tenant's clinic network: upsert by the network's code, price versions added (a later
/// version closes the one before it). All or nothing, as policy registers load: every row is checked while it streams
/// into a staging table by binary COPY inside one transaction; a batch with any bad row is rolled back whole and answered
/// with the errors (up to <see cref="MaxRowsWithErrors"/> rows); the merge is then a few set-based statements.
/// </summary>
public sealed class ClinicLoader(NpgsqlDataSource dataSource, IOptions<JsonOptions> json, TimeProvider clock)
{
    public const int MaxRowsWithErrors = 100;

    public Task<ClinicLoadOutcome> LoadJsonAsync(string tenantId, Stream body, CancellationToken ct) =>
        LoadAsync(tenantId, "clinics", (batch, c) => new JsonBatchReader<ClinicInput>(json.Value.SerializerOptions, "clinics").ReadAsync(body,
            (at, input, c2) => input.ToRow(new FieldKeys(batch.Errors, at)) is { } row ? batch.AddAsync(row, at, c2) : RejectedAsync(batch),
            batch.Reject, () => batch.TooManyErrors, c), ct);

    public Task<ClinicLoadOutcome> LoadCsvAsync(string tenantId, Stream body, CancellationToken ct) =>
        LoadAsync(tenantId, "rows", (batch, c) => ClinicCsvReader.ReadAsync(body, batch, c), ct);

    /// <summary>One clinic (<c>PUT /clinics/{code}</c>): the same checks and merge, errors keyed by field.</summary>
    public Task<ClinicLoadOutcome> LoadOneAsync(string tenantId, ClinicInput input, CancellationToken ct) =>
        LoadAsync(tenantId, "body", (batch, c) => input.ToRow(new FieldKeys(batch.Errors, "")) is { } row ? batch.AddAsync(row, "body", c) : RejectedAsync(batch), ct);

    private static Task RejectedAsync(ClinicBatch batch)
    {
        batch.RowRejected();
        return Task.CompletedTask;
    }

    private async Task<ClinicLoadOutcome> LoadAsync(string tenantId, string emptyKey, Func<ClinicBatch, CancellationToken, Task> read,
        CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE clinic_staging (
                code                    text COLLATE "C" NOT NULL,
                name                    text NOT NULL,
                country                 text NOT NULL,
                city                    text NOT NULL,
                address                 text NOT NULL,
                latitude                double precision NOT NULL,
                longitude               double precision NOT NULL,
                time_zone               text NOT NULL,
                phone                   text,
                email                   text,
                specialties             text[] NOT NULL,
                languages               text[] NOT NULL,
                inpatient               boolean NOT NULL,
                outpatient              boolean NOT NULL,
                admits_24_7             boolean NOT NULL,
                direct_billing          boolean NOT NULL,
                direct_billing_insurers text[] NOT NULL,
                contract_from           date,
                contract_to             date,
                status                  text NOT NULL,
                opening_hours           jsonb NOT NULL,
                prices                  jsonb NOT NULL
            ) ON COMMIT DROP;
            CREATE TEMP TABLE clinic_upserted (
                id       uuid NOT NULL,
                code     text COLLATE "C" NOT NULL,
                inserted boolean NOT NULL
            ) ON COMMIT DROP;
            """, connection, transaction))
            await create.ExecuteNonQueryAsync(ct);

        ClinicBatch batch;
        await using (var importer = await connection.BeginBinaryImportAsync("""
            COPY clinic_staging (code, name, country, city, address, latitude, longitude, time_zone, phone, email, specialties,
                languages, inpatient, outpatient, admits_24_7, direct_billing, direct_billing_insurers, contract_from, contract_to,
                status, opening_hours, prices) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            batch = new ClinicBatch(importer, MaxRowsWithErrors);
            await read(batch, ct);
            if (batch.Errors.IsValid && batch.Clinics == 0) batch.Reject(emptyKey, "The batch holds no clinic.");
            // Leaving without Complete cancels the COPY, and disposing the transaction rolls everything back.
            if (!batch.Errors.IsValid) return new ClinicLoadOutcome(null, batch.Errors.ToDictionary(), batch.TooManyErrors);
            await importer.CompleteAsync(ct);
        }

        // Sorted by code, so two batches touching the same clinics lock them in the same order.
        await using var merge = new NpgsqlCommand("""
            SET LOCAL work_mem = '256MB';
            ANALYZE clinic_staging (code);

            WITH upserted AS (
                INSERT INTO clinics AS c (id, tenant_id, code, name, country, city, address, location, time_zone, phone, email,
                    specialties, languages, inpatient, outpatient, admits_24_7, direct_billing, direct_billing_insurers,
                    contract_from, contract_to, status, opening_hours, created_at, updated_at)
                SELECT gen_random_uuid(), @tenant, code, name, country, city, address,
                    ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography, time_zone, phone, email, specialties,
                    languages, inpatient, outpatient, admits_24_7, direct_billing, direct_billing_insurers, contract_from,
                    contract_to, status, opening_hours, @now, @now
                FROM clinic_staging
                ORDER BY code
                ON CONFLICT (tenant_id, code) DO UPDATE SET
                    name = excluded.name, country = excluded.country, city = excluded.city, address = excluded.address,
                    location = excluded.location, time_zone = excluded.time_zone, phone = excluded.phone, email = excluded.email,
                    specialties = excluded.specialties, languages = excluded.languages, inpatient = excluded.inpatient,
                    outpatient = excluded.outpatient, admits_24_7 = excluded.admits_24_7, direct_billing = excluded.direct_billing,
                    direct_billing_insurers = excluded.direct_billing_insurers, contract_from = excluded.contract_from,
                    contract_to = excluded.contract_to, status = excluded.status, opening_hours = excluded.opening_hours,
                    updated_at = excluded.updated_at
                RETURNING c.id, c.code, c.xmax = 0 AS inserted)
            INSERT INTO clinic_upserted (id, code, inserted) SELECT id, code, inserted FROM upserted;

            ANALYZE clinic_upserted;

            -- A version sent again replaces its price (and its end, which the step below may shorten again).
            INSERT INTO clinic_prices AS p (tenant_id, clinic_id, service_code, price, currency, valid_from, valid_to, created_at, updated_at)
            SELECT @tenant, u.id, v."serviceCode", v.price, v.currency, v."validFrom", v."validTo", @now, @now
            FROM clinic_staging s
            JOIN clinic_upserted u ON u.code = s.code
            CROSS JOIN LATERAL jsonb_to_recordset(s.prices) AS v("serviceCode" text, price numeric, currency text, "validFrom" date, "validTo" date)
            ORDER BY u.id, v."serviceCode", v."validFrom"
            ON CONFLICT (clinic_id, service_code, valid_from) DO UPDATE SET
                price = excluded.price, currency = excluded.currency, valid_to = excluded.valid_to, updated_at = excluded.updated_at
            WHERE (p.price, p.currency, p.valid_to) IS DISTINCT FROM (excluded.price, excluded.currency, excluded.valid_to);

            -- Each version ends the day before the next one starts, unless it ends earlier already.
            UPDATE clinic_prices p SET valid_to = n.next_from - 1, updated_at = @now
            FROM (
                SELECT id, lead(valid_from) OVER (PARTITION BY clinic_id, service_code ORDER BY valid_from) AS next_from
                FROM clinic_prices
                WHERE clinic_id IN (SELECT u.id FROM clinic_upserted u JOIN clinic_staging s ON s.code = u.code WHERE jsonb_array_length(s.prices) > 0)
            ) n
            WHERE p.id = n.id AND n.next_from IS NOT NULL AND (p.valid_to IS NULL OR p.valid_to >= n.next_from);

            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM clinic_upserted;
            """, connection, transaction);
        merge.Parameters.AddWithValue("tenant", tenantId);
        var now = clock.GetUtcNow();
        merge.Parameters.AddWithValue("now", now);
        int created, updated;
        await using (var reader = await merge.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            created = (int)reader.GetInt64(0);
            updated = (int)reader.GetInt64(1);
        }
        await PublishPriceListsAsync(transaction, tenantId, now, ct);
        await transaction.CommitAsync(ct);
        return new ClinicLoadOutcome(new ClinicBatchResult(created, updated, created + updated, batch.PriceVersions), null, false);
    }

    /// <summary>
    /// Tells billing the whole price list of every clinic whose prices this load changed (in its transaction, by the
    /// outbox): billing checks invoices against it without reading this database.
    /// </summary>
    private static async Task PublishPriceListsAsync(NpgsqlTransaction transaction, string tenantId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT c.code, c.name, c.country,
                   jsonb_agg(jsonb_build_object('serviceCode', p.service_code, 'price', p.price, 'currency', p.currency,
                             'validFrom', p.valid_from, 'validTo', p.valid_to) ORDER BY p.service_code, p.valid_from)::text
            FROM clinics c
            JOIN clinic_prices p ON p.clinic_id = c.id
            WHERE c.tenant_id = @tenant
              AND c.id IN (SELECT clinic_id FROM clinic_prices WHERE updated_at = @now AND clinic_id IN (SELECT id FROM clinic_upserted))
            GROUP BY c.id
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("now", now);
        var lists = new List<ClinicPriceListChanged>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                lists.Add(new ClinicPriceListChanged(tenantId, r.GetString(0), r.GetString(1), r.GetString(2).Trim(),
                    JsonSerializer.Deserialize<Contracts.ClinicPrice[]>(r.GetString(3), PlatformJson.Options)!
                        .Select(p => p with { Currency = p.Currency.Trim() }).ToArray(), now));
        foreach (var list in lists) await transaction.EnqueueAsync(list, ct);
    }
}

/// <summary>
/// A batch being read: the readers hand it clinics as they check them, and it streams them into the staging table.
/// Once a row is bad nothing more is written (the batch will be rolled back); reading goes on to report the other bad rows.
/// </summary>
public sealed class ClinicBatch(NpgsqlBinaryImporter importer, int maxRowsWithErrors)
{
    private readonly Dictionary<string, string> _codes = new(StringComparer.Ordinal);

    public ValidationErrors Errors { get; } = new();
    public int RowsWithErrors { get; private set; }
    public bool TooManyErrors => RowsWithErrors >= maxRowsWithErrors;
    public int Clinics { get; private set; }
    public int PriceVersions { get; private set; }

    public void Reject(ValidationErrors row)
    {
        foreach (var (field, messages) in row.ToDictionary())
            foreach (var message in messages) Errors.Add(field, message);
        RowsWithErrors++;
    }

    public void Reject(string field, string error)
    {
        Errors.Add(field, error);
        RowsWithErrors++;
    }

    /// <summary>A row whose errors are in <see cref="Errors"/> already.</summary>
    public void RowRejected() => RowsWithErrors++;

    public async Task AddAsync(ClinicRow c, string at, CancellationToken ct)
    {
        if (!_codes.TryAdd(c.Code, at))
        {
            Reject($"{at}.code", $"The code {c.Code} is already used by {_codes[c.Code]} of this batch.");
            return;
        }
        Clinics++;
        PriceVersions += c.Prices.Length;
        if (RowsWithErrors > 0) return;
        await importer.StartRowAsync(ct);
        await importer.WriteAsync(c.Code, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(c.Name, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(c.Country, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(c.City, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(c.Address, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(c.Latitude, NpgsqlDbType.Double, ct);
        await importer.WriteAsync(c.Longitude, NpgsqlDbType.Double, ct);
        await importer.WriteAsync(c.TimeZone, NpgsqlDbType.Text, ct);
        await WriteOrNullAsync(c.Phone, ct);
        await WriteOrNullAsync(c.Email, ct);
        await importer.WriteAsync(c.Specialties, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await importer.WriteAsync(c.Languages, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await importer.WriteAsync(c.Inpatient, NpgsqlDbType.Boolean, ct);
        await importer.WriteAsync(c.Outpatient, NpgsqlDbType.Boolean, ct);
        await importer.WriteAsync(c.Admits247, NpgsqlDbType.Boolean, ct);
        await importer.WriteAsync(c.DirectBilling, NpgsqlDbType.Boolean, ct);
        await importer.WriteAsync(c.DirectBillingInsurers, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        if (c.ContractFrom is { } from) await importer.WriteAsync(from, NpgsqlDbType.Date, ct); else await importer.WriteNullAsync(ct);
        if (c.ContractTo is { } to) await importer.WriteAsync(to, NpgsqlDbType.Date, ct); else await importer.WriteNullAsync(ct);
        await importer.WriteAsync(c.Status, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(JsonSerializer.Serialize(c.OpeningHours, PlatformJson.Options), NpgsqlDbType.Jsonb, ct);
        await importer.WriteAsync(JsonSerializer.Serialize(c.Prices, PlatformJson.Options), NpgsqlDbType.Jsonb, ct);
    }

    private async Task WriteOrNullAsync(string? value, CancellationToken ct)
    {
        if (value is null) await importer.WriteNullAsync(ct);
        else await importer.WriteAsync(value, NpgsqlDbType.Text, ct);
    }
}
