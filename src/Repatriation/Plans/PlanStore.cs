using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts;
using Platform.Messaging;
using Platform.Repatriation.Fitness;

namespace Platform.Repatriation.Plans;

/// <summary>Plans and their legs in the database, and the events that tell Cases about a live plan.</summary>
public static class PlanStore
{
    private const string Columns = """
        id, tenant_id, case_id, case_number, mode, escort, route_class, provider_code, receiving_clinic_code, receiving_name,
        receiving_address, oxygen_lpm, equipment, details, estimate_amount, estimate_currency, status, version, created_at, created_by,
        changed_at, changed_by, cancel_reason
        """;

    /// <summary>A plan of the tenant (null for another tenant's: the two look the same); <paramref name="forUpdate"/> locks its row.</summary>
    public static async Task<StoredPlan?> ReadAsync(NpgsqlConnection connection, string tenantId, Guid id, CancellationToken ct,
        NpgsqlTransaction? transaction = null, bool forUpdate = false) =>
        (await ReadManyAsync(connection, transaction, $"WHERE tenant_id = @tenant AND id = @id{(forUpdate ? " FOR UPDATE" : "")}",
            [new("tenant", tenantId), new("id", id)], ct)).FirstOrDefault();

    /// <summary>A case's plans, newest first.</summary>
    public static Task<List<StoredPlan>> ForCaseAsync(NpgsqlConnection connection, string tenantId, Guid caseId, CancellationToken ct) =>
        ReadManyAsync(connection, null, "WHERE tenant_id = @tenant AND case_id = @case_id ORDER BY created_at DESC",
            [new("tenant", tenantId), new("case_id", caseId)], ct);

    private static async Task<List<StoredPlan>> ReadManyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string where,
        NpgsqlParameter[] parameters, CancellationToken ct)
    {
        var plans = new List<StoredPlan>();
        await using (var cmd = new NpgsqlCommand($"SELECT {Columns.Replace("details,", "details::text,")} FROM plans {where}", connection, transaction))
        {
            cmd.Parameters.AddRange(parameters);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            decimal? D(int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);
            while (await r.ReadAsync(ct))
                plans.Add(new StoredPlan(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                    S(7), S(8), S(9), S(10), D(11), r.GetFieldValue<string[]>(12),
                    JsonSerializer.Deserialize<MedifDetails>(r.GetString(13), PlatformJson.Options)!, D(14), S(15), r.GetString(16), r.GetInt64(17),
                    r.GetFieldValue<DateTimeOffset>(18), r.GetString(19), r.GetFieldValue<DateTimeOffset>(20), r.GetString(21), S(22), []));
        }
        if (plans.Count == 0) return plans;

        var legs = new Dictionary<Guid, List<PlanLeg>>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT plan_id, number, kind, from_place, to_place, departs_at, departs_offset_minutes, carrier, flight_number, seats,
                   arranged_by, paid_by, provider_code, status, reference
            FROM plan_legs WHERE plan_id = ANY(@ids) ORDER BY plan_id, number
            """, connection, transaction))
        {
            cmd.Parameters.AddWithValue("ids", plans.Select(p => p.Id).ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            while (await r.ReadAsync(ct))
            {
                var offset = TimeSpan.FromMinutes(r.GetInt32(6));
                var departs = r.GetFieldValue<DateTimeOffset>(5).ToOffset(offset);
                if (!legs.TryGetValue(r.GetGuid(0), out var list)) legs[r.GetGuid(0)] = list = [];
                list.Add(new PlanLeg(r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), departs, S(7), S(8),
                    r.IsDBNull(9) ? null : r.GetInt32(9), r.GetString(10), r.GetString(11), S(12), r.GetString(13), S(14)));
            }
        }
        return [.. plans.Select(p => p with { Legs = legs.GetValueOrDefault(p.Id) ?? [] })];
    }

    /// <summary>Writes the plan and all its legs (a new plan, or a whole replacement of one).</summary>
    public static async Task SaveAsync(NpgsqlTransaction transaction, StoredPlan plan, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            INSERT INTO plans ({Columns})
            VALUES (@id, @tenant, @case_id, @case_number, @mode, @escort, @route, @provider, @clinic, @receiving_name, @receiving_address,
                    @oxygen, @equipment, @details, @estimate, @estimate_currency, @status, @version, @created_at, @created_by, @changed_at,
                    @changed_by, @cancel_reason)
            ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, escort = excluded.escort, route_class = excluded.route_class,
                provider_code = excluded.provider_code, receiving_clinic_code = excluded.receiving_clinic_code,
                receiving_name = excluded.receiving_name, receiving_address = excluded.receiving_address, oxygen_lpm = excluded.oxygen_lpm,
                equipment = excluded.equipment, details = excluded.details, estimate_amount = excluded.estimate_amount,
                estimate_currency = excluded.estimate_currency, status = excluded.status, version = excluded.version,
                changed_at = excluded.changed_at, changed_by = excluded.changed_by, cancel_reason = excluded.cancel_reason
            """)
        {
            Parameters =
            {
                new("id", plan.Id), new("tenant", plan.TenantId), new("case_id", plan.CaseId), new("case_number", plan.CaseNumber),
                new("mode", plan.Mode), new("escort", plan.Escort), new("route", plan.RouteClass),
                new NpgsqlParameter<string?>("provider", plan.ProviderCode), new NpgsqlParameter<string?>("clinic", plan.ReceivingClinicCode),
                new NpgsqlParameter<string?>("receiving_name", plan.ReceivingName), new NpgsqlParameter<string?>("receiving_address", plan.ReceivingAddress),
                new NpgsqlParameter<decimal?>("oxygen", plan.OxygenLitresPerMinute), new("equipment", plan.Equipment.ToArray()),
                new("details", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(plan.Medif, PlatformJson.Options) },
                new NpgsqlParameter<decimal?>("estimate", plan.EstimateAmount), new NpgsqlParameter<string?>("estimate_currency", plan.EstimateCurrency),
                new("status", plan.Status), new("version", plan.Version), new("created_at", plan.CreatedAt), new("created_by", plan.CreatedBy),
                new("changed_at", plan.ChangedAt), new("changed_by", plan.ChangedBy), new NpgsqlParameter<string?>("cancel_reason", plan.CancelReason),
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM plan_legs WHERE plan_id = @id") { Parameters = { new("id", plan.Id) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO plan_legs (plan_id, number, kind, from_place, to_place, departs_at, departs_offset_minutes, carrier, flight_number, seats,
                                   arranged_by, paid_by, provider_code, status, reference, changed_at, changed_by)
            SELECT @id, * , @changed_at, @changed_by FROM unnest(@numbers, @kinds, @froms, @tos, @departs, @offsets, @carriers, @flights, @seats,
                                                                   @arranged, @paid, @providers, @statuses, @references)
            """)
        {
            Parameters =
            {
                new("id", plan.Id), new("changed_at", plan.ChangedAt), new("changed_by", plan.ChangedBy),
                new("numbers", plan.Legs.Select(l => l.Number).ToArray()), new("kinds", plan.Legs.Select(l => l.Kind).ToArray()),
                new("froms", plan.Legs.Select(l => l.From).ToArray()), new("tos", plan.Legs.Select(l => l.To).ToArray()),
                new("departs", plan.Legs.Select(l => l.DepartsAt.ToUniversalTime()).ToArray()),
                new("offsets", plan.Legs.Select(l => (int)l.DepartsAt.Offset.TotalMinutes).ToArray()),
                new("carriers", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = plan.Legs.Select(l => l.Carrier).ToArray() },
                new("flights", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = plan.Legs.Select(l => l.FlightNumber).ToArray() },
                new("seats", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = plan.Legs.Select(l => l.Seats).ToArray() },
                new("arranged", plan.Legs.Select(l => l.ArrangedBy).ToArray()), new("paid", plan.Legs.Select(l => l.PaidBy).ToArray()),
                new("providers", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = plan.Legs.Select(l => l.ProviderCode).ToArray() },
                new("statuses", plan.Legs.Select(l => l.Status).ToArray()),
                new("references", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = plan.Legs.Select(l => l.Reference).ToArray() },
            },
        });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Tells Cases (through the outbox, in the plan's transaction) the live plan as it now stands.</summary>
    public static Task PublishPlannedAsync(NpgsqlTransaction transaction, StoredPlan plan, CancellationToken ct) =>
        transaction.EnqueueAsync(new RepatriationPlanned(plan.Id, plan.TenantId, plan.CaseId, plan.CaseNumber, plan.Mode, plan.Escort,
            plan.ReceivingName,
            [.. plan.Legs.OrderBy(l => l.Number).Select(l => new RepatriationLeg(l.Number, l.Kind, l.From, l.To, l.DepartsAt, l.Carrier, l.FlightNumber,
                l.ArrangedBy, l.Status))],
            plan.MedifDueAt is { } due
                ? new RepatriationMedif(plan.MedifCarrier!, plan.MedifCarrierName!, due, plan.Mode == TransportModes.CommercialStretcher,
                    plan.OxygenLitresPerMinute is > 0, plan.Wheelchair != Medif.WheelchairCodes.None)
                : null,
            plan.Version, plan.ChangedAt), ct);
}
