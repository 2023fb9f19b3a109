using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.ClinicNetwork.Register;

namespace Platform.ClinicNetwork.Clinics;

/// <summary>A clinic of the tenant's network, as the API shows it.</summary>
public sealed record Clinic(
    Guid Id, string Code, string Name, string Country, string City, string Address, double Latitude, double Longitude,
    string TimeZone, string? Phone, string? Email, IReadOnlyList<string> Specialties, IReadOnlyList<string> Languages,
    bool Inpatient, bool Outpatient, bool Admits247, bool DirectBilling, IReadOnlyList<string> DirectBillingInsurers,
    DateOnly? ContractFrom, DateOnly? ContractTo, string Status, IReadOnlyList<OpeningHours> OpeningHours, DateTimeOffset UpdatedAt);

/// <summary>A page of clinics; <c>next</c> is the <c>after</c> of the next page (null on the last).</summary>
public sealed record ClinicPage(IReadOnlyList<Clinic> Items, string? Next);

public sealed class ClinicStore(NpgsqlDataSource dataSource)
{
    public const string Columns = """
        id, code, name, country, city, address, ST_Y(location::geometry), ST_X(location::geometry), time_zone, phone, email,
        specialties, languages, inpatient, outpatient, admits_24_7, direct_billing, direct_billing_insurers, contract_from,
        contract_to, status, opening_hours, updated_at
        """;

    public static Clinic Read(NpgsqlDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateOnly? D(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
        return new Clinic(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3).Trim(), r.GetString(4), r.GetString(5),
            r.GetDouble(6), r.GetDouble(7), r.GetString(8), S(9), S(10), r.GetFieldValue<string[]>(11), r.GetFieldValue<string[]>(12),
            r.GetBoolean(13), r.GetBoolean(14), r.GetBoolean(15), r.GetBoolean(16), r.GetFieldValue<string[]>(17), D(18), D(19),
            r.GetString(20), JsonSerializer.Deserialize<OpeningHours[]>(r.GetString(21), PlatformJson.Options) ?? [],
            r.GetFieldValue<DateTimeOffset>(22));
    }

    public async Task<Clinic?> FindAsync(string tenantId, string idOrCode, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {Columns} FROM clinics
            WHERE tenant_id = @tenant AND (code = @key OR (@id::uuid IS NOT NULL AND id = @id))
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("key", idOrCode);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("id", Guid.TryParse(idOrCode, out var id) ? id : null));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>The tenant's clinics in code order, from after <paramref name="after"/>, filtered.</summary>
    public async Task<ClinicPage> ListAsync(string tenantId, ClinicFilter filter, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {Columns} FROM clinics
            WHERE tenant_id = @tenant
              AND (@after::text IS NULL OR code COLLATE "C" > @after COLLATE "C")
              AND (@country::text IS NULL OR country = @country)
              AND (@city::text IS NULL OR lower(city) = lower(@city))
              AND (@status::text IS NULL OR status = @status)
              AND (@specialty::text IS NULL OR @specialty = ANY (specialties))
            ORDER BY code COLLATE "C"
            LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("after", filter.After));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("country", filter.Country));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("city", filter.City));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("status", filter.Status));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("specialty", filter.Specialty));
        cmd.Parameters.AddWithValue("limit", filter.Limit + 1);
        var items = new List<Clinic>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) items.Add(Read(r));
        return items.Count > filter.Limit ? new ClinicPage(items[..filter.Limit], items[filter.Limit - 1].Code) : new ClinicPage(items, null);
    }
}

public sealed record ClinicFilter(string? After, string? Country, string? City, string? Status, string? Specialty, int Limit);
