using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Billing.Invoices;
using Platform.Billing.Payments;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Billing.Decisions;

/// <summary>What a pending invoice waits for: an exchange rate (loading rates decides it), the case's cover, or a person.</summary>
public static class PendingOn
{
    public const string Rate = "rate";
    public const string Cover = "cover";
    public const string Person = "person";
}

/// <summary>What adjudicating an invoice came to: a decision, or why it is still pending.</summary>
public sealed record AdjudicationOutcome(Adjudication? Adjudication, string? PendingReason);

/// <summary>
/// Adjudicates an invoice inside the caller's transaction: locks the case's cover (so two invoices of one case cannot
/// both take the last of a limit), gathers the terms in one round trip, applies <see cref="Adjudicator"/>, keeps the
/// decision as a new revision, orders the payment and tells Cases and the clinic network what was spent
/// (<see cref="InvoiceAdjudicated"/>, one per benefit the invoice bills).
/// </summary>
public sealed class Adjudications(TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    /// <summary>How old an exchange rate may be, counted back from the invoice's last day of service.</summary>
    public const int RateDays = 7;

    public async Task<AdjudicationOutcome> AdjudicateAsync(NpgsqlTransaction transaction, StoredInvoice stored, string by, CancellationToken ct)
    {
        var invoice = stored.Invoice;
        var connection = transaction.Connection!;
        var now = clock.GetUtcNow();

        PolicyTerms? policy;
        string? policyNumber;
        await using (var cover = new NpgsqlCommand("""
            SELECT policy::text, policy_number FROM case_covers WHERE tenant_id = @tenant AND case_id = @case_id FOR UPDATE
            """, connection, transaction))
        {
            cover.Parameters.AddWithValue("tenant", invoice.TenantId);
            cover.Parameters.AddWithValue("case_id", invoice.CaseId!.Value);
            await using var r = await cover.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return await PendAsync(transaction, invoice, PendingOn.Cover, "The case's cover is not known to billing yet.", ct);
            policy = r.IsDBNull(0) ? null : JsonSerializer.Deserialize<PolicyTerms>(r.GetString(0), Json);
            policyNumber = r.IsDBNull(1) ? null : r.GetString(1);
        }
        if (policy is null)
            return await PendAsync(transaction, invoice, PendingOn.Cover, "The case has no policy terms: its cover has not been confirmed.", ct);
        if (policyNumber is not null)
        {
            // The deductible is the policy's, over all its cases: invoices of two cases of one policy are decided one
            // at a time, or both would take the whole deductible.
            await using var policyLock = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, transaction);
            policyLock.Parameters.AddWithValue("key", $"billing-policy/{invoice.TenantId}/{policyNumber}");
            await policyLock.ExecuteNonQueryAsync(ct);
        }

        var policyCurrency = Money.Currency(policy.Limits.FirstOrDefault(l => Money.Key(l.Benefit) == "medical-expenses")?.Currency
            ?? policy.Limits.FirstOrDefault()?.Currency ?? policy.Deductible?.Currency ?? invoice.Currency);
        if (policy.Limits.Any(l => Money.Currency(l.Currency) != policyCurrency))
            return await PendAsync(transaction, invoice, PendingOn.Person, $"The policy's limits are in several currencies; adjudicate by hand.", ct);

        var gathered = await GatherAsync(transaction, stored, policyCurrency, policyNumber, ct);
        if (gathered.Rate is null)
            return await PendAsync(transaction, invoice, PendingOn.Rate,
                $"No exchange rate from {invoice.Currency} to {policyCurrency} dated {invoice.ServiceTo.AddDays(-RateDays):yyyy-MM-dd}" +
                $" to {invoice.ServiceTo:yyyy-MM-dd} (the last day of service): load one and the invoice is adjudicated.", ct);
        var rate = gathered.Rate.Value;
        var foreignTariff = gathered.Prices.FirstOrDefault(p => p.Currency != invoice.Currency && p.Currency != policyCurrency);
        if (foreignTariff is not null)
            return await PendAsync(transaction, invoice, PendingOn.Person,
                $"The clinic's price for {foreignTariff.Code} is in {foreignTariff.Currency}, the invoice in {invoice.Currency}.", ct);

        var remaining = policy.Limits.GroupBy(l => Money.Key(l.Benefit)).ToDictionary(g => g.Key,
            g => (decimal?)Math.Max(0, g.First().Amount - gathered.Spent.GetValueOrDefault(g.Key) - gathered.Reserved.GetValueOrDefault(g.Key)));
        var deductible = policy.Deductible is { } d && Money.Currency(d.Currency) == policyCurrency ? d.Amount
            : gathered.Letter?.Deductible ?? 0;
        var terms = new AdjudicationTerms(policyCurrency, rate, gathered.RateDate, policy.Start, policy.End, remaining,
            Math.Max(0, deductible - gathered.DeductibleTaken),
            Math.Max(0, (gathered.Letter?.CoPayment ?? 0) - gathered.CoPaymentTaken),
            gathered.Letter?.Excluded ?? new HashSet<string>(),
            (code, date) => gathered.Prices.FirstOrDefault(p => p.Code == code.Trim().ToUpperInvariant() && p.From <= date && (p.To is null || p.To >= date))
                is { } price ? (price.Currency == invoice.Currency ? price.Amount : Money.Round(price.Amount / rate)) : null,
            gathered.BilledBefore, gathered.Overrides);

        var (lines, deductibleTaken) = Adjudicator.Decide(invoice, terms);
        var approved = lines.Sum(l => l.Paid);
        var adjudication = new Adjudication(invoice.Id, gathered.Revision + 1, AdjudicationStatuses.Adjudicated, null,
            lines.Sum(l => l.Billed), approved, lines.Sum(l => l.PatientPays),
            lines.Sum(l => l.Adjustments.Where(a => a.Group != "PR").Sum(a => a.Amount)),
            policyCurrency, rate, gathered.RateDate, Money.Round(approved * rate), lines, now, by);
        await SaveAsync(transaction, stored, adjudication, deductibleTaken, ct);
        await PaymentOrders.OrderAsync(transaction, stored, approved, now, ct);
        await ReportAsync(transaction, stored, adjudication, now, ct);
        return new AdjudicationOutcome(adjudication, null);
    }

    /// <summary>
    /// Sends an invoice back to its biller for correction: nothing of it is decided or paid, and what an earlier
    /// decision spent is given back to the cover (a zero adjudication). The biller may send a corrected invoice under
    /// the same number.
    /// </summary>
    public async Task<Adjudication> ReturnAsync(NpgsqlTransaction transaction, StoredInvoice stored, string reason, string by, CancellationToken ct)
    {
        var invoice = stored.Invoice;
        var now = clock.GetUtcNow();
        // A decision in force is replaced by nothing, in its own currency (what Cases counted it in).
        var previous = await LatestAsync(transaction.Connection!, transaction, invoice.Id, ct);
        var lines = invoice.Lines.Select(l => new LineDecision(l.Number, LineOutcomes.Rejected, Money.Round(l.Amount), 0, 0, 0,
            [new Adjustment("CO", "16", Money.Round(l.Amount))], null)).ToArray();
        var adjudication = new Adjudication(invoice.Id, (previous?.Revision ?? 0) + 1, AdjudicationStatuses.Returned, reason, lines.Sum(l => l.Billed),
            0, 0, lines.Sum(l => l.Billed), previous?.PolicyCurrency ?? invoice.Currency, previous?.Rate ?? 1, previous?.RateDate, 0, lines, now, by);
        await SaveAsync(transaction, stored, adjudication, 0, ct);
        await PaymentOrders.OrderAsync(transaction, stored, 0, now, ct);
        if (previous?.Status == AdjudicationStatuses.Adjudicated) await ReportAsync(transaction, stored, adjudication, now, ct);
        return adjudication;
    }

    public static async Task<Adjudication?> LatestAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid invoiceId, CancellationToken ct) =>
        (await LatestAsync(connection, transaction, [invoiceId], ct)).GetValueOrDefault(invoiceId);

    /// <summary>The decision in force (the latest revision) of each invoice that has one.</summary>
    public static async Task<IReadOnlyDictionary<Guid, Adjudication>> LatestAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyCollection<Guid> invoiceIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT DISTINCT ON (invoice_id) invoice_id, revision, status, return_reason, billed, approved, patient_responsibility, rejected,
                   policy_currency, rate, rate_date, approved_in_policy_currency, lines::text, adjudicated_at, adjudicated_by
            FROM adjudications WHERE invoice_id = ANY(@ids)
            ORDER BY invoice_id, revision DESC
            """, connection, transaction);
        cmd.Parameters.AddWithValue("ids", invoiceIds.ToArray());
        var found = new Dictionary<Guid, Adjudication>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            found[r.GetGuid(0)] = new Adjudication(r.GetGuid(0), r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetDecimal(4), r.GetDecimal(5), r.GetDecimal(6), r.GetDecimal(7), r.GetString(8).Trim(), r.GetDecimal(9),
                r.IsDBNull(10) ? null : r.GetFieldValue<DateOnly>(10), r.GetDecimal(11),
                JsonSerializer.Deserialize<LineDecision[]>(r.GetString(12), Json)!, r.GetFieldValue<DateTimeOffset>(13), r.GetString(14));
        return found;
    }

    private static async Task<AdjudicationOutcome> PendAsync(NpgsqlTransaction transaction, Invoice invoice, string waitsFor, string reason,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            UPDATE invoices SET status = 'pending', pending_on = @waits_for, pending_reason = @reason, return_reason = NULL WHERE id = @id
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("id", invoice.Id);
        cmd.Parameters.AddWithValue("reason", reason);
        cmd.Parameters.AddWithValue("waits_for", waitsFor);
        await cmd.ExecuteNonQueryAsync(ct);
        return new AdjudicationOutcome(null, reason);
    }

    private static async Task SaveAsync(NpgsqlTransaction transaction, StoredInvoice stored, Adjudication a, decimal deductibleTaken,
        CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO adjudications (invoice_id, revision, tenant_id, status, return_reason, billed, approved, patient_responsibility, rejected,
                policy_currency, rate, rate_date, approved_in_policy_currency, deductible_taken, lines, adjudicated_at, adjudicated_by)
            VALUES (@id, @revision, @tenant, @status, @reason, @billed, @approved, @patient, @rejected, @currency, @rate, @rate_date,
                @approved_policy, @deductible, @lines, @at, @by)
            """)
        {
            Parameters =
            {
                new("id", a.InvoiceId), new("revision", a.Revision), new("tenant", stored.Invoice.TenantId), new("status", a.Status),
                new NpgsqlParameter<string?>("reason", a.ReturnReason), new("billed", a.Billed), new("approved", a.Approved),
                new("patient", a.PatientResponsibility), new("rejected", a.Rejected), new("currency", a.PolicyCurrency), new("rate", a.Rate),
                new NpgsqlParameter<DateOnly?>("rate_date", a.RateDate), new("approved_policy", a.ApprovedInPolicyCurrency),
                new("deductible", deductibleTaken),
                new("lines", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(a.Lines, Json) },
                new("at", a.AdjudicatedAt), new("by", a.AdjudicatedBy),
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE invoices SET status = @status, pending_on = NULL, pending_reason = NULL, return_reason = @reason WHERE id = @id
            """)
        {
            Parameters = { new("id", a.InvoiceId), new("status", a.Status), new NpgsqlParameter<string?>("reason", a.ReturnReason) },
        });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// One <see cref="InvoiceAdjudicated"/> per benefit the invoice bills, in the policy's currency. The benefit of the
    /// invoice's first line carries the invoice's id; any other benefit an id derived from the invoice's and the
    /// benefit's, so that every later revision replaces exactly what the earlier one reported.
    /// </summary>
    private static async Task ReportAsync(NpgsqlTransaction transaction, StoredInvoice stored, Adjudication a, DateTimeOffset now, CancellationToken ct)
    {
        var invoice = stored.Invoice;
        var benefits = invoice.Lines.Select(l => Money.Key(l.Benefit)).Distinct().ToArray();
        foreach (var benefit in benefits)
        {
            var paid = a.Lines.Where(d => Money.Key(invoice.Lines.First(l => l.Number == d.Line).Benefit) == benefit).Sum(d => d.Paid);
            var id = benefit == benefits[0] ? invoice.Id : DerivedId(invoice.Id, benefit);
            await transaction.EnqueueAsync(new InvoiceAdjudicated(id, invoice.TenantId, invoice.CaseId!.Value, benefit, Money.Round(paid * a.Rate),
                a.PolicyCurrency, benefit == benefits[0] ? stored.LetterId : null, now), ct);
        }
    }

    private static Guid DerivedId(Guid invoiceId, string benefit)
    {
        var hash = MD5.HashData(Encoding.UTF8.GetBytes($"{invoiceId:N}/{benefit}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x30); // version 3: a name-based id
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash, bigEndian: true);
    }

    private sealed record Price(string Code, decimal Amount, string Currency, DateOnly From, DateOnly? To);

    private sealed record Letter(decimal CoPayment, decimal Deductible, IReadOnlySet<string> Excluded);

    private sealed record Gathered(
        int Revision, decimal? Rate, DateOnly? RateDate, Dictionary<string, decimal> Spent, Dictionary<string, decimal> Reserved,
        decimal DeductibleTaken, decimal CoPaymentTaken, Letter? Letter, List<Price> Prices,
        HashSet<(DateOnly, string, decimal)> BilledBefore, Dictionary<int, LineOverride> Overrides);

    /// <summary>Everything the rules need beyond the policy, in one round trip.</summary>
    private static async Task<Gathered> GatherAsync(NpgsqlTransaction transaction, StoredInvoice stored, string policyCurrency,
        string? policyNumber, CancellationToken ct)
    {
        var invoice = stored.Invoice;
        const string latest = """
            JOIN LATERAL (SELECT * FROM adjudications a WHERE a.invoice_id = i.id ORDER BY a.revision DESC LIMIT 1) a
                ON a.status = 'adjudicated'
            """;
        string[] sql =
        [
            "SELECT coalesce(max(revision), 0) FROM adjudications WHERE invoice_id = @invoice",
            // The rate: invoice to policy currency, or the inverse of policy to invoice, the latest within the window.
            """
            SELECT CASE WHEN currency = @currency THEN rate ELSE 1 / rate END, rate_date FROM exchange_rates
            WHERE tenant_id = @tenant AND rate_date BETWEEN @service_to - @days AND @service_to
              AND ((currency = @currency AND base = @policy_currency) OR (currency = @policy_currency AND base = @currency))
            ORDER BY rate_date DESC, currency = @currency DESC LIMIT 1
            """,
            // Spent per benefit by the case's other invoices (their decisions in force), in the policy's currency.
            $"""
            SELECT l.benefit, sum((d->>'paid')::numeric * a.rate)
            FROM invoices i {latest}
            CROSS JOIN LATERAL jsonb_array_elements(a.lines) d
            JOIN invoice_lines l ON l.invoice_id = i.id AND l.line = (d->>'line')::integer
            WHERE i.tenant_id = @tenant AND i.case_id = @case_id AND i.id <> @invoice AND a.policy_currency = @policy_currency
            GROUP BY l.benefit
            """,
            // Reserved by the case's other letters in force: each its amount less what was approved under it.
            $"""
            SELECT g.benefit, sum(greatest(0, g.amount - coalesce((
                       SELECT sum(a.approved_in_policy_currency) FROM invoices i {latest}
                       WHERE i.letter_id = g.id AND i.id <> @invoice), 0)))
            FROM guarantee_letters g
            WHERE g.tenant_id = @tenant AND g.case_id = @case_id AND g.status = 'issued' AND g.currency = @policy_currency
              AND g.id IS DISTINCT FROM @letter
            GROUP BY g.benefit
            """,
            // The deductible is the policy's: what other invoices of the policy (any of its cases) or of this case took.
            $"""
            SELECT coalesce(sum(a.deductible_taken), 0) FROM invoices i {latest}
            WHERE i.tenant_id = @tenant AND i.id <> @invoice
              AND i.case_id IN (SELECT case_id FROM case_covers WHERE tenant_id = @tenant
                                AND (case_id = @case_id OR (@policy_number::text IS NOT NULL AND policy_number = @policy_number)))
            """,
            // The letter's co-payment taken by its other invoices.
            $"""
            SELECT coalesce(sum((x->>'amount')::numeric), 0) FROM invoices i {latest}
            CROSS JOIN LATERAL jsonb_array_elements(a.lines) d
            CROSS JOIN LATERAL jsonb_array_elements(d->'adjustments') x
            WHERE i.tenant_id = @tenant AND i.letter_id = @letter AND i.id <> @invoice AND x->>'group' = 'PR' AND x->>'reason' = '3'
            """,
            "SELECT co_payment, deductible, excluded_services FROM guarantee_letters WHERE id = @letter AND tenant_id = @tenant",
            """
            SELECT upper(service_code), price, currency, valid_from, valid_to FROM clinic_prices
            WHERE tenant_id = @tenant AND clinic_code = @biller AND upper(service_code) = ANY(@codes)
            """,
            // Lines this biller billed for this patient before (in invoices received earlier, not returned).
            """
            SELECT l.service_date, upper(l.service_code), l.amount FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
            WHERE l.tenant_id = @tenant AND l.case_id = @case_id AND l.biller_code = @biller AND l.invoice_id <> @invoice
              AND i.status <> 'returned' AND (i.received_at, i.id) < (@received, @invoice)
            """,
            "SELECT line, outcome, paid, reason, decided_by, decided_at FROM line_overrides WHERE invoice_id = @invoice",
        ];
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        foreach (var text in sql)
        {
            var cmd = new NpgsqlBatchCommand(text);
            var p = cmd.Parameters;
            if (text.Contains("@tenant")) p.AddWithValue("tenant", invoice.TenantId);
            if (text.Contains("@invoice")) p.AddWithValue("invoice", invoice.Id);
            if (text.Contains("@case_id")) p.AddWithValue("case_id", invoice.CaseId!.Value);
            if (text.Contains("@currency")) p.AddWithValue("currency", invoice.Currency);
            if (text.Contains("@policy_currency")) p.AddWithValue("policy_currency", policyCurrency);
            if (text.Contains("@service_to")) p.AddWithValue("service_to", invoice.ServiceTo);
            if (text.Contains("@days")) p.AddWithValue("days", RateDays);
            if (text.Contains("@letter")) p.Add(new NpgsqlParameter<Guid?>("letter", stored.LetterId));
            if (text.Contains("@policy_number")) p.Add(new NpgsqlParameter<string?>("policy_number", policyNumber));
            if (text.Contains("@biller")) p.AddWithValue("biller", InvoiceStore.BillerCode(invoice));
            if (text.Contains("@codes")) p.AddWithValue("codes", invoice.Lines.Select(l => l.ServiceCode.Trim().ToUpperInvariant()).Distinct().ToArray());
            if (text.Contains("@received")) p.AddWithValue("received", invoice.ReceivedAt);
            batch.BatchCommands.Add(cmd);
        }

        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var revision = r.GetInt32(0);
        await r.NextResultAsync(ct);
        decimal? rate = invoice.Currency == policyCurrency ? 1 : null;
        DateOnly? rateDate = null;
        if (await r.ReadAsync(ct) && rate is null)
        {
            rate = r.GetDecimal(0);
            rateDate = r.GetFieldValue<DateOnly>(1);
        }
        await r.NextResultAsync(ct);
        var spent = new Dictionary<string, decimal>();
        while (await r.ReadAsync(ct)) spent[r.GetString(0)] = r.GetDecimal(1);
        await r.NextResultAsync(ct);
        var reserved = new Dictionary<string, decimal>();
        while (await r.ReadAsync(ct)) reserved[r.GetString(0)] = r.GetDecimal(1);
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var deductibleTaken = r.GetDecimal(0);
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        var coPaymentTaken = r.GetDecimal(0);
        await r.NextResultAsync(ct);
        Letter? letter = null;
        if (await r.ReadAsync(ct))
            letter = new Letter(r.GetDecimal(0), r.GetDecimal(1), r.GetFieldValue<string[]>(2).Select(s => s.Trim().ToUpperInvariant()).ToHashSet());
        await r.NextResultAsync(ct);
        var prices = new List<Price>();
        while (await r.ReadAsync(ct))
            prices.Add(new Price(r.GetString(0), r.GetDecimal(1), r.GetString(2).Trim(), r.GetFieldValue<DateOnly>(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4)));
        await r.NextResultAsync(ct);
        var before = new HashSet<(DateOnly, string, decimal)>();
        while (await r.ReadAsync(ct)) before.Add((r.GetFieldValue<DateOnly>(0), r.GetString(1), Money.Round(r.GetDecimal(2))));
        await r.NextResultAsync(ct);
        var overrides = new Dictionary<int, LineOverride>();
        while (await r.ReadAsync(ct))
            overrides[r.GetInt32(0)] = new LineOverride(r.GetString(1), r.GetDecimal(2), r.GetString(3), r.GetString(4),
                r.GetFieldValue<DateTimeOffset>(5));
        return new Gathered(revision, rate, rateDate, spent, reserved, deductibleTaken, coPaymentTaken, letter, prices, before, overrides);
    }
}
