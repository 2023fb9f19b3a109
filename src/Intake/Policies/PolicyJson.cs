using System.Buffers;
using System.Text.Json;

namespace Platform.Intake.Policies;

/// <summary>A policy as a JSON batch carries it. Everything is nullable so that a missing field is reported against
/// its path rather than failing the whole body.</summary>
public sealed record PolicyInput(
    string? PolicyNumber,
    string? Plan,
    PeriodInput? Period,
    List<string?>? Territory,
    List<InsuredInput?>? Insured,
    List<LimitInput?>? Limits,
    MoneyInput? Deductible,
    List<string?>? CoveredRisks,
    List<string?>? ExcludedRisks,
    string? AssistancePartner)
{
    /// <summary>Checks every field, reporting under <paramref name="at"/> (<c>policies[3]</c>); null when anything is wrong.</summary>
    public Policy? ToPolicy(string at, ValidationErrors e)
    {
        string? number = null;
        if (e.Required($"{at}.policyNumber", PolicyNumber))
            number = Check(e, $"{at}.policyNumber", PolicyNumber!.Trim(), PolicyRules.CheckPolicyNumber);
        string? plan = null;
        if (e.Required($"{at}.plan", Plan)) plan = Check(e, $"{at}.plan", Plan!.Trim(), v => PolicyRules.CheckText(v));

        PolicyPeriod? period = null;
        if (e.Required($"{at}.period", Period))
        {
            var hasStart = e.Required($"{at}.period.start", Period!.Start);
            var hasEnd = e.Required($"{at}.period.end", Period.End);
            if (hasStart && hasEnd && Ok(e, $"{at}.period.end", PolicyRules.CheckPeriod(Period.Start!.Value, Period.End!.Value)))
                period = new PolicyPeriod(Period.Start!.Value, Period.End!.Value);
        }

        var territory = Codes(e, $"{at}.territory", Territory, PolicyRules.NormalizeUpper, PolicyRules.CheckTerritory, required: true);

        var insured = new List<InsuredPerson>();
        if (Insured is null || Insured.Count == 0) e.Add($"{at}.insured", "At least one insured person is required.");
        else
            for (var i = 0; i < Insured.Count; i++)
            {
                var path = $"{at}.insured[{i}]";
                if (!e.Required(path, Insured[i])) continue;
                var person = Insured[i]!;
                string? name = null;
                if (e.Required($"{path}.fullName", person.FullName))
                    name = Check(e, $"{path}.fullName", PolicyRules.NormalizeName(person.FullName!), v => PolicyRules.CheckText(v));
                DateOnly? born = null;
                if (e.Required($"{path}.dateOfBirth", person.DateOfBirth))
                    born = Check(e, $"{path}.dateOfBirth", person.DateOfBirth!.Value, d => PolicyRules.CheckDateOfBirth(d, period?.End));
                var document = string.IsNullOrWhiteSpace(person.Document) ? null
                    : Check(e, $"{path}.document", person.Document.Trim(), v => PolicyRules.CheckText(v, PolicyRules.MaxDocument));
                if (name is not null && born is not null) insured.Add(new InsuredPerson(name, born.Value, document));
            }

        var limits = new List<BenefitLimit>();
        for (var i = 0; i < (Limits?.Count ?? 0); i++)
        {
            var path = $"{at}.limits[{i}]";
            if (!e.Required(path, Limits![i])) continue;
            var limit = Limits[i]!;
            string? benefit = null;
            if (e.Required($"{path}.benefit", limit.Benefit))
                benefit = Check(e, $"{path}.benefit", PolicyRules.NormalizeCode(limit.Benefit!), v => PolicyRules.CheckCode(v, "benefit"));
            decimal? amount = null;
            if (e.Required($"{path}.amount", limit.Amount))
                amount = Check(e, $"{path}.amount", limit.Amount!.Value, a => PolicyRules.CheckAmount(a, allowZero: false));
            string? currency = null;
            if (e.Required($"{path}.currency", limit.Currency))
                currency = Check(e, $"{path}.currency", PolicyRules.NormalizeUpper(limit.Currency!), PolicyRules.CheckCurrency);
            if (benefit is not null && amount is not null && currency is not null)
                limits.Add(new BenefitLimit(benefit, PolicyRules.NormalizeAmount(amount.Value), currency));
        }

        Money? deductible = null;
        if (Deductible is not null)
        {
            decimal? amount = null;
            if (e.Required($"{at}.deductible.amount", Deductible.Amount))
                amount = Check(e, $"{at}.deductible.amount", Deductible.Amount!.Value, a => PolicyRules.CheckAmount(a, allowZero: true));
            string? currency = null;
            if (e.Required($"{at}.deductible.currency", Deductible.Currency))
                currency = Check(e, $"{at}.deductible.currency", PolicyRules.NormalizeUpper(Deductible.Currency!), PolicyRules.CheckCurrency);
            if (amount is not null && currency is not null) deductible = new Money(PolicyRules.NormalizeAmount(amount.Value), currency);
        }

        var covered = Codes(e, $"{at}.coveredRisks", CoveredRisks, PolicyRules.NormalizeCode, c => PolicyRules.CheckCode(c, "risk"), required: false);
        var excluded = Codes(e, $"{at}.excludedRisks", ExcludedRisks, PolicyRules.NormalizeCode, c => PolicyRules.CheckCode(c, "risk"), required: false);
        PolicyRules.CheckConsistency(limits, covered, excluded, (list, i, error) => e.Add($"{at}.{list}[{i}]", error));

        var partner = string.IsNullOrWhiteSpace(AssistancePartner) ? null
            : Check(e, $"{at}.assistancePartner", AssistancePartner.Trim(), v => PolicyRules.CheckText(v));

        return e.IsValid
            ? new Policy(number!, plan!, period!, territory, insured, limits, deductible, covered, excluded, partner)
            : null;
    }

    /// <summary>The value when the rule passes it, else null with the error recorded.</summary>
    private static string? Check(ValidationErrors e, string field, string value, Func<string, string?> rule) =>
        Ok(e, field, rule(value)) ? value : null;

    private static T? Check<T>(ValidationErrors e, string field, T value, Func<T, string?> rule) where T : struct =>
        Ok(e, field, rule(value)) ? value : null;

    private static bool Ok(ValidationErrors e, string field, string? error)
    {
        if (error is not null) e.Add(field, error);
        return error is null;
    }

    private static List<string> Codes(ValidationErrors e, string field, List<string?>? values, Func<string, string> normalize,
        Func<string, string?> rule, bool required)
    {
        var codes = new List<string>();
        if (values is null || values.Count == 0)
        {
            if (required) e.Add(field, "At least one entry is required.");
            return codes;
        }
        for (var i = 0; i < values.Count; i++)
        {
            if (!e.Required($"{field}[{i}]", values[i])) continue;
            var code = normalize(values[i]!);
            if (rule(code) is { } error) e.Add($"{field}[{i}]", error);
            else if (!codes.Contains(code)) codes.Add(code);
        }
        return codes;
    }
}

public sealed record PeriodInput(DateOnly? Start, DateOnly? End);

public sealed record InsuredInput(string? FullName, DateOnly? DateOfBirth, string? Document);

public sealed record LimitInput(string? Benefit, decimal? Amount, string? Currency);

public sealed record MoneyInput(decimal? Amount, string? Currency);

/// <summary>
/// Reads a JSON batch, either an array of policies or <c>{ "policies": [...] }</c>, one policy at a time from the
/// request stream: only the policy being read is in memory, whatever the size of the file. Errors are keyed
/// <c>policies[3].period.end</c> (index from 0) in both forms.
/// </summary>
internal sealed class PolicyJsonReader(JsonSerializerOptions options)
{
    private const int MaxPolicyBytes = 1024 * 1024;

    private enum Phase { Start, InEnvelope, InArray, Done }

    private JsonReaderState _state;
    private Phase _phase = Phase.Start;
    private bool _envelope;
    private bool _sawPolicies;
    private bool _stop;
    private int _index;

    public async Task ReadAsync(Stream body, PolicyBatch batch, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var filled = 0;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var parsed = new List<(int Index, PolicyInput? Policy, string? Field, string? Error)>();
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One policy does not fit: grow up to the cap, then give up on the batch.
                    if (buffer.Length >= MaxPolicyBytes)
                    {
                        batch.Reject($"policies[{_index}]", $"A single policy must not be larger than {MaxPolicyBytes / 1024} KiB.");
                        return;
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(filled), ct);
                filled += read;
                var final = read == 0;

                parsed.Clear();
                int consumed;
                try
                {
                    consumed = Scan(buffer.AsSpan(0, filled), final, parsed);
                }
                catch (JsonException ex)
                {
                    var at = _phase == Phase.InArray ? $"policies[{_index}]" : "body";
                    batch.Reject(at, $"The JSON is malformed here: {ex.Message}");
                    return;
                }

                foreach (var (index, input, field, error) in parsed)
                {
                    var at = $"policies[{index}]";
                    if (error is not null) { batch.Reject(field!, error); continue; }
                    var errors = new ValidationErrors();
                    var policy = input!.ToPolicy(at, errors);
                    if (policy is not null && !seen.TryAdd(policy.PolicyNumber, index))
                        errors.Add($"{at}.policyNumber", $"The policy number is already used by policies[{seen[policy.PolicyNumber]}] of this batch.");
                    if (!errors.IsValid) batch.Reject(errors);
                    else await batch.AddPolicyAsync(policy!, ct);
                    if (batch.TooManyErrors) return;
                }
                if (_stop) return;

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (final)
                {
                    if (_phase == Phase.Start) batch.Reject("body", "The body is empty: send an array of policies or { \"policies\": [...] }.");
                    else if (_phase != Phase.Done) batch.Reject("body", "The JSON ends too early.");
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads as many whole policies as the buffer holds and returns how many bytes it used up.</summary>
    private int Scan(ReadOnlySpan<byte> data, bool final,
        List<(int Index, PolicyInput? Policy, string? Field, string? Error)> parsed)
    {
        var reader = new Utf8JsonReader(data, final, _state);
        while (true)
        {
            var checkpoint = reader;
            if (!reader.Read()) break;

            switch (_phase)
            {
                case Phase.Start when reader.TokenType == JsonTokenType.StartArray:
                    _phase = Phase.InArray;
                    break;
                case Phase.Start when reader.TokenType == JsonTokenType.StartObject:
                    _phase = Phase.InEnvelope;
                    _envelope = true;
                    break;
                case Phase.Start:
                    parsed.Add((0, null, "body", "Send an array of policies or { \"policies\": [...] }."));
                    _stop = true;
                    return data.Length;

                case Phase.InEnvelope when reader.TokenType == JsonTokenType.EndObject:
                    if (!_sawPolicies) parsed.Add((0, null, "policies", "The field is required."));
                    _phase = Phase.Done;
                    break;
                case Phase.InEnvelope:
                    // A property of the envelope: "policies" opens the array, anything else is skipped.
                    var isPolicies = string.Equals(reader.GetString(), "policies", StringComparison.OrdinalIgnoreCase);
                    if (!reader.Read() || (!isPolicies && !reader.TrySkip())) { reader = checkpoint; goto done; }
                    if (!isPolicies) break;
                    _sawPolicies = true;
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        parsed.Add((0, null, "policies", "The field must be an array of policies."));
                        _stop = true;
                        return data.Length;
                    }
                    _phase = Phase.InArray;
                    break;

                case Phase.InArray when reader.TokenType == JsonTokenType.EndArray:
                    _phase = _envelope ? Phase.InEnvelope : Phase.Done;
                    break;
                case Phase.InArray:
                    var start = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip()) { reader = checkpoint; goto done; }
                    var index = _index++;
                    if (reader.TokenType != JsonTokenType.EndObject)
                    {
                        parsed.Add((index, null, $"policies[{index}]", "Each policy must be a JSON object."));
                        break;
                    }
                    try
                    {
                        var policy = JsonSerializer.Deserialize<PolicyInput>(data[start..(int)reader.BytesConsumed], options);
                        parsed.Add((index, policy, policy is null ? $"policies[{index}]" : null, policy is null ? "The policy is null." : null));
                    }
                    catch (JsonException ex)
                    {
                        var path = ex.Path is null or "$" ? "" : ex.Path.TrimStart('$');
                        parsed.Add((index, null, $"policies[{index}]{path}",
                            "The value is malformed or of the wrong type (dates are YYYY-MM-DD, amounts are plain JSON numbers)."));
                    }
                    break;

                case Phase.Done:
                    // Only whitespace may follow; the reader throws on anything else.
                    break;
            }
        }
        done:
        _state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }
}
