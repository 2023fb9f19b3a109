using Dapper;
using Npgsql;

namespace Platform.Gateway.ApiKeys;

/// <summary>An API key, without its secret. <c>Role</c>: insurer, or clinic (then <c>ClinicCode</c> names the clinic).</summary>
public sealed record ApiKeySummary(Guid KeyId, string TenantId, string Name, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt,
    string Role = "insurer", string? ClinicCode = null);

public sealed record IssuedApiKey(Guid KeyId, string TenantId, string Name, string ApiKey, DateTime CreatedAt, string Role, string? ClinicCode);

/// <summary>The key the gateway verified: who is calling, for which tenant, and as what (an insurer, or one clinic of its network).</summary>
public sealed record VerifiedApiKey(Guid KeyId, string TenantId, string Role = "insurer", string? ClinicCode = null);

/// <summary>API keys in the gateway's own database. Only hashes are stored; the secret leaves the gateway once.</summary>
public sealed class ApiKeyStore(NpgsqlDataSource db, VerifiedKeyCache cache)
{
    public async Task<IssuedApiKey> IssueAsync(string tenantId, string name, string role, string? clinicCode, string createdBy, CancellationToken ct)
    {
        var keyId = Guid.CreateVersion7();
        var secret = ApiKeySecret.Generate();
        await using var conn = await db.OpenConnectionAsync(ct);
        var createdAt = await conn.ExecuteScalarAsync<DateTime>(new CommandDefinition("""
            INSERT INTO api_keys (key_id, tenant_id, name, key_hash, created_by, role, clinic_code)
            VALUES (@keyId, @tenantId, @name, @hash, @createdBy, @role, @clinicCode)
            RETURNING created_at
            """,
            new { keyId, tenantId, name, hash = ApiKeySecret.Hash(secret), createdBy, role, clinicCode }, cancellationToken: ct));
        return new IssuedApiKey(keyId, tenantId, name, secret, createdAt, role, clinicCode);
    }

    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<ApiKeySummary>(new CommandDefinition("""
            SELECT key_id AS KeyId, tenant_id AS TenantId, name AS Name, created_at AS CreatedAt,
                   revoked_at AS RevokedAt, last_used_at AS LastUsedAt, role AS Role, clinic_code AS ClinicCode
            FROM api_keys
            WHERE tenant_id = @tenantId
            ORDER BY created_at, key_id
            """, new { tenantId }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Revokes a key; revoking it again changes nothing. False when there is no such key.</summary>
    public async Task<bool> RevokeAsync(Guid keyId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var hash = await conn.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition("""
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
            WHERE key_id = @keyId
            RETURNING key_hash
            """, new { keyId }, cancellationToken: ct));
        if (hash is null) return false;
        await cache.RevokedAsync(hash);
        return true;
    }

    /// <summary>
    /// A key verified in the last minute comes from <see cref="VerifiedKeyCache"/> (revocations reach every replica's
    /// cache at once); otherwise an index probe on the hash, which also writes last_used_at (at most once a minute).
    /// Requests that present a key while it is being looked up share that lookup (<see cref="VerifiedKeyCache.GetOrReadAsync"/>):
    /// when a busy key's entry expires, the requests in flight ask the database once, not each.
    /// </summary>
    public Task<VerifiedApiKey?> VerifyAsync(string presentedKey, CancellationToken ct)
    {
        var hash = ApiKeySecret.Hash(presentedKey);
        return cache.GetOrReadAsync(hash, token => LookUpAsync(hash, token), ct);
    }

    private async Task<VerifiedApiKey?> LookUpAsync(byte[] hash, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<VerifiedApiKey>(new CommandDefinition("""
            WITH key AS (
                SELECT key_id, tenant_id, role, clinic_code, last_used_at FROM api_keys
                WHERE key_hash = @hash AND revoked_at IS NULL),
            touched AS (
                UPDATE api_keys SET last_used_at = now()
                FROM key
                WHERE api_keys.key_id = key.key_id
                  AND (key.last_used_at IS NULL OR key.last_used_at < now() - interval '1 minute'))
            SELECT key_id AS KeyId, tenant_id AS TenantId, role AS Role, clinic_code AS ClinicCode FROM key
            """, new { hash }, cancellationToken: ct));
    }
}
