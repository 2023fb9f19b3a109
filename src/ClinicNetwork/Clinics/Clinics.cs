using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Platform.ClinicNetwork.Clinics;

/// <summary>A clinic of the tenant's network, as the API shows it.</summary>
public sealed record Clinic(
    Guid Id, string Code, string Name, string Country, string City, string Address, double Latitude, double Longitude,
    string TimeZone, string? Phone, string? Email, IReadOnlyList<string> Specialties, IReadOnlyList<string> Languages,
    bool Inpatient, bool Outpatient, bool Admits247, bool DirectBilling, IReadOnlyList<string> DirectBillingInsurers,
    DateOnly? ContractFrom, DateOnly? ContractTo, string Status, DateTimeOffset UpdatedAt);

public sealed class ClinicStore(NpgsqlDataSource dataSource)
{
    public const string Columns = """
        id, code, name, country, city, address, ST_Y(location::geometry), ST_X(location::geometry), time_zone, phone, email,
        specialties, languages, inpatient, outpatient, admits_24_7, direct_billing, direct_billing_insurers, contract_from,
        contract_to, status, updated_at
        """;

    public static Clinic Read(NpgsqlDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateOnly? D(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
        return new Clinic(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3).Trim(), r.GetString(4), r.GetString(5),
            r.GetDouble(6), r.GetDouble(7), r.GetString(8), S(9), S(10), r.GetFieldValue<string[]>(11), r.GetFieldValue<string[]>(12),
            r.GetBoolean(13), r.GetBoolean(14), r.GetBoolean(15), r.GetBoolean(16), r.GetFieldValue<string[]>(17), D(18), D(19),
            r.GetString(20), r.GetFieldValue<DateTimeOffset>(21));
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
}

public static class ClinicsApi
{
    public static RouteGroupBuilder MapClinicsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/clinics").WithTags("Clinics");
        group.MapGet("/{idOrCode}", async Task<Results<Ok<Clinic>, ProblemHttpResult>> (
            string idOrCode, RequestIdentity identity, ClinicStore clinics, CancellationToken ct) =>
            await clinics.FindAsync(identity.TenantId, idOrCode, ct) is { } clinic
                ? TypedResults.Ok(clinic)
                : Problems.NotFound($"Clinic {idOrCode} was not found."))
            .RequireAccess(Access.ReadCases).WithSummary("One clinic of the network, by its id or the network's code");
        return group;
    }
}
