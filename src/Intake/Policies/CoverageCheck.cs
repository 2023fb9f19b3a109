using Npgsql;

namespace Platform.Intake.Policies;

public static class CoverageStatus
{
    public const string Covered = "covered";
    public const string NotCovered = "not-covered";
    public const string NeedsReview = "needs-review";
}

/// <summary>Why a check did not come out <c>covered</c>. Codes are stable; messages are for people.</summary>
public static class CoverageReasons
{
    /// <summary>No policy by that number, nor (without a number) by name and date of birth.</summary>
    public const string PolicyNotFound = "policy-not-found";
    /// <summary>The event date is outside the period; <see cref="CoverageReason.Detail"/> says <c>expired</c> or <c>not-yet-started</c>.</summary>
    public const string NotValidOnDate = "not-valid-on-date";
    public const string TerritoryNotCovered = "territory-not-covered";
    public const string RiskExcluded = "risk-excluded";
    /// <summary>The policy lists the risks it covers and this one is not among them.</summary>
    public const string RiskNotCovered = "risk-not-covered";
    /// <summary>Needs review: the policy was found by number, but the person is not among its insured.</summary>
    public const string InsuredNotOnPolicy = "insured-not-on-policy";
    /// <summary>Needs review: the number is unknown, but the person's name and date of birth match a policy.</summary>
    public const string PolicyNumberNotFound = "policy-number-not-found";
    /// <summary>Needs review: several of the person's policies match and not exactly one of them covers the event.</summary>
    public const string SeveralPoliciesMatch = "several-policies-match";

    public const string Expired = "expired";
    public const string NotYetStarted = "not-yet-started";
}

/// <param name="Detail">A qualifier of the code: <c>expired</c> or <c>not-yet-started</c> for <c>not-valid-on-date</c>.</param>
public sealed record CoverageReason(string Code, string Message, string? Detail = null);

/// <summary>What a coverage check asks: who, when, where, and for which risk (null when not yet known).</summary>
public sealed record CoverageQuery(string? PolicyNumber, string FullName, DateOnly? DateOfBirth, DateOnly EventDate, string CountryCode, string? Risk);

/// <param name="Policy">The policy the decision is about, when one was settled on.</param>
/// <param name="Candidates">The numbers of the policies a reviewer should look at, when there are several or the match is uncertain.</param>
public sealed record CoverageDecision(string Status, IReadOnlyList<CoverageReason> Reasons, PolicySummary? Policy, IReadOnlyList<string> Candidates)
{
    public bool IsCovered => Status == CoverageStatus.Covered;
}

/// <summary>
/// The coverage check the appeal flow calls: finds the policy (by number first, else by the insured's name and date of
/// birth) and decides with <see cref="CoverageRules"/>.
/// </summary>
public sealed class CoverageCheck(PolicyStore store)
{
    /// <param name="connection">The connection to read on (the caller's transaction), or null for one of the pool's.</param>
    public async Task<CoverageDecision> CheckAsync(string tenantId, string? policyNumber, string fullName, DateOnly? dateOfBirth,
        DateOnly eventDate, string countryCode, string? risk, CancellationToken ct = default, NpgsqlConnection? connection = null)
    {
        var query = Query(policyNumber, fullName, dateOfBirth, eventDate, countryCode, risk);
        var byNumber = query.PolicyNumber is null ? null : await store.FindAsync(tenantId, query.PolicyNumber, ct, connection);
        return await DecideAsync(tenantId, query, byNumber, connection, ct);
    }

    /// <summary>
    /// The check on the caller's connection, with a statement of the caller's (<paramref name="alongside"/>, read by
    /// <paramref name="readAlongside"/>) sent in the same round trip as the policy's lookup. Only a number that finds
    /// no policy costs a second round trip, for the insured's policies by name and date of birth.
    /// </summary>
    public async Task<(CoverageDecision Decision, T Alongside)> CheckAsync<T>(NpgsqlConnection connection, string tenantId,
        CoverageQuery query, NpgsqlBatchCommand alongside, Func<NpgsqlDataReader, CancellationToken, Task<T>> readAlongside,
        CancellationToken ct = default)
    {
        var lookup = query.PolicyNumber is { } number ? PolicyStore.FindCommand(tenantId, number)
            : ByPerson(query) is { } born ? PolicyStore.FindByInsuredCommand(tenantId, query.FullName, born)
            : null;
        await using var batch = new NpgsqlBatch(connection);
        if (lookup is not null) batch.BatchCommands.Add(lookup);
        batch.BatchCommands.Add(alongside);
        IReadOnlyList<Policy> found = [];
        T other;
        await using (var r = await batch.ExecuteReaderAsync(ct))
        {
            if (lookup is not null)
            {
                found = await PolicyStore.ReadAsync(r, ct);
                await r.NextResultAsync(ct);
            }
            other = await readAlongside(r, ct);
        }
        var decision = query.PolicyNumber is null
            ? CoverageRules.Decide(query, null, found)
            : await DecideAsync(tenantId, query, found.Count == 0 ? null : found[0], connection, ct);
        return (decision, other);
    }

    public static CoverageQuery Query(string? policyNumber, string fullName, DateOnly? dateOfBirth, DateOnly eventDate, string countryCode,
        string? risk) =>
        new(string.IsNullOrWhiteSpace(policyNumber) ? null : policyNumber.Trim(), fullName, dateOfBirth, eventDate, countryCode,
            string.IsNullOrWhiteSpace(risk) ? null : risk);

    /// <summary>The policy found by number decides; without one, the policies on which the person is insured.</summary>
    private async Task<CoverageDecision> DecideAsync(string tenantId, CoverageQuery query, Policy? byNumber,
        NpgsqlConnection? connection, CancellationToken ct)
    {
        IReadOnlyList<Policy> byPerson = byNumber is null && ByPerson(query) is { } born
            ? await store.FindByInsuredAsync(tenantId, query.FullName, born, ct, connection)
            : [];
        return CoverageRules.Decide(query, byNumber, byPerson);
    }

    /// <summary>The date of birth to look the person's policies up by, when there is a name to go with it.</summary>
    private static DateOnly? ByPerson(CoverageQuery query) =>
        query.DateOfBirth is { } born && !string.IsNullOrWhiteSpace(query.FullName) ? born : null;
}

/// <summary>The coverage decision, free of any lookup so that it is tested without a database.</summary>
public static class CoverageRules
{
    /// <param name="byNumber">The policy with the query's number, if any.</param>
    /// <param name="byPerson">When none was found by number: the policies on which the query's person is insured.</param>
    public static CoverageDecision Decide(CoverageQuery query, Policy? byNumber, IReadOnlyList<Policy> byPerson)
    {
        if (byNumber is not null)
        {
            var reasons = Evaluate(byNumber, query).ToList();
            if (IsInsured(byNumber, query)) return Result(reasons, byNumber);
            // Covered or not, the policy may not be this person's: a coordinator looks before anyone is told.
            reasons.Insert(0, new CoverageReason(CoverageReasons.InsuredNotOnPolicy,
                $"{query.FullName.Trim()}{(query.DateOfBirth is { } dob ? $" (born {dob:yyyy-MM-dd})" : "")} is not among the insured persons of policy {byNumber.PolicyNumber}."));
            return new CoverageDecision(CoverageStatus.NeedsReview, reasons, byNumber.ToSummary(), [byNumber.PolicyNumber]);
        }

        if (query.PolicyNumber is not null && byPerson.Count > 0)
            return new CoverageDecision(CoverageStatus.NeedsReview,
                [new CoverageReason(CoverageReasons.PolicyNumberNotFound,
                    $"There is no policy {query.PolicyNumber}, but the insured's name and date of birth match {Numbers(byPerson)}.")],
                byPerson.Count == 1 ? byPerson[0].ToSummary() : null, byPerson.Select(p => p.PolicyNumber).ToList());

        if (byPerson.Count == 0)
            return new CoverageDecision(CoverageStatus.NotCovered,
                [new CoverageReason(CoverageReasons.PolicyNotFound, query.PolicyNumber is not null
                    ? $"There is no policy {query.PolicyNumber}."
                    : query.DateOfBirth is null
                        ? "Without a policy number the policy is found by the insured's name and date of birth; the date of birth is missing."
                        : "No policy insures a person of this name and date of birth.")],
                null, []);

        if (byPerson.Count == 1) return Result(Evaluate(byPerson[0], query).ToList(), byPerson[0]);

        // Last year's policy and this year's: if exactly one covers the event, that is the one.
        var covering = byPerson.Where(p => !Evaluate(p, query).Any()).ToList();
        if (covering.Count == 1) return Result([], covering[0]);
        return new CoverageDecision(CoverageStatus.NeedsReview,
            [new CoverageReason(CoverageReasons.SeveralPoliciesMatch,
                $"The insured's name and date of birth match {Numbers(byPerson)}, and {(covering.Count == 0 ? "none" : covering.Count.ToString())} of them cover the event.")],
            null, byPerson.Select(p => p.PolicyNumber).ToList());
    }

    /// <summary>What stands between this policy and cover for the event: nothing when it covers it.</summary>
    public static IEnumerable<CoverageReason> Evaluate(Policy policy, CoverageQuery query)
    {
        var (start, end) = (policy.Period.Start, policy.Period.End);
        if (query.EventDate < start)
            yield return new CoverageReason(CoverageReasons.NotValidOnDate,
                $"Policy {policy.PolicyNumber} starts on {start:yyyy-MM-dd} (it runs {start:yyyy-MM-dd} to {end:yyyy-MM-dd}); the event is on {query.EventDate:yyyy-MM-dd}.",
                CoverageReasons.NotYetStarted);
        else if (query.EventDate > end)
            yield return new CoverageReason(CoverageReasons.NotValidOnDate,
                $"Policy {policy.PolicyNumber} expired on {end:yyyy-MM-dd} (it ran {start:yyyy-MM-dd} to {end:yyyy-MM-dd}); the event is on {query.EventDate:yyyy-MM-dd}.",
                CoverageReasons.Expired);

        if (!Territories.Covers(policy.Territory, query.CountryCode))
            yield return new CoverageReason(CoverageReasons.TerritoryNotCovered,
                $"Policy {policy.PolicyNumber} covers {string.Join(", ", policy.Territory)}, which does not include {query.CountryCode.Trim().ToUpperInvariant()}.");

        if (query.Risk is { } raw)
        {
            var risk = PolicyRules.NormalizeCode(raw);
            if (policy.ExcludedRisks.Contains(risk))
                yield return new CoverageReason(CoverageReasons.RiskExcluded, $"Policy {policy.PolicyNumber} excludes '{risk}'.");
            else if (policy.CoveredRisks.Count > 0 && !policy.CoveredRisks.Contains(risk))
                yield return new CoverageReason(CoverageReasons.RiskNotCovered,
                    $"Policy {policy.PolicyNumber} covers {string.Join(", ", policy.CoveredRisks)}, not '{risk}'.");
        }
    }

    /// <summary>Whether the person asked about is insured on the policy: same name (case and spacing aside) and, when
    /// given, the same date of birth.</summary>
    public static bool IsInsured(Policy policy, CoverageQuery query) =>
        policy.Insured.Any(p => PolicyRules.SameName(p.FullName, query.FullName)
                                && (query.DateOfBirth is null || p.DateOfBirth == query.DateOfBirth));

    private static CoverageDecision Result(List<CoverageReason> reasons, Policy policy) =>
        new(reasons.Count == 0 ? CoverageStatus.Covered : CoverageStatus.NotCovered, reasons, policy.ToSummary(), []);

    private static string Numbers(IReadOnlyList<Policy> policies) =>
        (policies.Count == 1 ? "policy " : "policies ") + string.Join(", ", policies.Select(p => p.PolicyNumber));
}
