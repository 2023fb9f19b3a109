using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using Platform.Repatriation.Cases;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Fitness;

public sealed record DiagnosisInput(string? Code, string? Text, DateOnly? Since);

public sealed record ProcedureInput(
    [property: OneOf(typeof(ProcedureCodes), nameof(ProcedureCodes.All))] string? Code, string? Text, DateOnly? On);

/// <summary>
/// The medical facts fitness to fly is judged on, as a doctor records them: diagnoses (ICD-10) with the date of the
/// event, procedures (by code) with their dates, the expected discharge (else Cases'), haemoglobin in g/dl, weeks of
/// pregnancy on a date, and the treating doctor's cardiac risk class (low, medium, high).
/// </summary>
public sealed record MedicalFactsRequest(
    IReadOnlyList<DiagnosisInput>? Diagnoses,
    IReadOnlyList<ProcedureInput>? Procedures,
    DateOnly? ExpectedDischargeOn,
    decimal? Haemoglobin,
    int? PregnancyWeeks,
    DateOnly? PregnancyOn,
    [property: OneOf(typeof(FitnessApi), nameof(FitnessApi.Risks))] string? Risk);

/// <summary>One mode: possible or not, from when and until when, and why, in the reader's language.</summary>
public sealed record ModeFitnessView(string Mode, string Name, bool Possible, DateOnly Earliest, DateOnly? Latest, IReadOnlyList<string> Reasons, IReadOnlyList<string> Holds);

public sealed record FitnessWarningView(string Code, string Message);

/// <summary>The return flight Cases has on record (the ticket the patient holds), checked as a seated commercial flight.</summary>
public sealed record ReturnFlightView(DateOnly On, bool Fit, IReadOnlyList<FitnessWarningView> Warnings);

/// <summary>
/// Fitness to fly for a case on the platform's today: the facts used (and where each came from), each mode's earliest
/// and latest date with reasons, what no rule assesses, the booked return flight's check, and notes on what is missing.
/// </summary>
public sealed record FitnessView(
    string CaseNumber, DateOnly Today, string? Carrier, MedicalFactsRequest Facts, int? FactsVersion, IReadOnlyList<ModeFitnessView> Modes,
    IReadOnlyList<string> NotAssessed, ReturnFlightView? ReturnFlight, IReadOnlyList<string> Notes);

public sealed record CarrierRulesView(string Carrier, IReadOnlyList<FitnessRule> Rules, DateTimeOffset? LoadedAt);

public static partial class FitnessApi
{
    public static readonly string[] Risks = [RuleRisks.Low, RuleRisks.Medium, RuleRisks.High];
    public const int MaxRulesCsvBytes = 1_000_000;

    // ICD-10: a letter, two digits, optionally a dot and up to four more characters (I21, I21.4, S72.00).
    [GeneratedRegex(@"^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$")]
    private static partial Regex Icd10Code();

    [GeneratedRegex("^[A-Z0-9]{2}$")]
    private static partial Regex IataCarrier();

    public static void MapFitnessApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/cases/{numberOrId}").WithTags("Fitness to fly");
        cases.MapPut("/medical-facts", RecordAsync).RequireAccess(Access.Clinical)
            .WithSummary("Records the facts fitness to fly is judged on (diagnoses and procedures with their dates, discharge, haemoglobin, pregnancy, risk); a new version each time");
        cases.MapGet("/fitness", AssessAsync).RequireAccess(Access.ReadCases)
            .WithSummary("Fitness to fly per mode on today's date (earliest and latest dates, reasons with their sources), and the booked return flight checked; " +
                         "carrier= applies that carrier's rules; language=en|ru or Accept-Language");

        var rules = app.MapGroup("/fitness-rules").WithTags("Fitness to fly");
        rules.MapGet("/", ListRulesAsync).RequireAccess(Access.ReadCases)
            .WithSummary("The rules in force for a carrier's flights (carrier=, IATA code), or the default rules");
        rules.MapPut("/{carrier}", LoadRulesAsync).RequireAccess(Access.ConfigureInsurer)
            .Accepts<string>("text/csv")
            .WithSummary("Loads a carrier's own rules (CSV: id, applies_to, risk, modes, min_days, limit, counted_from, condition, source, carrier); " +
                         "a row replaces the default rule of the same id for that carrier; the table replaces the carrier's earlier one; all or nothing");
    }

    private static async Task<Results<Ok<FitnessView>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        string numberOrId, MedicalFactsRequest request, HttpRequest http, string? language, RequestIdentity identity, NpgsqlDataSource db,
        TimeProvider clock, CancellationToken ct)
    {
        var e = Validate(request);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was recorded; correct the fields named and send the facts again.");
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            if (await CaseFiles.FindAsync(connection, identity.TenantId, numberOrId, ct, transaction) is not { } found)
                return Problems.NotFound(CaseFiles.NotKnown(numberOrId));
            // Versions are numbered per case; the lock keeps two doctors recording at once from taking the same number.
            await using (var lockCase = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, transaction))
            {
                lockCase.Parameters.AddWithValue("key", $"medical-facts:{identity.TenantId}:{found.CaseId}");
                await lockCase.ExecuteNonQueryAsync(ct);
            }
            await using var insert = new NpgsqlCommand("""
                INSERT INTO medical_facts (tenant_id, case_id, version, facts, recorded_at, recorded_by)
                SELECT @tenant, @case_id, coalesce(max(version), 0) + 1, @facts, @now, @by
                FROM medical_facts WHERE tenant_id = @tenant AND case_id = @case_id
                """, connection, transaction);
            insert.Parameters.AddWithValue("tenant", identity.TenantId);
            insert.Parameters.AddWithValue("case_id", found.CaseId);
            insert.Parameters.AddWithValue("facts", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(Normalise(request), PlatformJson.Options));
            insert.Parameters.AddWithValue("now", clock.GetUtcNow());
            insert.Parameters.AddWithValue("by", identity.ActorId);
            await insert.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }
        var file = (await CaseFiles.FindAsync(connection, identity.TenantId, numberOrId, ct))!;
        return TypedResults.Ok(View(file, await RulesAsync(connection, identity.TenantId, ct), null, Today(clock), ReaderLanguage.Of(http, language)));
    }

    private static async Task<Results<Ok<FitnessView>, ValidationProblem, ProblemHttpResult>> AssessAsync(
        string numberOrId, string? carrier, string? language, HttpRequest http, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock,
        CancellationToken ct)
    {
        if (carrier is not null && !IataCarrier().IsMatch(carrier.Trim().ToUpperInvariant()))
            return Problems.Validation("carrier", "The field must be an airline's two-character IATA code such as TK.");
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await CaseFiles.FindAsync(connection, identity.TenantId, numberOrId, ct) is not { } file) return Problems.NotFound(CaseFiles.NotKnown(numberOrId));
        return TypedResults.Ok(View(file, await RulesAsync(connection, identity.TenantId, ct), carrier?.Trim().ToUpperInvariant(), Today(clock),
            ReaderLanguage.Of(http, language)));
    }

    /// <summary>The platform's today (UTC): what fitness dates are counted from and never before.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    internal static ValidationErrors Validate(MedicalFactsRequest request)
    {
        var e = new ValidationErrors();
        for (var i = 0; i < (request.Diagnoses?.Count ?? 0); i++)
        {
            var d = request.Diagnoses![i];
            if (e.Required($"diagnoses[{i}].code", d.Code) && !Icd10Code().IsMatch(d.Code!.Trim().ToUpperInvariant()))
                e.Add($"diagnoses[{i}].code", "The field must be an ICD-10 code such as I21.4.");
            e.MaxLength($"diagnoses[{i}].text", d.Text, 500);
            e.Required($"diagnoses[{i}].since", d.Since);
        }
        for (var i = 0; i < (request.Procedures?.Count ?? 0); i++)
        {
            var p = request.Procedures![i];
            if (e.Required($"procedures[{i}].code", p.Code)) e.OneOf($"procedures[{i}].code", p.Code!.Trim().ToLowerInvariant(), ProcedureCodes.All);
            e.MaxLength($"procedures[{i}].text", p.Text, 500);
            e.Required($"procedures[{i}].on", p.On);
        }
        if (request.Haemoglobin is <= 0 or > 30) e.Add("haemoglobin", "The field must be in g/dl, above 0 and at most 30.");
        if (request.PregnancyWeeks is < 1 or > 45) e.Add("pregnancyWeeks", "The field must be between 1 and 45 weeks.");
        if (request.PregnancyWeeks is not null && request.PregnancyOn is null) e.Add("pregnancyOn", "Give the date the weeks of pregnancy were counted on.");
        if (request.PregnancyOn is not null && request.PregnancyWeeks is null) e.Add("pregnancyWeeks", "Give the weeks of pregnancy on pregnancyOn.");
        e.OneOf("risk", request.Risk?.Trim().ToLowerInvariant(), Risks);
        if ((request.Diagnoses?.Count ?? 0) > 50) e.Add("diagnoses", "At most 50 diagnoses.");
        if ((request.Procedures?.Count ?? 0) > 50) e.Add("procedures", "At most 50 procedures.");
        return e;
    }

    private static MedicalFactsRequest Normalise(MedicalFactsRequest r) => r with
    {
        Diagnoses = [.. (r.Diagnoses ?? []).Select(d => d with { Code = d.Code!.Trim().ToUpperInvariant(), Text = d.Text?.Trim() })],
        Procedures = [.. (r.Procedures ?? []).Select(p => p with { Code = p.Code!.Trim().ToLowerInvariant(), Text = p.Text?.Trim() })],
        Risk = r.Risk?.Trim().ToLowerInvariant(),
    };

    /// <summary>
    /// The facts the rules read: those recorded here; Cases' diagnosis too (dated from the admission) when it is not
    /// among them; the expected discharge recorded here, else Cases'.
    /// </summary>
    public static MedicalFacts FactsOf(CaseFile file)
    {
        var recorded = file.Facts?.Facts;
        var diagnoses = (recorded?.Diagnoses ?? []).Select(d => new DiagnosisFact(d.Code!, d.Text, d.Since!.Value)).ToList();
        if (file.Medical is { DiagnosisCode: { } code, AdmissionOn: { } admitted } &&
            !diagnoses.Any(d => Icd10.Normalise(d.Code) == Icd10.Normalise(code)))
            diagnoses.Add(new DiagnosisFact(code, file.Medical.DiagnosisText, admitted));
        var procedures = (recorded?.Procedures ?? []).Select(p => new ProcedureFact(p.Code!, p.Text, p.On!.Value)).ToList();
        return new MedicalFacts(diagnoses, procedures, recorded?.ExpectedDischargeOn ?? file.Medical?.ExpectedDischargeOn, recorded?.Haemoglobin,
            recorded is { PregnancyWeeks: { } weeks, PregnancyOn: { } on } ? (weeks, on) : null, recorded?.Risk);
    }

    private static FitnessView View(CaseFile file, FitnessRules rules, string? carrier, DateOnly today, string language)
    {
        var facts = FactsOf(file);
        var assessment = FitnessToFly.Assess(facts, rules, carrier, today);
        var modes = assessment.Modes.Select(m => new ModeFitnessView(m.Mode, FitnessTexts.Mode(m.Mode, language), m.IsPossible, m.Earliest, m.Latest,
            [.. m.Reasons.Select(r => Reason(r, language))],
            [.. m.Holds.Select(h => FitnessTexts.Warning(new FitnessWarning(h.Code, m.Mode, m.Earliest, null, h, null, null), language))])).ToArray();

        ReturnFlightView? returnFlight = null;
        if (file.Medical?.ReturnFlightOn is { } on)
        {
            var flight = new Leg(1, LegKinds.Flight, "", "", new DateTimeOffset(on.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), carrier, null, null,
                "family", "insured", LegStatuses.Booked);
            var warnings = FitnessToFly.Check(facts, rules, flight, TransportModes.CommercialSeated, today);
            returnFlight = new ReturnFlightView(on, warnings.Count == 0, [.. warnings.Select(w => new FitnessWarningView(w.Code, FitnessTexts.Warning(w, language)))]);
        }

        var ru = language == "ru";
        var notes = new List<string>();
        if (file.Facts is null && file.Medical?.Procedures is { Count: > 0 } written)
            notes.Add(ru
                ? $"Процедуры записаны в деле без дат и кодов ({string.Join("; ", written)}): запишите их здесь с датами, иначе сроки после них не учитываются."
                : $"The case lists procedures without dates or codes ({string.Join("; ", written)}): record them here with their dates, or the waits after them are not counted.");
        if (file.Medical is { DiagnosisCode: not null, AdmissionOn: null } && !(file.Facts?.Facts.Diagnoses?.Count > 0))
            notes.Add(ru ? "У диагноза в деле нет даты госпитализации: запишите диагноз здесь с датой события."
                : "The case's diagnosis has no admission date: record the diagnosis here with the date of the event.");
        if (facts.Diagnoses.Count == 0 && facts.Procedures.Count == 0)
            notes.Add(ru ? "Нет ни диагноза, ни процедур: правилам не на что опереться." : "No diagnosis or procedure is recorded: the rules have nothing to go on.");

        return new FitnessView(file.CaseNumber, today, carrier, file.Facts?.Facts ?? new MedicalFactsRequest([], [], null, null, null, null, null),
            file.Facts?.Version, modes, [.. assessment.NotAssessed.Select(n => FitnessTexts.NotAssessed(n, language))], returnFlight, notes);
    }

    private static string Reason(FitnessReason r, string language) =>
        language == "ru"
            ? $"{FitnessTexts.Fact(r.Fact, language)} {FitnessTexts.Date(r.From, language)}: не раньше {FitnessTexts.Date(r.Until, language)} ({r.MinDays} дн.; {r.Condition}; {r.Source})"
            : $"{FitnessTexts.Fact(r.Fact, language)} on {FitnessTexts.Date(r.From, language)}: not before {FitnessTexts.Date(r.Until, language)} ({r.MinDays} days; {r.Condition}; {r.Source})";

    /// <summary>The default rules with every carrier table the tenant loaded.</summary>
    public static async Task<FitnessRules> RulesAsync(NpgsqlConnection connection, string tenantId, CancellationToken ct)
    {
        var rules = FitnessRules.Default;
        await using var cmd = new NpgsqlCommand("SELECT carrier, csv FROM carrier_fitness_rules WHERE tenant_id = @tenant", connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var table = FitnessRules.Parse(new StringReader(r.GetString(1)), r.GetString(0));
            rules = rules.WithCarrier(r.GetString(0), table.Rules); // stored only once it parsed without an error
        }
        return rules;
    }

    private static async Task<Results<Ok<CarrierRulesView>, ValidationProblem>> ListRulesAsync(
        string? carrier, RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        var code = carrier?.Trim().ToUpperInvariant();
        if (code is not null && !IataCarrier().IsMatch(code))
            return Problems.Validation("carrier", "The field must be an airline's two-character IATA code such as TK.");
        await using var connection = await db.OpenConnectionAsync(ct);
        DateTimeOffset? loadedAt = null;
        if (code is not null)
        {
            await using var cmd = new NpgsqlCommand("SELECT loaded_at FROM carrier_fitness_rules WHERE tenant_id = @tenant AND carrier = @carrier", connection);
            cmd.Parameters.AddWithValue("tenant", identity.TenantId);
            cmd.Parameters.AddWithValue("carrier", code);
            loadedAt = await cmd.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
        }
        return TypedResults.Ok(new CarrierRulesView(code ?? "default", (await RulesAsync(connection, identity.TenantId, ct)).For(code), loadedAt));
    }

    private static async Task<Results<Ok<CarrierRulesView>, ValidationProblem>> LoadRulesAsync(
        string carrier, HttpRequest http, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var code = carrier.Trim().ToUpperInvariant();
        if (!IataCarrier().IsMatch(code)) return Problems.Validation("carrier", "The carrier must be an airline's two-character IATA code such as TK.");
        if (http.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) != true)
            return Problems.Validation("body", "Send the rules as text/csv.");
        using var reader = new StreamReader(http.Body);
        var buffer = new char[MaxRulesCsvBytes + 1];
        var read = await reader.ReadBlockAsync(buffer, ct);
        if (read > MaxRulesCsvBytes) return Problems.Validation("body", $"A carrier's table is at most {MaxRulesCsvBytes} characters.");
        var csv = new string(buffer, 0, read);
        var table = FitnessRules.Parse(new StringReader(csv), code);
        if (!table.IsValid)
            return Problems.Validation(table.Errors.GroupBy(er => $"line {er.Line}, {er.ColumnName}".TrimEnd(',', ' '))
                .ToDictionary(g => g.Key, g => g.Select(er => er.Message).ToArray()), "Nothing was loaded; correct the lines named and send the table again.");
        if (table.Rules.Count == 0) return Problems.Validation("body", "The table has no rule.");

        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO carrier_fitness_rules (tenant_id, carrier, csv, loaded_at, loaded_by) VALUES (@tenant, @carrier, @csv, @now, @by)
            ON CONFLICT (tenant_id, carrier) DO UPDATE SET csv = excluded.csv, loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by
            """, connection))
        {
            upsert.Parameters.AddWithValue("tenant", identity.TenantId);
            upsert.Parameters.AddWithValue("carrier", code);
            upsert.Parameters.AddWithValue("csv", csv);
            upsert.Parameters.AddWithValue("now", now);
            upsert.Parameters.AddWithValue("by", identity.ActorId);
            await upsert.ExecuteNonQueryAsync(ct);
        }
        return TypedResults.Ok(new CarrierRulesView(code, FitnessRules.Default.WithCarrier(code, table.Rules).For(code), now));
    }
}
