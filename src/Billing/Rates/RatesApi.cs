using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Billing.Decisions;
using Platform.Billing.Invoices;

namespace Platform.Billing.Rates;

/// <summary>On <c>date</c>, one unit of <c>currency</c> is worth <c>rate</c> units of <c>base</c> (e.g. 2026-01-05 EUR USD 1.08).</summary>
public sealed record ExchangeRate(DateOnly? Date, string? Currency, string? Base, decimal? Rate);

public sealed record RateBatch(IReadOnlyList<ExchangeRate>? Rates);

/// <summary>What a load did: rates written, and the pending invoices it let be adjudicated.</summary>
public sealed record RateBatchResult(int Rates, int InvoicesAdjudicated, int InvoicesStillPending);

public static class RatesApi
{
    public const int MaxRates = 100_000;

    public static void MapRatesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/rates").WithTags("Exchange rates");
        group.MapPost("/batch", LoadAsync).RequireAccess(Access.ConfigureInsurer)
            .Accepts<RateBatch>("application/json", "text/csv")
            .WithSummary("Loads exchange rates in bulk (JSON {rates:[{date,currency,base,rate}]} or CSV date,currency,base,rate), all or nothing; " +
                         "a rate for the same day replaces the earlier one; invoices waiting for a rate are then adjudicated");
        group.MapGet("/", ListAsync).RequireAccess(Access.ReadCases)
            .WithSummary("The rates loaded for a currency pair (currency, base), newest first (at most 100)");
    }

    private static async Task<Results<Ok<RateBatchResult>, ValidationProblem>> LoadAsync(HttpRequest http, RequestIdentity identity,
        NpgsqlDataSource db, Adjudications adjudications, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        List<ExchangeRate> rates;
        if (http.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
            rates = await ReadCsvAsync(http.Body, errors, ct);
        else
        {
            RateBatch? batch;
            try { batch = await http.ReadFromJsonAsync<RateBatch>(PlatformJson.Options, ct); }
            catch (System.Text.Json.JsonException e) { return Problems.Validation(e.Path is { Length: > 2 } p ? p[2..] : "rates", "The JSON is not valid here."); }
            rates = batch?.Rates?.ToList() ?? [];
        }
        if (rates.Count == 0 && errors.IsValid) errors.Add("rates", "Give at least one rate.");
        if (rates.Count > MaxRates) errors.Add("rates", $"At most {MaxRates} rates per load.");
        for (var i = 0; i < rates.Count && i < MaxRates; i++)
        {
            var r = rates[i];
            var at = $"rates[{i}]";
            if (r is null) { errors.Add(at, "The rate is empty."); continue; }
            errors.Required($"{at}.date", r.Date);
            if (errors.Required($"{at}.currency", r.Currency) && !IsoCodes.Currencies.Contains(Money.Currency(r.Currency)))
                errors.Add($"{at}.currency", "The field must be an ISO 4217 currency code such as EUR.");
            if (errors.Required($"{at}.base", r.Base) && !IsoCodes.Currencies.Contains(Money.Currency(r.Base)))
                errors.Add($"{at}.base", "The field must be an ISO 4217 currency code such as USD.");
            if (Money.Currency(r.Currency) == Money.Currency(r.Base) && r.Currency is not null) errors.Add($"{at}.base", "The base must differ from the currency.");
            if (errors.Required($"{at}.rate", r.Rate) && r.Rate is <= 0 or > 1_000_000_000) errors.Add($"{at}.rate", "The rate must be above 0.");
        }
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary(), "Nothing was loaded; correct the rates named and send them again.");

        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            // The last of a day's rates for a pair wins within the load as well as over earlier loads.
            var latest = rates.GroupBy(r => (r.Date!.Value, Money.Currency(r.Currency), Money.Currency(r.Base))).Select(g => g.Last()).ToArray();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO exchange_rates (tenant_id, rate_date, currency, base, rate, loaded_at, loaded_by)
                SELECT @tenant, d, c, b, r, @now, @by FROM unnest(@dates, @currencies, @bases, @rates) AS x(d, c, b, r)
                ON CONFLICT (tenant_id, currency, base, rate_date) DO UPDATE
                SET rate = excluded.rate, loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by
                """, connection, transaction);
            insert.Parameters.AddWithValue("tenant", identity.TenantId);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("by", identity.ActorId);
            insert.Parameters.AddWithValue("dates", latest.Select(r => r.Date!.Value).ToArray());
            insert.Parameters.AddWithValue("currencies", latest.Select(r => Money.Currency(r.Currency)).ToArray());
            insert.Parameters.AddWithValue("bases", latest.Select(r => Money.Currency(r.Base)).ToArray());
            insert.Parameters.AddWithValue("rates", latest.Select(r => r.Rate!.Value).ToArray());
            await insert.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }
        var (adjudicated, pending) = await AdjudicateWaitingAsync(connection, identity, adjudications, ct);
        return TypedResults.Ok(new RateBatchResult(rates.Count, adjudicated, pending));
    }

    /// <summary>The tenant's invoices that waited for a rate, adjudicated again one by one (each in its own transaction).</summary>
    private static async Task<(int Adjudicated, int Pending)> AdjudicateWaitingAsync(NpgsqlConnection connection, RequestIdentity identity,
        Adjudications adjudications, CancellationToken ct)
    {
        var waiting = await InvoiceStore.ListAsync(connection, null, identity.TenantId, "i.status = 'pending' AND i.pending_on = 'rate'",
            _ => { }, ct);
        int adjudicated = 0, pending = 0;
        foreach (var invoice in waiting)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var outcome = await adjudications.AdjudicateAsync(transaction, invoice, identity.ActorId, ct);
            await transaction.CommitAsync(ct);
            if (outcome.Adjudication is null) pending++;
            else adjudicated++;
        }
        return (adjudicated, pending);
    }

    private static async Task<List<ExchangeRate>> ReadCsvAsync(Stream body, ValidationErrors errors, CancellationToken ct)
    {
        var rates = new List<ExchangeRate>();
        using var reader = new StreamReader(body);
        using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim, BadDataFound = null, MissingFieldFound = null,
        });
        var first = true;
        while (await parser.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            var cells = parser.Record!;
            // The header is optional: a first row that starts with "date" is one.
            var header = first && cells[0].Equals("date", StringComparison.OrdinalIgnoreCase);
            first = false;
            if (header) continue;
            var index = rates.Count;
            if (cells.Length != 4)
            {
                errors.Add($"rates[{index}]", "A row has four columns: date,currency,base,rate.");
                rates.Add(new ExchangeRate(null, null, null, null));
                continue;
            }
            DateOnly? date = DateOnly.TryParseExact(cells[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
            if (date is null) errors.Add($"rates[{index}].date", "The date must be written yyyy-MM-dd.");
            decimal? rate = decimal.TryParse(cells[3], NumberStyles.Number, CultureInfo.InvariantCulture, out var r) ? r : null;
            if (rate is null) errors.Add($"rates[{index}].rate", "The rate must be a number such as 1.0832.");
            rates.Add(new ExchangeRate(date ?? DateOnly.MinValue, cells[1], cells[2], rate ?? 1));
            if (rates.Count > MaxRates) break;
        }
        return rates;
    }

    private static async Task<Results<Ok<IReadOnlyList<ExchangeRate>>, ValidationProblem>> ListAsync(string? currency, string? @base,
        RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Required("currency", currency);
        errors.Required("base", @base);
        if (!errors.IsValid) return Problems.Validation(errors.ToDictionary());
        await using var cmd = db.CreateCommand("""
            SELECT rate_date, currency, base, rate FROM exchange_rates
            WHERE tenant_id = @tenant AND currency = @currency AND base = @base ORDER BY rate_date DESC LIMIT 100
            """);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("currency", Money.Currency(currency));
        cmd.Parameters.AddWithValue("base", Money.Currency(@base));
        var list = new List<ExchangeRate>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new ExchangeRate(r.GetFieldValue<DateOnly>(0), r.GetString(1).Trim(), r.GetString(2).Trim(), r.GetDecimal(3)));
        return TypedResults.Ok<IReadOnlyList<ExchangeRate>>(list);
    }
}
