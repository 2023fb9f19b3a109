using Npgsql;
using Platform.Contracts;

namespace Platform.Messaging;

/// <summary>
/// What the services that keep a copy of a case's cover (billing, clinic network, repatriation) do alike when they write
/// a batch of Cases' pictures (<see cref="CaseCoverageChanged"/>) with <c>unnest</c>: bind the case's and the insured's
/// columns and the version, one array each, and read back which cases the upsert changed. The SQL stays in each service:
/// each owns its tables.
/// </summary>
public static class CoverPictures
{
    /// <summary>Binds @tenant, @case_id, @number, @name, @dob, @policy_number, @version and @at, in the pictures' order.</summary>
    public static void BindCase(NpgsqlParameterCollection p, IReadOnlyList<CaseCoverageChanged> pictures)
    {
        p.AddWithValue("tenant", pictures.Select(m => m.TenantId).ToArray());
        p.AddWithValue("case_id", pictures.Select(m => m.CaseId).ToArray());
        p.AddWithValue("number", pictures.Select(m => m.CaseNumber).ToArray());
        p.AddWithValue("name", pictures.Select(m => m.Insured.FullName).ToArray());
        p.AddWithValue("dob", pictures.Select(m => m.Insured.DateOfBirth).ToArray());
        p.AddWithValue("policy_number", pictures.Select(m => m.Insured.PolicyNumber).ToArray());
        p.AddWithValue("version", pictures.Select(m => m.Version).ToArray());
        p.AddWithValue("at", pictures.Select(m => m.ChangedAt).ToArray());
    }

    /// <summary>
    /// Runs an upsert that returns (tenant_id, case_id) of the rows it wrote, and returns the pictures it took: an
    /// older picture than the one kept changes nothing and is left out.
    /// </summary>
    public static async Task<List<CaseCoverageChanged>> UpsertAsync(NpgsqlCommand upsert, IReadOnlyList<CaseCoverageChanged> pictures,
        CancellationToken ct)
    {
        var changed = new HashSet<(string, Guid)>();
        await using (var reader = await upsert.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) changed.Add((reader.GetString(0), reader.GetGuid(1)));
        return [.. pictures.Where(m => changed.Contains((m.TenantId, m.CaseId)))];
    }
}
