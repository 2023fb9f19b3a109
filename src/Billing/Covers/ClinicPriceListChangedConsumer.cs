using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Billing.Covers;

/// <summary>Keeps the latest price list of each clinic (a whole picture; an older one arriving late changes nothing).</summary>
public sealed class ClinicPriceListChangedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<ClinicPriceListChanged>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<ClinicPriceListChanged> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO clinic_price_lists (tenant_id, clinic_code, clinic_name, country, changed_at)
            VALUES (@tenant, @code, @name, @country, @at)
            ON CONFLICT (tenant_id, clinic_code) DO UPDATE
            SET clinic_name = excluded.clinic_name, country = excluded.country, changed_at = excluded.changed_at
            WHERE clinic_price_lists.changed_at < excluded.changed_at
            """, transaction.Connection, transaction))
        {
            upsert.Parameters.AddWithValue("tenant", m.TenantId);
            upsert.Parameters.AddWithValue("code", m.ClinicCode);
            upsert.Parameters.AddWithValue("name", m.ClinicName);
            upsert.Parameters.AddWithValue("country", m.Country);
            upsert.Parameters.AddWithValue("at", m.ChangedAt);
            if (await upsert.ExecuteNonQueryAsync(ct) == 0) return;
        }
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM clinic_prices WHERE tenant_id = @tenant AND clinic_code = @code")
        {
            Parameters = { new("tenant", m.TenantId), new("code", m.ClinicCode) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO clinic_prices (tenant_id, clinic_code, service_code, price, currency, valid_from, valid_to)
            SELECT @tenant, @code, * FROM unnest(@codes, @prices, @currencies, @froms, @tos)
            ON CONFLICT DO NOTHING
            """)
        {
            Parameters =
            {
                new("tenant", m.TenantId), new("code", m.ClinicCode),
                new("codes", m.Prices.Select(p => p.ServiceCode).ToArray()),
                new("prices", m.Prices.Select(p => p.Price).ToArray()),
                new("currencies", m.Prices.Select(p => Money.Currency(p.Currency)).ToArray()),
                new("froms", m.Prices.Select(p => p.ValidFrom).ToArray()),
                new("tos", m.Prices.Select(p => p.ValidTo).ToArray()),
            },
        });
        await batch.ExecuteNonQueryAsync(ct);
    }
}
