using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Platform.OmsRepresentatives.Staffing;

/// <summary>The SMO's own norms: insured persons per representative of tier 1, 2 and 3.</summary>
public sealed record NormsRequest(int? Tier1, int? Tier2, int? Tier3);

/// <summary>A member of the roster: name, tier, the full-time equivalent they work (0.01 to 1.5) and whether they count now.</summary>
public sealed record RosterRequest(string? Name, int? Tier, decimal? Fte, bool? Active);

public sealed record RosterMember(string Id, string Name, int Tier, decimal Fte, bool Active, DateTimeOffset UpdatedAt);

/// <summary>
/// Staffing: how many representatives of each tier the SMO needs for the number of its insured (by its norms, else the
/// seed's), against the full-time equivalents of the active members of its roster. The supervisor reads it; the norms
/// and the roster are configuration.
/// </summary>
public static partial class StaffingApi
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex RosterId();

    public static IHostApplicationBuilder AddStaffing(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapStaffingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/staffing").WithTags("Staffing");
        group.MapGet("/", GetAsync).RequireAccess(Access.OmsSupervise)
            .WithSummary("The representatives needed per tier for the number of insured (by the norms) against the active roster, with the gap in words");
        group.MapPut("/norms", PutNormsAsync).RequireAccess(Access.OmsConfigure)
            .WithSummary($"Sets the insured per representative of each tier (tier1, tier2, tier3: {StaffingNorms.Min} to {StaffingNorms.Max}); answers with the staffing");
        group.MapGet("/roster", ListRosterAsync).RequireAccess(Access.OmsSupervise)
            .WithSummary("The roster: every representative with tier, full-time equivalent and whether active");
        group.MapPut("/roster/{id}", PutMemberAsync).RequireAccess(Access.OmsConfigure)
            .WithSummary("Adds or replaces a member of the roster (id: 1-64 letters, digits, dots, dashes, underscores)");
        group.MapDelete("/roster/{id}", DeleteMemberAsync).RequireAccess(Access.OmsConfigure)
            .WithSummary("Removes a member from the roster");
        return app;
    }

    private static async Task<Ok<StaffingView>> GetAsync(RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await ReadAsync(connection, identity.TenantId, ct));
    }

    private static async Task<Results<Ok<StaffingView>, ValidationProblem>> PutNormsAsync(
        NormsRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var e = new ValidationErrors();
        foreach (var (field, value) in new[] { ("tier1", request.Tier1), ("tier2", request.Tier2), ("tier3", request.Tier3) })
            if (e.Required(field, value) && value is < StaffingNorms.Min or > StaffingNorms.Max)
                e.Add(field, $"The norm must be {StaffingNorms.Min} to {StaffingNorms.Max} insured persons per representative.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was saved; correct the fields named.");

        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO staffing_norms (tenant_id, tier1_insured, tier2_insured, tier3_insured, updated_at)
            VALUES (@tenant, @tier1, @tier2, @tier3, @now)
            ON CONFLICT (tenant_id) DO UPDATE SET tier1_insured = excluded.tier1_insured, tier2_insured = excluded.tier2_insured,
                tier3_insured = excluded.tier3_insured, updated_at = excluded.updated_at
            """, connection))
        {
            cmd.Parameters.AddWithValue("tenant", identity.TenantId);
            cmd.Parameters.AddWithValue("tier1", request.Tier1!.Value);
            cmd.Parameters.AddWithValue("tier2", request.Tier2!.Value);
            cmd.Parameters.AddWithValue("tier3", request.Tier3!.Value);
            cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return TypedResults.Ok(await ReadAsync(connection, identity.TenantId, ct));
    }

    private static async Task<Ok<RosterMember[]>> ListRosterAsync(RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok((await ReadRosterAsync(connection, identity.TenantId, null, ct)).ToArray());
    }

    private static async Task<Results<Ok<RosterMember>, Created<RosterMember>, ValidationProblem>> PutMemberAsync(
        string id, RosterRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (!RosterId().IsMatch(id)) e.Add("id", "The id must be 1 to 64 letters, digits, dots, dashes or underscores, such as rep-17.");
        if (e.Required("name", request.Name)) e.MaxLength("name", request.Name!.Trim(), 200);
        if (e.Required("tier", request.Tier) && request.Tier is < 1 or > 3) e.Add("tier", "The tier must be 1, 2 or 3.");
        if (e.Required("fte", request.Fte) && (request.Fte is <= 0 or > 1.5m || request.Fte != decimal.Round(request.Fte!.Value, 2)))
            e.Add("fte", "The full-time equivalent must be above 0 and at most 1.5, in hundredths (such as 1, 0.5 or 0.75).");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was saved; correct the fields named.");

        await using var connection = await db.OpenConnectionAsync(ct);
        bool inserted;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO roster (tenant_id, id, name, tier, fte, active, updated_at)
            VALUES (@tenant, @id, @name, @tier, @fte, @active, @now)
            ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, tier = excluded.tier, fte = excluded.fte,
                active = excluded.active, updated_at = excluded.updated_at
            RETURNING xmax = 0
            """, connection))
        {
            cmd.Parameters.AddWithValue("tenant", identity.TenantId);
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("name", request.Name!.Trim());
            cmd.Parameters.AddWithValue("tier", (short)request.Tier!.Value);
            cmd.Parameters.AddWithValue("fte", request.Fte!.Value);
            cmd.Parameters.AddWithValue("active", request.Active ?? true);
            cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
            inserted = (bool)(await cmd.ExecuteScalarAsync(ct))!;
        }
        var member = (await ReadRosterAsync(connection, identity.TenantId, id, ct))[0];
        return inserted ? TypedResults.Created($"/staffing/roster/{Uri.EscapeDataString(id)}", member) : TypedResults.Ok(member);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMemberAsync(
        string id, RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("DELETE FROM roster WHERE tenant_id = @tenant AND id = @id", connection);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteNonQueryAsync(ct) == 1 ? TypedResults.NoContent() : Problems.NotFound($"Roster member {id} was not found.");
    }

    /// <summary>The staffing of a tenant: its register's size, its norms (else the defaults) and its active roster's FTE per tier, in one round trip.</summary>
    public static async Task<StaffingView> ReadAsync(NpgsqlConnection connection, string tenantId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM insured WHERE tenant_id = @tenant),
                   n.tier1_insured, n.tier2_insured, n.tier3_insured, n.updated_at,
                   (SELECT coalesce(sum(fte) FILTER (WHERE tier = 1), 0) FROM roster WHERE tenant_id = @tenant AND active),
                   (SELECT coalesce(sum(fte) FILTER (WHERE tier = 2), 0) FROM roster WHERE tenant_id = @tenant AND active),
                   (SELECT coalesce(sum(fte) FILTER (WHERE tier = 3), 0) FROM roster WHERE tenant_id = @tenant AND active)
            FROM (SELECT 1) one LEFT JOIN staffing_norms n ON n.tenant_id = @tenant
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var insured = r.GetInt64(0);
        var norms = r.IsDBNull(1) ? StaffingNorms.Default : new StaffingNorms(r.GetInt32(1), r.GetInt32(2), r.GetInt32(3));
        DateTimeOffset? updatedAt = r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4);
        var tiers = Enumerable.Range(1, 3).Select(t => StaffingFigures.Tier(t, insured, norms.Of(t), r.GetDecimal(4 + t))).ToList();
        return new StaffingView(insured, tiers, updatedAt);
    }

    private static async Task<List<RosterMember>> ReadRosterAsync(NpgsqlConnection connection, string tenantId, string? id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT id, name, tier, fte, active, updated_at FROM roster
            WHERE tenant_id = @tenant AND (@id::text IS NULL OR id = @id)
            ORDER BY tier, name, id
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("id", id));
        var list = new List<RosterMember>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new RosterMember(r.GetString(0), r.GetString(1), r.GetInt16(2), r.GetDecimal(3), r.GetBoolean(4), r.GetFieldValue<DateTimeOffset>(5)));
        return list;
    }
}
