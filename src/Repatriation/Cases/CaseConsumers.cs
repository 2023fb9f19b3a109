using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Repatriation.Cases;

/// <summary>
/// Keeps this service's view of a case: the insured person, where the case is, and its repatriation cover (limit, what
/// letters and commitments reserve, what invoices spent), from the latest picture Cases published (by version; an older
/// one arriving late changes nothing).
/// </summary>
public sealed class CaseCoverageChangedConsumer(NpgsqlDataSource dataSource) : InboxBatchConsumer<CaseCoverageChanged>(dataSource)
{
    public const string Benefit = "repatriation";

    protected override async Task ApplyAsync(IReadOnlyList<ConsumeContext<CaseCoverageChanged>> messages, NpgsqlTransaction transaction,
        CancellationToken ct)
    {
        foreach (var pictures in Rounds(messages, m => (m.TenantId, m.CaseId)))
        {
            var covers = pictures.Select(m => m.Benefits.FirstOrDefault(b => string.Equals(b.Benefit.Trim(), Benefit, StringComparison.OrdinalIgnoreCase))).ToList();
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO cases (tenant_id, case_id, case_number, insured_name, insured_date_of_birth, policy_number, country, city,
                                   cover_limit, cover_currency, cover_reserved, cover_spent, cover_version, cover_changed_at)
                SELECT * FROM unnest(@tenant::text[], @case_id::uuid[], @number::text[], @name::text[], @dob::date[], @policy_number::text[],
                                     @country::text[], @city::text[], @limit::numeric[], @currency::text[], @reserved::numeric[],
                                     @spent::numeric[], @version::bigint[], @at::timestamptz[])
                ON CONFLICT (tenant_id, case_id) DO UPDATE
                SET case_number = excluded.case_number, insured_name = excluded.insured_name,
                    insured_date_of_birth = excluded.insured_date_of_birth, policy_number = excluded.policy_number,
                    country = coalesce(excluded.country, cases.country), city = coalesce(excluded.city, cases.city),
                    cover_limit = excluded.cover_limit, cover_currency = excluded.cover_currency, cover_reserved = excluded.cover_reserved,
                    cover_spent = excluded.cover_spent, cover_version = excluded.cover_version, cover_changed_at = excluded.cover_changed_at
                WHERE cases.cover_version < excluded.cover_version
                """, transaction.Connection, transaction);
            var p = upsert.Parameters;
            CoverPictures.BindCase(p, pictures);
            p.AddWithValue("country", pictures.Select(m => m.Location?.Country.Trim().ToUpperInvariant() is { Length: 2 } c ? c : null).ToArray());
            p.AddWithValue("city", pictures.Select(m => m.Location?.City).ToArray());
            p.AddWithValue("limit", covers.Select(c => c?.Limit).ToArray());
            p.AddWithValue("currency", covers.Select(c => c?.Currency.Trim().ToUpperInvariant()).ToArray());
            p.AddWithValue("reserved", covers.Select(c => c?.Reserved ?? 0m).ToArray());
            p.AddWithValue("spent", covers.Select(c => c?.Spent ?? 0m).ToArray());
            await upsert.ExecuteNonQueryAsync(ct);
        }
    }
}

/// <summary>Keeps the attending doctor's latest details of a case (diagnosis, admission, expected discharge, the booked return flight).</summary>
public sealed class MedicalDetailsRecordedConsumer(NpgsqlDataSource dataSource) : InboxConsumer<MedicalDetailsRecorded>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<MedicalDetailsRecorded> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO case_medical_details (tenant_id, case_id, version, diagnosis_code, diagnosis_text, procedures, admission_on,
                                              expected_discharge_on, return_flight_on, fit_to_fly, recorded_at)
            VALUES (@tenant, @case_id, @version, @code, @text, @procedures, @admission, @discharge, @flight, @fit, @at)
            ON CONFLICT (tenant_id, case_id) DO UPDATE
            SET version = excluded.version, diagnosis_code = excluded.diagnosis_code, diagnosis_text = excluded.diagnosis_text,
                procedures = excluded.procedures, admission_on = excluded.admission_on,
                expected_discharge_on = excluded.expected_discharge_on, return_flight_on = excluded.return_flight_on,
                fit_to_fly = excluded.fit_to_fly, recorded_at = excluded.recorded_at
            WHERE case_medical_details.version < excluded.version
            """, transaction.Connection, transaction);
        var p = upsert.Parameters;
        p.AddWithValue("tenant", m.TenantId);
        p.AddWithValue("case_id", m.CaseId);
        p.AddWithValue("version", m.Version);
        p.Add(new NpgsqlParameter<string?>("code", m.DiagnosisCode));
        p.Add(new NpgsqlParameter<string?>("text", m.DiagnosisText));
        p.AddWithValue("procedures", m.Procedures.ToArray());
        p.Add(new NpgsqlParameter<DateOnly?>("admission", m.AdmissionOn));
        p.Add(new NpgsqlParameter<DateOnly?>("discharge", m.ExpectedDischargeOn));
        p.Add(new NpgsqlParameter<DateOnly?>("flight", m.ReturnFlightOn));
        p.AddWithValue("fit", m.FitToFly);
        p.AddWithValue("at", m.RecordedAt);
        await upsert.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
