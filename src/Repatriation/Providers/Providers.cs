using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Repatriation.Cases;
using Platform.Repatriation.Fitness;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Providers;

/// <summary>
/// A provider's price for a mode over a route's class. <c>Mode</c> is a transport mode, or <c>escort:{kind}</c> for an
/// escort it supplies (escort:nurse, escort:doctor, escort:paramedic).
/// </summary>
public sealed record ProviderRate(string? Mode, [property: OneOf(typeof(RouteClasses), nameof(RouteClasses.All))] string? RouteClass, decimal? Amount, string? Currency);

/// <summary>A transport provider: name, kind, where booking requests go (e-mail, in its language), whether it is used, its rates.</summary>
public sealed record ProviderRequest(
    string? Name,
    [property: OneOf(typeof(ProviderKinds), nameof(ProviderKinds.All))] string? Kind,
    string? Email,
    string? Phone,
    string? Language,
    bool? Active,
    IReadOnlyList<ProviderRate>? Rates);

public sealed record Provider(string Code, string Name, string Kind, string Email, string? Phone, string Language, bool Active, IReadOnlyList<ProviderRate> Rates, DateTimeOffset ChangedAt);

/// <summary>One mode's price against the case's remaining repatriation cover: <c>Fits</c> null when they cannot be compared (no rate, no limit, or another currency).</summary>
public sealed record ModeEstimate(string Mode, string Name, Estimate? Estimate, bool? Fits, string Message);

public sealed record EstimatesView(string CaseNumber, string RouteClass, string Escort, CaseCover Cover, IReadOnlyList<ModeEstimate> Modes);

public static partial class Providers
{
    public static readonly string[] EscortRates = [.. EscortKinds.All.Where(e => e is not (EscortKinds.None or EscortKinds.Companion)).Select(e => "escort:" + e)];

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{1,31}$")]
    private static partial Regex Code();

    public static void MapProvidersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/providers").WithTags("Transport providers");
        group.MapGet("/", ListAsync).RequireAccess(Access.ReadCases).WithSummary("The transport providers of the register, with their rates");
        group.MapGet("/{code}", GetAsync).RequireAccess(Access.ReadCases).WithSummary("One transport provider");
        group.MapPut("/{code}", PutAsync).RequireAccess(Access.ConfigureInsurer)
            .WithSummary("Adds or replaces a transport provider and all its rates (code: 2-32 capitals, digits, dashes)");
        app.MapGet("/cases/{numberOrId}/estimates", EstimatesAsync).RequireAccess(Access.ReadCases).WithTags("Transport providers")
            .WithSummary("The price of each mode (the cheapest active provider's rate, with the escort's) against the case's remaining repatriation cover; " +
                         "routeClass= and escort= required; language=en|ru or Accept-Language");
    }

    private static async Task<Results<Ok<Provider>, ValidationProblem>> PutAsync(
        string code, ProviderRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var key = code.Trim().ToUpperInvariant();
        var e = new ValidationErrors();
        if (!Code().IsMatch(key)) e.Add("code", "The code must be 2 to 32 capitals, digits or dashes, such as MEDAIR-1.");
        if (e.Required("name", request.Name)) e.MaxLength("name", request.Name, 200);
        if (e.Required("kind", request.Kind)) e.OneOf("kind", request.Kind, ProviderKinds.All);
        if (e.Required("email", request.Email) && (!MimeKit.MailboxAddress.TryParse(request.Email!.Trim(), out var mailbox) || !mailbox.Address.Contains('@')))
            e.Add("email", "The field must be an e-mail address.");
        e.MaxLength("phone", request.Phone, 50);
        e.OneOf("language", request.Language?.Trim().ToLowerInvariant(), ["en", "ru"]);
        var rates = request.Rates ?? [];
        for (var i = 0; i < rates.Count; i++)
        {
            var r = rates[i];
            if (e.Required($"rates[{i}].mode", r.Mode) && !TransportModes.All.Contains(r.Mode) && !EscortRates.Contains(r.Mode))
                e.Add($"rates[{i}].mode", $"'{r.Mode}' is not one of: {string.Join(", ", TransportModes.All.Concat(EscortRates))}.");
            if (e.Required($"rates[{i}].routeClass", r.RouteClass)) e.OneOf($"rates[{i}].routeClass", r.RouteClass, RouteClasses.All);
            if (e.Required($"rates[{i}].amount", r.Amount) && r.Amount is <= 0 or > 10_000_000) e.Add($"rates[{i}].amount", "The amount must be above 0.");
            if (e.Required($"rates[{i}].currency", r.Currency) && !IsoCodes.Currencies.Contains(r.Currency!.Trim().ToUpperInvariant()))
                e.Add($"rates[{i}].currency", "The field must be an ISO 4217 currency code such as USD.");
        }
        foreach (var twice in rates.Select((r, i) => (r, i)).GroupBy(x => (x.r.Mode, x.r.RouteClass)).Where(g => g.Count() > 1))
            e.Add($"rates[{twice.Last().i}]", $"{twice.Key.Mode} over {twice.Key.RouteClass} is priced twice.");
        if (rates.Count > 200) e.Add("rates", "At most 200 rates per provider.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was saved; correct the fields named.");

        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO providers (tenant_id, code, name, kind, email, phone, language, active, changed_at)
            VALUES (@tenant, @code, @name, @kind, @email, @phone, @language, @active, @now)
            ON CONFLICT (tenant_id, code) DO UPDATE SET name = excluded.name, kind = excluded.kind, email = excluded.email,
                phone = excluded.phone, language = excluded.language, active = excluded.active, changed_at = excluded.changed_at
            """)
        {
            Parameters =
            {
                new("tenant", identity.TenantId), new("code", key), new("name", request.Name!.Trim()), new("kind", request.Kind!),
                new("email", request.Email!.Trim()), new NpgsqlParameter<string?>("phone", request.Phone?.Trim()),
                new("language", request.Language?.Trim().ToLowerInvariant() ?? "en"), new("active", request.Active ?? true), new("now", now),
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM provider_rates WHERE tenant_id = @tenant AND provider_code = @code")
        {
            Parameters = { new("tenant", identity.TenantId), new("code", key) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO provider_rates (tenant_id, provider_code, mode, route_class, amount, currency)
            SELECT @tenant, @code, * FROM unnest(@modes, @routes, @amounts, @currencies)
            """)
        {
            Parameters =
            {
                new("tenant", identity.TenantId), new("code", key),
                new("modes", rates.Select(r => r.Mode!).ToArray()), new("routes", rates.Select(r => r.RouteClass!).ToArray()),
                new("amounts", rates.Select(r => r.Amount!.Value).ToArray()),
                new("currencies", rates.Select(r => r.Currency!.Trim().ToUpperInvariant()).ToArray()),
            },
        });
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok((await FindAsync(connection, identity.TenantId, key, ct))!);
    }

    private static async Task<Ok<Provider[]>> ListAsync(RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok((await ReadAsync(connection, identity.TenantId, null, ct)).ToArray());
    }

    private static async Task<Results<Ok<Provider>, ProblemHttpResult>> GetAsync(string code, RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await FindAsync(connection, identity.TenantId, code.Trim().ToUpperInvariant(), ct) is { } p
            ? TypedResults.Ok(p) : Problems.NotFound($"Transport provider {code} was not found.");
    }

    public static async Task<Provider?> FindAsync(NpgsqlConnection connection, string tenantId, string code, CancellationToken ct) =>
        (await ReadAsync(connection, tenantId, code, ct)).FirstOrDefault();

    private static async Task<List<Provider>> ReadAsync(NpgsqlConnection connection, string tenantId, string? code, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT p.code, p.name, p.kind, p.email, p.phone, p.language, p.active, p.changed_at,
                   coalesce(array_agg(r.mode ORDER BY r.mode, r.route_class) FILTER (WHERE r.mode IS NOT NULL), '{}'),
                   coalesce(array_agg(r.route_class ORDER BY r.mode, r.route_class) FILTER (WHERE r.mode IS NOT NULL), '{}'),
                   coalesce(array_agg(r.amount ORDER BY r.mode, r.route_class) FILTER (WHERE r.mode IS NOT NULL), '{}'),
                   coalesce(array_agg(r.currency::text ORDER BY r.mode, r.route_class) FILTER (WHERE r.mode IS NOT NULL), '{}')
            FROM providers p LEFT JOIN provider_rates r ON r.tenant_id = p.tenant_id AND r.provider_code = p.code
            WHERE p.tenant_id = @tenant AND (@code::text IS NULL OR p.code = @code)
            GROUP BY p.tenant_id, p.code ORDER BY p.code
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("code", code));
        var list = new List<Provider>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var modes = r.GetFieldValue<string[]>(8);
            var routes = r.GetFieldValue<string[]>(9);
            var amounts = r.GetFieldValue<decimal[]>(10);
            var currencies = r.GetFieldValue<string[]>(11);
            list.Add(new Provider(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetString(5), r.GetBoolean(6), [.. modes.Select((m, i) => new ProviderRate(m, routes[i], amounts[i], currencies[i]))],
                r.GetFieldValue<DateTimeOffset>(7)));
        }
        return list;
    }

    /// <summary>
    /// The price of a mode with an escort over a route's class: the named provider's (null when it has no rate for the
    /// mode), else the cheapest active provider's. A medical escort (nurse, doctor, paramedic) is priced by the same
    /// provider's escort rate when the mode does not include one (an air ambulance flies its own crew; so does a
    /// ground ambulance); a provider without that escort rate is not a match. A companion and remains add nothing.
    /// </summary>
    public static async Task<Estimate?> EstimateAsync(NpgsqlConnection connection, string tenantId, string mode, string escort, string routeClass,
        string? providerCode, CancellationToken ct, NpgsqlTransaction? transaction = null)
    {
        var escortRate = mode is TransportModes.AirAmbulance or TransportModes.GroundAmbulance or TransportModes.Remains
            || escort is EscortKinds.None or EscortKinds.Companion ? null : "escort:" + escort;
        await using var cmd = new NpgsqlCommand("""
            SELECT p.code, p.name, m.amount, m.currency, e.amount
            FROM providers p
            JOIN provider_rates m ON m.tenant_id = p.tenant_id AND m.provider_code = p.code AND m.mode = @mode AND m.route_class = @route
            LEFT JOIN provider_rates e ON e.tenant_id = p.tenant_id AND e.provider_code = p.code AND e.mode = @escort
                                      AND e.route_class = @route AND e.currency = m.currency
            WHERE p.tenant_id = @tenant AND (@provider::text IS NULL AND p.active OR p.code = @provider)
              AND (@escort::text IS NULL OR e.amount IS NOT NULL)
            ORDER BY m.amount + coalesce(e.amount, 0), p.code
            LIMIT 1
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("mode", mode);
        cmd.Parameters.AddWithValue("route", routeClass);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("escort", escortRate));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("provider", providerCode));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var parts = new List<EstimatePart> { new(mode, r.GetDecimal(2)) };
        if (!r.IsDBNull(4)) parts.Add(new EstimatePart(escortRate!, r.GetDecimal(4)));
        return new Estimate(r.GetString(0), r.GetString(1), parts.Sum(p => p.Amount), r.GetString(3), parts);
    }

    /// <summary>Whether an estimate fits the remaining cover, and the sentence that says so (null: they cannot be compared).</summary>
    public static (bool? Fits, string Message) AgainstCover(Estimate? estimate, CaseCover cover, string language)
    {
        var ru = language == "ru";
        if (estimate is null) return (null, ru ? "Нет тарифа ни у одного поставщика." : "No provider has a rate for it.");
        if (cover.Remaining is not { } remaining)
            return (null, ru ? "В полисе нет лимита на репатриацию: решает страховщик." : "The policy sets no repatriation limit: the insurer decides.");
        if (!string.Equals(cover.Currency, estimate.Currency, StringComparison.OrdinalIgnoreCase))
            return (null, ru ? $"Цена в {estimate.Currency}, лимит в {cover.Currency}: сравнить нельзя без курса."
                : $"The price is in {estimate.Currency} and the cover in {cover.Currency}: they cannot be compared without a rate.");
        var price = Money(estimate.Amount, estimate.Currency);
        var left = Money(remaining, estimate.Currency);
        return estimate.Amount <= remaining
            ? (true, ru ? $"{price} в пределах остатка покрытия {left}." : $"{price} is within the remaining cover of {left}.")
            : (false, ru ? $"{price} больше остатка покрытия {left} на {Money(estimate.Amount - remaining, estimate.Currency)}."
                : $"{price} exceeds the remaining cover of {left} by {Money(estimate.Amount - remaining, estimate.Currency)}.");
    }

    public static string Money(decimal amount, string currency) =>
        amount.ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture) + " " + currency;

    private static async Task<Results<Ok<EstimatesView>, ValidationProblem, ProblemHttpResult>> EstimatesAsync(
        string numberOrId, string? routeClass, string? escort, string? language, HttpRequest http, RequestIdentity identity, NpgsqlDataSource db,
        CancellationToken ct)
    {
        var e = new ValidationErrors();
        if (e.Required("routeClass", routeClass)) e.OneOf("routeClass", routeClass, RouteClasses.All);
        if (e.Required("escort", escort)) e.OneOf("escort", escort, EscortKinds.All);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        var lang = ReaderLanguage.Of(http, language);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await CaseFiles.FindAsync(connection, identity.TenantId, numberOrId, ct) is not { } file) return Problems.NotFound(CaseFiles.NotKnown(numberOrId));
        var modes = new List<ModeEstimate>();
        foreach (var mode in TransportModes.All.Where(m => m != TransportModes.Remains))
        {
            var estimate = await EstimateAsync(connection, identity.TenantId, mode, escort!, routeClass!, null, ct);
            var (fits, message) = AgainstCover(estimate, file.Cover, lang);
            modes.Add(new ModeEstimate(mode, FitnessTexts.Mode(mode, lang), estimate, fits, message));
        }
        return TypedResults.Ok(new EstimatesView(file.CaseNumber, routeClass!, escort!, file.Cover, modes));
    }
}
