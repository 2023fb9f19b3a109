using System.Text.Json;
using Npgsql;
using Platform.Repatriation.Fitness;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Cases;

/// <summary>
/// The case's repatriation cover as Cases last counted it, in the limit's currency: <c>Remaining</c> = limit − what letters
/// and commitments reserve − what invoices spent (null when the policy names no repatriation limit).
/// </summary>
public sealed record CaseCover(decimal? Limit, string? Currency, decimal Reserved, decimal Spent)
{
    public decimal? Remaining => Limit is { } limit ? limit - Reserved - Spent : null;
}

/// <summary>The attending doctor's details as Cases recorded them (procedures in the doctor's words, without dates).</summary>
public sealed record CaseMedical(
    long Version, string? DiagnosisCode, string? DiagnosisText, IReadOnlyList<string> Procedures, DateOnly? AdmissionOn,
    DateOnly? ExpectedDischargeOn, DateOnly? ReturnFlightOn, string FitToFly);

/// <summary>What this service knows of a case: who, where, the cover (from Cases), the doctor's details and the facts recorded here.</summary>
public sealed record CaseFile(
    string TenantId, Guid CaseId, string CaseNumber, string InsuredName, DateOnly? DateOfBirth, string? PolicyNumber,
    string? Country, string? City, CaseCover Cover, CaseMedical? Medical, RecordedFacts? Facts);

/// <summary>The medical facts as last recorded here (<c>Version</c> 1, 2, ... per case).</summary>
public sealed record RecordedFacts(int Version, MedicalFactsRequest Facts, DateTimeOffset RecordedAt, string RecordedBy);

public static class CaseFiles
{
    /// <summary>
    /// The case by its number (or id), in the tenant; null when this service has not heard of it (another tenant's case
    /// looks the same as no case). A case is known once Cases published its cover, which it does when the case opens.
    /// </summary>
    public static async Task<CaseFile?> FindAsync(NpgsqlConnection connection, string tenantId, string numberOrId, CancellationToken ct,
        NpgsqlTransaction? transaction = null)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT c.case_id, c.case_number, c.insured_name, c.insured_date_of_birth, c.policy_number, c.country, c.city,
                   c.cover_limit, c.cover_currency, c.cover_reserved, c.cover_spent,
                   m.version, m.diagnosis_code, m.diagnosis_text, m.procedures, m.admission_on, m.expected_discharge_on,
                   m.return_flight_on, m.fit_to_fly,
                   f.version, f.facts::text, f.recorded_at, f.recorded_by
            FROM cases c
            LEFT JOIN case_medical_details m ON m.tenant_id = c.tenant_id AND m.case_id = c.case_id
            LEFT JOIN LATERAL (SELECT * FROM medical_facts f WHERE f.tenant_id = c.tenant_id AND f.case_id = c.case_id
                               ORDER BY f.version DESC LIMIT 1) f ON true
            WHERE c.tenant_id = @tenant AND (c.case_number = @number OR c.case_id = @id)
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("number", numberOrId.Trim());
        cmd.Parameters.AddWithValue("id", Guid.TryParse(numberOrId, out var id) ? id : Guid.Empty);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        T? N<T>(int i) where T : struct => r.IsDBNull(i) ? null : r.GetFieldValue<T>(i);
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var medical = r.IsDBNull(11) ? null : new CaseMedical(r.GetInt64(11), S(12), S(13), r.GetFieldValue<string[]>(14), N<DateOnly>(15),
            N<DateOnly>(16), N<DateOnly>(17), r.GetString(18));
        var facts = r.IsDBNull(19) ? null : new RecordedFacts(r.GetInt32(19),
            JsonSerializer.Deserialize<MedicalFactsRequest>(r.GetString(20), PlatformJson.Options)!, r.GetFieldValue<DateTimeOffset>(21), r.GetString(22));
        return new CaseFile(tenantId, r.GetGuid(0), r.GetString(1), r.GetString(2), N<DateOnly>(3), S(4), S(5), S(6),
            new CaseCover(N<decimal>(7), S(8), r.GetDecimal(9), r.GetDecimal(10)), medical, facts);
    }

    public static string NotKnown(string numberOrId) =>
        $"Case {numberOrId} was not found (a case is known here once it is opened with its policy's cover).";
}
