using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Intake.Appeals;

/// <summary>The appeals table. Every query carries the tenant in its WHERE clause.</summary>
public sealed class AppealStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores the appeal and its <see cref="AppealRegistered"/> event in one transaction.</summary>
    public async Task RegisterAsync(AppealRegistered appeal, string registeredBy, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO appeals (id, tenant_id, channel, urgency,
                caller_name, caller_relation, caller_phone, caller_email, caller_language,
                insured_policy_number, insured_full_name, insured_date_of_birth,
                country, city, address, description, registered_at, registered_by)
            VALUES (@id, @tenant, @channel, @urgency,
                @caller_name, @caller_relation, @caller_phone, @caller_email, @caller_language,
                @policy, @full_name, @dob,
                @country, @city, @address, @description, @registered_at, @registered_by)
            """, connection, transaction))
        {
            var p = cmd.Parameters;
            p.AddWithValue("id", appeal.AppealId);
            p.AddWithValue("tenant", appeal.TenantId);
            p.AddWithValue("channel", appeal.Channel);
            p.AddWithValue("urgency", appeal.Urgency);
            p.AddWithValue("caller_name", appeal.Caller.Name);
            p.AddWithValue("caller_relation", appeal.Caller.Relation);
            p.AddWithValue("caller_phone", Db(appeal.Caller.Phone));
            p.AddWithValue("caller_email", Db(appeal.Caller.Email));
            p.AddWithValue("caller_language", Db(appeal.Caller.Language));
            p.AddWithValue("policy", Db(appeal.Insured.PolicyNumber));
            p.AddWithValue("full_name", appeal.Insured.FullName);
            p.AddWithValue("dob", appeal.Insured.DateOfBirth is { } dob ? dob : DBNull.Value);
            p.AddWithValue("country", appeal.Location.Country);
            p.AddWithValue("city", Db(appeal.Location.City));
            p.AddWithValue("address", Db(appeal.Location.Address));
            p.AddWithValue("description", appeal.Description);
            p.AddWithValue("registered_at", appeal.RegisteredAt);
            p.AddWithValue("registered_by", registeredBy);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await transaction.EnqueueAsync(appeal, ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<AppealResponse?> FindAsync(string tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, channel, urgency, caller_name, caller_relation, caller_phone, caller_email, caller_language,
                   insured_policy_number, insured_full_name, insured_date_of_birth,
                   country, city, address, description, registered_at, case_number
            FROM appeals
            WHERE tenant_id = @tenant AND id = @id
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new AppealResponse(
            r.GetGuid(0), r.GetString(1), r.GetString(2),
            new AppealCaller(r.GetString(3), r.GetString(4), Str(r, 5), Str(r, 6), Str(r, 7)),
            new InsuredIdentity(Str(r, 8), r.GetString(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateOnly>(10)),
            new AppealLocation(r.GetString(11), Str(r, 12), Str(r, 13)),
            r.GetString(14), r.GetFieldValue<DateTimeOffset>(15), Str(r, 16));
    }

    /// <summary>Records the case Cases opened for the appeal; the tenant must match the appeal's.</summary>
    public static async Task LinkCaseAsync(NpgsqlTransaction transaction, CaseOpened opened, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            UPDATE appeals SET case_id = @case_id, case_number = @case_number
            WHERE id = @appeal_id AND tenant_id = @tenant
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("case_id", opened.CaseId);
        cmd.Parameters.AddWithValue("case_number", opened.CaseNumber);
        cmd.Parameters.AddWithValue("appeal_id", opened.AppealId);
        cmd.Parameters.AddWithValue("tenant", opened.TenantId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static object Db(string? value) => string.IsNullOrWhiteSpace(value) ? DBNull.Value : value.Trim();
    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
