using Npgsql;

namespace Platform.ClinicNetwork.Register;

/// <summary>A version of a price as read back.</summary>
public sealed record PriceVersion(string ServiceCode, decimal Price, string Currency, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed class PriceStore(NpgsqlDataSource dataSource)
{
    /// <summary>The clinic's prices valid on <paramref name="on"/>, or every version when it is null; null when the
    /// clinic is not the tenant's.</summary>
    public async Task<IReadOnlyList<PriceVersion>?> ListAsync(string tenantId, string code, DateOnly? on, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT p.service_code, p.price, p.currency, p.valid_from, p.valid_to
            FROM clinics c
            LEFT JOIN clinic_prices p ON p.clinic_id = c.id AND p.tenant_id = c.tenant_id
                AND (@on::date IS NULL OR (p.valid_from <= @on AND (p.valid_to IS NULL OR p.valid_to >= @on)))
            WHERE c.tenant_id = @tenant AND c.code = @code
            ORDER BY p.service_code, p.valid_from
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("code", code);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly?>("on", on));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        List<PriceVersion>? prices = null;
        while (await r.ReadAsync(ct))
        {
            prices ??= [];
            if (!r.IsDBNull(0))
                prices.Add(new PriceVersion(r.GetString(0), r.GetDecimal(1), r.GetString(2).Trim(), r.GetFieldValue<DateOnly>(3),
                    r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4)));
        }
        return prices;
    }
}
