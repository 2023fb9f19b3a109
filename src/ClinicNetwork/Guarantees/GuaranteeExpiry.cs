using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// Expires the letters whose period has ended (the day after its last, in the clinic's time zone) and publishes their
/// revocation, so Cases releases what they reserved. Rows are claimed with FOR UPDATE SKIP LOCKED, so replicas share
/// the sweep; the time is the platform's TimeProvider.
/// </summary>
public sealed partial class GuaranteeExpiry(NpgsqlDataSource dataSource, IOptions<GuaranteeOptions> options, TimeProvider clock,
    ILogger<GuaranteeExpiry> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ExpireDueAsync(stoppingToken);
                await Task.Delay(options.Value.ExpiryInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFailed(e);
                try { await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>Expires every letter due by now; returns how many.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var expired = new List<(Guid Id, string Tenant, Guid CaseId)>();
            await using (var cmd = new NpgsqlCommand("""
                WITH due AS (
                    SELECT id FROM guarantee_letters
                    WHERE status = 'issued' AND period_to < (@now AT TIME ZONE clinic_time_zone)::date
                    LIMIT 100 FOR UPDATE SKIP LOCKED)
                UPDATE guarantee_letters l SET status = 'expired', revoked_at = @now
                FROM due WHERE l.id = due.id
                RETURNING l.id, l.tenant_id, l.case_id
                """, connection, transaction))
            {
                cmd.Parameters.AddWithValue("now", now);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) expired.Add((r.GetGuid(0), r.GetString(1), r.GetGuid(2)));
            }
            if (expired.Count == 0) return total;
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                batch.EnqueueAll([.. expired.Select(e => new GuaranteeLetterRevoked(e.Id, e.Tenant, e.CaseId, now))]);
                await batch.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            total += expired.Count;
        }
    }

    [LoggerMessage(LogLevel.Error, "Expiring guarantee letters failed; retrying")]
    private partial void LogFailed(Exception e);
}
