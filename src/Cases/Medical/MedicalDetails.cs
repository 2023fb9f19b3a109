using Microsoft.Extensions.Hosting;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Cases.CaseFiles;
using Platform.Cases.Tasks;
using Platform.Cases.Timeline;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Medical;

public sealed record Diagnosis(string? Code, string? Text);

/// <summary>
/// What the attending doctor reports, as structured fields: so nobody asks twice, and so the return flight and the
/// policy's end can be checked against the expected discharge. <c>FitToFly</c>: unknown, yes, with-escort, stretcher, no.
/// </summary>
public sealed record MedicalDetailsRequest(
    Diagnosis? Diagnosis,
    IReadOnlyList<string>? Procedures,
    DateOnly? AdmissionOn,
    DateOnly? ExpectedDischargeOn,
    DateOnly? ReturnFlightOn,
    string? Recommendations,
    [property: OneOf(typeof(MedicalDetails), nameof(MedicalDetails.FitToFlyValues))] string? FitToFly,
    bool? RehabilitationNeeded);

/// <summary>One version of a case's medical details; <c>Version</c> numbers the case's versions 1, 2, 3 ...</summary>
public sealed record MedicalRecord(
    long Version, DateTimeOffset RecordedAt, string RecordedBy, Diagnosis? Diagnosis, IReadOnlyList<string> Procedures,
    DateOnly? AdmissionOn, DateOnly? ExpectedDischargeOn, DateOnly? ReturnFlightOn, string? Recommendations, [property: OneOf(typeof(MedicalDetails), nameof(MedicalDetails.FitToFlyValues))] string FitToFly,
    bool? RehabilitationNeeded);

public sealed record MedicalDetailsResponse(MedicalRecord? Current, IReadOnlyList<string> Warnings, IReadOnlyList<MedicalRecord> History);

public static partial class MedicalDetails
{
    [EnumSchema("FitToFly")]
    public static readonly string[] FitToFlyValues = ["unknown", "yes", "with-escort", "stretcher", "no"];

    // ICD-10: a letter, two digits, optionally a dot and up to four more characters (J18.9, S72.00, I21).
    [GeneratedRegex(@"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")]
    private static partial Regex Icd10();

    public static RouteGroupBuilder MapMedicalDetailsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}/medical-details").WithTags("Medical details");
        group.MapGet("/", GetAsync).RequireAccess(Access.ReadCases).WithSummary("The current medical details, warnings, and every earlier version");
        group.MapPost("/", RecordAsync).RequireAccess(Access.Clinical).WithSummary("Records a new version of the medical details; earlier versions are kept");
        return group;
    }

    /// <summary>Checks that follow from the details: the seed case's return flight before the discharge, fitness to fly unknown.</summary>
    public static IReadOnlyList<string> WarningsFor(MedicalRecord? current)
    {
        var warnings = new List<string>();
        if (current is null) return warnings;
        if (current is { ReturnFlightOn: { } flight, ExpectedDischargeOn: { } discharge } && flight <= discharge)
            warnings.Add($"return-flight-before-discharge: the return flight on {flight:yyyy-MM-dd} is not after the expected discharge on {discharge:yyyy-MM-dd}; the ticket must be changed or repatriation arranged.");
        if (current is { ReturnFlightOn: not null, FitToFly: "unknown" })
            warnings.Add("fitness-to-fly-unknown: a return flight is booked but fitness to fly has not been assessed.");
        if (current is { FitToFly: "stretcher" or "with-escort" })
            warnings.Add($"medif-required: flying {current.FitToFly} needs the airline's MEDIF form signed by the attending doctor.");
        return warnings;
    }

    public static async Task<IReadOnlyList<MedicalRecord>> HistoryAsync(NpgsqlConnection connection, string tenantId, Guid caseId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT version, recorded_at, recorded_by, diagnosis_code, diagnosis_text, procedures, admission_on, expected_discharge_on,
                   return_flight_on, recommendations, fit_to_fly, rehabilitation_needed
            FROM medical_details WHERE tenant_id = @tenant AND case_id = @case_id ORDER BY version DESC
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        var list = new List<MedicalRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        DateOnly? D(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        while (await r.ReadAsync(ct))
            list.Add(new MedicalRecord(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2),
                S(3) is null && S(4) is null ? null : new Diagnosis(S(3), S(4)), r.GetFieldValue<string[]>(5), D(6), D(7), D(8), S(9),
                r.GetString(10), r.IsDBNull(11) ? null : r.GetBoolean(11)));
        return list;
    }

    /// <summary>
    /// Tells the repatriation service the new version (through the outbox, in the transaction that records it), so fitness
    /// to fly is judged on what the doctor reported last.
    /// </summary>
    private static async Task PublishAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, MedicalRecord record, CancellationToken ct)
    {
        await using var number = new NpgsqlCommand("SELECT number FROM cases WHERE tenant_id = @tenant AND id = @id", transaction.Connection, transaction);
        number.Parameters.AddWithValue("tenant", tenantId);
        number.Parameters.AddWithValue("id", caseId);
        await transaction.EnqueueAsync(new MedicalDetailsRecorded(tenantId, caseId, (string)(await number.ExecuteScalarAsync(ct))!, record.Version,
            record.Diagnosis?.Code, record.Diagnosis?.Text, record.Procedures, record.AdmissionOn, record.ExpectedDischargeOn,
            record.ReturnFlightOn, record.FitToFly, record.RecordedAt), ct);
    }

    private static async Task<Results<Ok<MedicalDetailsResponse>, ProblemHttpResult>> GetAsync(
        string numberOrId, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore cases, CancellationToken ct)
    {
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var history = await HistoryAsync(connection, identity.TenantId, caseId, ct);
        return TypedResults.Ok(new MedicalDetailsResponse(history.FirstOrDefault(), WarningsFor(history.FirstOrDefault()), history));
    }

    private static async Task<Results<Ok<MedicalDetailsResponse>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        string numberOrId, MedicalDetailsRequest request, RequestIdentity identity, NpgsqlDataSource dataSource, CaseStore cases,
        TimeProvider clock, CancellationToken ct)
    {
        var e = new ValidationErrors();
        e.Matches("diagnosis.code", request.Diagnosis?.Code, Icd10(), "an ICD-10 code such as 'I21.4' or 'S72.00'");
        e.MaxLength("diagnosis.text", request.Diagnosis?.Text, 500);
        for (var i = 0; i < (request.Procedures?.Count ?? 0); i++)
            if (string.IsNullOrWhiteSpace(request.Procedures![i]) || request.Procedures[i].Length > 300)
                e.Add($"procedures[{i}]", "A procedure is 1 to 300 characters.");
        e.OneOf("fitToFly", request.FitToFly, FitToFlyValues);
        e.MaxLength("recommendations", request.Recommendations, 4000);
        if (request is { AdmissionOn: { } admitted, ExpectedDischargeOn: { } discharge } && discharge < admitted)
            e.Add("expectedDischargeOn", "The expected discharge cannot be before the admission.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        if (await cases.ResolveAsync(identity.TenantId, numberOrId, ct) is not { } caseId) return Problems.NotFound($"Case {numberOrId} was not found.");

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Versions are numbered per case, under the case row's lock (the UPDATE), so two doctors recording at once get
        // consecutive versions.
        await using (var cmd = new NpgsqlCommand("""
            WITH c AS (
                UPDATE cases SET expected_discharge_on = @discharge, medical_versions = medical_versions + 1
                WHERE id = @case_id AND tenant_id = @tenant
                RETURNING medical_versions)
            INSERT INTO medical_details (tenant_id, case_id, version, recorded_at, recorded_by, diagnosis_code, diagnosis_text, procedures,
                admission_on, expected_discharge_on, return_flight_on, recommendations, fit_to_fly, rehabilitation_needed)
            SELECT @tenant, @case_id, c.medical_versions, @now, @actor, @code, @text, @procedures, @admission, @discharge, @flight,
                @recommendations, @fit, @rehab
            FROM c
            """, connection, transaction))
        {
            var p = cmd.Parameters;
            p.AddWithValue("tenant", identity.TenantId);
            p.AddWithValue("case_id", caseId);
            p.AddWithValue("now", now);
            p.AddWithValue("actor", identity.ActorId);
            p.Add(new NpgsqlParameter<string?>("code", request.Diagnosis?.Code));
            p.Add(new NpgsqlParameter<string?>("text", request.Diagnosis?.Text));
            p.AddWithValue("procedures", (request.Procedures ?? []).Select(x => x.Trim()).ToArray());
            p.Add(new NpgsqlParameter<DateOnly?>("admission", request.AdmissionOn));
            p.Add(new NpgsqlParameter<DateOnly?>("discharge", request.ExpectedDischargeOn));
            p.Add(new NpgsqlParameter<DateOnly?>("flight", request.ReturnFlightOn));
            p.Add(new NpgsqlParameter<string?>("recommendations", request.Recommendations));
            p.AddWithValue("fit", request.FitToFly ?? "unknown");
            p.Add(new NpgsqlParameter<bool?>("rehab", request.RehabilitationNeeded));
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var history = await HistoryAsync(connection, identity.TenantId, caseId, ct);
        var warnings = WarningsFor(history[0]);
        await PublishAsync(transaction, identity.TenantId, caseId, history[0], ct);
        await CaseTimeline.AppendAsync(transaction, identity.TenantId, caseId, now, "medical-details",
            $"Medical details: {request.Diagnosis?.Code} {request.Diagnosis?.Text}; discharge expected {request.ExpectedDischargeOn:yyyy-MM-dd}; fit to fly: {request.FitToFly ?? "unknown"}",
            identity.ActorId, history[0], ct);
        if (warnings.FirstOrDefault(w => w.StartsWith("return-flight-before-discharge")) is { } conflict)
        {
            await CaseTasks.CreateAsync(transaction, identity.TenantId, caseId, "return-flight", "Return flight is before the expected discharge: rebook or plan repatriation",
                now.AddHours(4), now, identity.ActorId, dedupKey: $"return-flight:{request.ReturnFlightOn:yyyy-MM-dd}:{request.ExpectedDischargeOn:yyyy-MM-dd}",
                data: new { conflict }, ct: ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new MedicalDetailsResponse(history[0], warnings, history));
    }
}
