using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NpgsqlTypes;
using Platform.Billing;
using Platform.Billing.Invoices;
using Platform.Billing.Payments;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Bench.BillingAdjudication;

/// <summary>
/// The baseline: the same rules as <c>Adjudications</c> + <c>Adjudicator</c>, written the obvious way, one query per
/// line for each thing a line needs. Per invoice, in the caller's transaction: the case's cover locked and read, the
/// revision, the letter's terms and the overrides (one query each, as the real code's per-invoice reads); then for each
/// of its lines, in order: (1) the clinic's tariff for the line's code and date, (2) whether the line was billed before
/// (an earlier invoice of the biller for the patient, or an earlier line of this invoice), (3) the benefit's remaining
/// cover (its limit less what the case's decided lines paid, this invoice's earlier lines included, less what the
/// case's other letters still reserve), (4) the deductible taken on the policy and the letter's co-payment taken so
/// far; the decision; (5) one INSERT of the line's decision into <c>naive_line_decisions</c> (the table the next
/// line's queries read). Then the adjudication row, the invoice's status, the payment order and the
/// <c>InvoiceAdjudicated</c> events, as the real code writes them. Invoices and tariffs in the policy's currency only
/// (the data is all USD); anything else is refused rather than decided differently.
/// </summary>
public sealed class NaiveAdjudicator(TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    public const string Schema = """
        CREATE TABLE naive_line_decisions (
            invoice_id  uuid    NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
            line        integer NOT NULL,
            tenant_id   text    NOT NULL,
            case_id     uuid    NOT NULL,
            letter_id   uuid    NULL,
            -- The case's policy number when decided: the deductible is the policy's, over all its cases.
            policy_number text  NULL,
            benefit     text    NOT NULL,
            outcome     text    NOT NULL,
            billed      numeric NOT NULL,
            allowed     numeric NOT NULL,
            paid        numeric NOT NULL,
            deductible  numeric NOT NULL,
            co_payment  numeric NOT NULL,
            adjustments jsonb   NOT NULL,
            PRIMARY KEY (invoice_id, line)
        );
        CREATE INDEX naive_line_decisions_by_case ON naive_line_decisions (tenant_id, case_id, benefit);
        CREATE INDEX naive_line_decisions_by_letter ON naive_line_decisions (letter_id) WHERE letter_id IS NOT NULL;
        CREATE INDEX naive_line_decisions_by_policy ON naive_line_decisions (tenant_id, policy_number);
        """;

    public async Task<Adjudication> AdjudicateAsync(NpgsqlTransaction transaction, StoredInvoice stored, string by, CancellationToken ct)
    {
        var invoice = stored.Invoice;
        var connection = transaction.Connection!;
        var now = clock.GetUtcNow();
        var biller = InvoiceStore.BillerCode(invoice);

        PolicyTerms policy;
        string? policyNumber;
        await using (var cover = new NpgsqlCommand(
            "SELECT policy::text, policy_number FROM case_covers WHERE tenant_id = @tenant AND case_id = @case_id FOR UPDATE", connection, transaction))
        {
            cover.Parameters.AddWithValue("tenant", invoice.TenantId);
            cover.Parameters.AddWithValue("case_id", invoice.CaseId!.Value);
            await using var r = await cover.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct) || r.IsDBNull(0)) throw new NotSupportedException($"Invoice {invoice.Number}: no cover or policy terms.");
            policy = JsonSerializer.Deserialize<PolicyTerms>(r.GetString(0), Json)!;
            policyNumber = r.IsDBNull(1) ? null : r.GetString(1);
        }
        if (policyNumber is not null)
        {
            // The same lock as Adjudications: one policy's deductible is decided one invoice at a time.
            await using var policyLock = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, transaction);
            policyLock.Parameters.AddWithValue("key", $"billing-policy/{invoice.TenantId}/{policyNumber}");
            await policyLock.ExecuteNonQueryAsync(ct);
        }
        var policyCurrency = Money.Currency(policy.Limits.FirstOrDefault(l => Money.Key(l.Benefit) == "medical-expenses")?.Currency
            ?? policy.Limits.FirstOrDefault()?.Currency ?? policy.Deductible?.Currency ?? invoice.Currency);
        if (policyCurrency != invoice.Currency || policy.Limits.Any(l => Money.Currency(l.Currency) != policyCurrency))
            throw new NotSupportedException($"Invoice {invoice.Number}: only invoices in the policy's one currency.");
        var limits = policy.Limits.GroupBy(l => Money.Key(l.Benefit)).ToDictionary(g => g.Key, g => g.First().Amount);

        int revision;
        await using (var cmd = new NpgsqlCommand("SELECT coalesce(max(revision), 0) FROM adjudications WHERE invoice_id = @invoice", connection, transaction))
        {
            cmd.Parameters.AddWithValue("invoice", invoice.Id);
            revision = (int)(await cmd.ExecuteScalarAsync(ct))!;
        }

        decimal letterCoPayment = 0, letterDeductible = 0;
        var excluded = new HashSet<string>();
        if (stored.LetterId is { } letterId)
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT co_payment, deductible, excluded_services FROM guarantee_letters WHERE id = @letter AND tenant_id = @tenant", connection, transaction);
            cmd.Parameters.AddWithValue("letter", letterId);
            cmd.Parameters.AddWithValue("tenant", invoice.TenantId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                letterCoPayment = r.GetDecimal(0);
                letterDeductible = r.GetDecimal(1);
                excluded = r.GetFieldValue<string[]>(2).Select(s => s.Trim().ToUpperInvariant()).ToHashSet();
            }
        }
        var deductibleTotal = policy.Deductible is { } d && Money.Currency(d.Currency) == policyCurrency ? d.Amount : letterDeductible;

        var overrides = new Dictionary<int, LineOverride>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT line, outcome, paid, reason, decided_by, decided_at FROM line_overrides WHERE invoice_id = @invoice", connection, transaction))
        {
            cmd.Parameters.AddWithValue("invoice", invoice.Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                overrides[r.GetInt32(0)] = new LineOverride(r.GetString(1), r.GetDecimal(2), r.GetString(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5));
        }

        var decisions = new List<LineDecision>(invoice.Lines.Count);
        var deductibleTaken = 0m;
        foreach (var line in invoice.Lines)
        {
            var billed = Money.Round(line.Amount);
            var code = line.ServiceCode.Trim().ToUpperInvariant();
            var benefit = Money.Key(line.Benefit);

            // (1) The tariff of the line.
            decimal? tariff;
            await using (var cmd = new NpgsqlCommand("""
                SELECT price, currency FROM clinic_prices
                WHERE tenant_id = @tenant AND clinic_code = @biller AND upper(service_code) = @code
                  AND valid_from <= @date AND (valid_to IS NULL OR valid_to >= @date)
                LIMIT 1
                """, connection, transaction))
            {
                cmd.Parameters.AddWithValue("tenant", invoice.TenantId);
                cmd.Parameters.AddWithValue("biller", biller);
                cmd.Parameters.AddWithValue("code", code);
                cmd.Parameters.AddWithValue("date", line.ServiceDate);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                tariff = null;
                if (await r.ReadAsync(ct))
                {
                    if (r.GetString(1).Trim() != invoice.Currency)
                        throw new NotSupportedException($"Invoice {invoice.Number}: a price in {r.GetString(1)}.");
                    tariff = r.GetDecimal(0);
                }
            }

            // (2) The duplicate check of the line.
            bool duplicate;
            await using (var cmd = new NpgsqlCommand("""
                SELECT EXISTS (
                    SELECT 1 FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
                    WHERE l.tenant_id = @tenant AND l.case_id = @case_id AND l.biller_code = @biller AND l.service_date = @date
                      AND upper(l.service_code) = @code AND round(l.amount, 2) = @amount
                      AND ((l.invoice_id <> @invoice AND i.status <> 'returned' AND (i.received_at, i.id) < (@received, @invoice))
                           OR (l.invoice_id = @invoice AND l.line < @line)))
                """, connection, transaction))
            {
                var p = cmd.Parameters;
                p.AddWithValue("tenant", invoice.TenantId);
                p.AddWithValue("case_id", invoice.CaseId!.Value);
                p.AddWithValue("biller", biller);
                p.AddWithValue("date", line.ServiceDate);
                p.AddWithValue("code", code);
                p.AddWithValue("amount", billed);
                p.AddWithValue("invoice", invoice.Id);
                p.AddWithValue("received", invoice.ReceivedAt);
                p.AddWithValue("line", line.Number);
                duplicate = (bool)(await cmd.ExecuteScalarAsync(ct))!;
            }

            // (3) The remaining cover of the line's benefit.
            decimal spent, reserved;
            await using (var cmd = new NpgsqlCommand("""
                SELECT (SELECT coalesce(sum(d.paid), 0) FROM naive_line_decisions d
                        WHERE d.tenant_id = @tenant AND d.case_id = @case_id AND d.benefit = @benefit),
                       (SELECT coalesce(sum(greatest(0, g.amount - coalesce((SELECT sum(d.paid) FROM naive_line_decisions d WHERE d.letter_id = g.id), 0))), 0)
                        FROM guarantee_letters g
                        WHERE g.tenant_id = @tenant AND g.case_id = @case_id AND g.status = 'issued' AND g.currency = @currency
                          AND g.benefit = @benefit AND g.id IS DISTINCT FROM @letter)
                """, connection, transaction))
            {
                var p = cmd.Parameters;
                p.AddWithValue("tenant", invoice.TenantId);
                p.AddWithValue("case_id", invoice.CaseId!.Value);
                p.AddWithValue("benefit", benefit);
                p.AddWithValue("currency", policyCurrency);
                p.Add(new NpgsqlParameter<Guid?>("letter", stored.LetterId));
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                spent = r.GetDecimal(0);
                reserved = r.GetDecimal(1);
            }
            decimal? cover = limits.TryGetValue(benefit, out var limit) ? Math.Max(0, limit - spent - reserved) : null;

            // (4) The deductible taken on the policy (any of its cases) and the letter's co-payment taken.
            decimal policyDeductibleTaken, coPaymentTaken;
            await using (var cmd = new NpgsqlCommand("""
                SELECT coalesce(sum(d.deductible), 0), coalesce(sum(d.co_payment) FILTER (WHERE d.letter_id = @letter), 0)
                FROM naive_line_decisions d
                WHERE d.tenant_id = @tenant AND (d.case_id = @case_id OR d.policy_number = @policy_number)
                """, connection, transaction))
            {
                var p = cmd.Parameters;
                p.AddWithValue("tenant", invoice.TenantId);
                p.AddWithValue("case_id", invoice.CaseId!.Value);
                p.Add(new NpgsqlParameter<string?>("policy_number", policyNumber));
                p.Add(new NpgsqlParameter<Guid?>("letter", stored.LetterId));
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                policyDeductibleTaken = r.GetDecimal(0);
                coPaymentTaken = r.GetDecimal(1);
            }
            var deductibleLeft = Math.Max(0, deductibleTotal - policyDeductibleTaken);
            var coPaymentLeft = Math.Max(0, letterCoPayment - coPaymentTaken);

            // The rules, as Adjudicator applies them to one line.
            var adjustments = new List<Adjustment>();
            overrides.TryGetValue(line.Number, out var manual);
            string? rejection = null;
            if (line.ServiceDate < policy.Start) rejection = "26";
            else if (line.ServiceDate > policy.End) rejection = "27";
            else if (!limits.ContainsKey(benefit) || excluded.Contains(code)) rejection = "96";
            else if (duplicate) rejection = "18";

            decimal allowed;
            if (manual is not null)
            {
                allowed = manual.Outcome == LineOutcomes.Rejected ? 0 : Math.Min(billed, Money.Round(manual.Paid));
                if (allowed < billed) adjustments.Add(new Adjustment("CO", allowed == 0 ? "96" : "45", billed - allowed));
            }
            else if (rejection is not null)
            {
                allowed = 0;
                adjustments.Add(new Adjustment("CO", rejection, billed));
            }
            else
            {
                allowed = tariff is { } t ? Math.Min(billed, Money.Round(t * line.Quantity)) : billed;
                if (allowed < billed) adjustments.Add(new Adjustment("CO", "45", billed - allowed));
            }
            var deductible = Math.Min(allowed, deductibleLeft);
            deductibleTaken += deductible;
            if (deductible > 0) adjustments.Add(new Adjustment("PR", "1", deductible));
            var coPayment = Math.Min(allowed - deductible, coPaymentLeft);
            if (coPayment > 0) adjustments.Add(new Adjustment("PR", "3", coPayment));
            var payable = allowed - deductible - coPayment;
            if (payable > 0 && cover is { } left && payable > left)
            {
                adjustments.Add(new Adjustment("CO", "119", payable - left));
                payable = left;
            }
            var contractual = adjustments.Where(a => a.Group == "CO").Sum(a => a.Amount);
            var outcome = contractual == 0 ? LineOutcomes.Approved : contractual == billed ? LineOutcomes.Rejected : LineOutcomes.Reduced;
            var decision = new LineDecision(line.Number, outcome, billed, allowed, payable, deductible + coPayment, adjustments, manual);
            decisions.Add(decision);

            // (5) One INSERT per line decision.
            await using (var cmd = new NpgsqlCommand("""
                INSERT INTO naive_line_decisions (invoice_id, line, tenant_id, case_id, letter_id, policy_number, benefit, outcome, billed, allowed,
                    paid, deductible, co_payment, adjustments)
                VALUES (@invoice, @line, @tenant, @case_id, @letter, @policy_number, @benefit, @outcome, @billed, @allowed, @paid, @deductible, @co_payment, @adjustments)
                """, connection, transaction))
            {
                var p = cmd.Parameters;
                p.AddWithValue("invoice", invoice.Id);
                p.AddWithValue("line", line.Number);
                p.AddWithValue("tenant", invoice.TenantId);
                p.AddWithValue("case_id", invoice.CaseId!.Value);
                p.Add(new NpgsqlParameter<Guid?>("letter", stored.LetterId));
                p.Add(new NpgsqlParameter<string?>("policy_number", policyNumber));
                p.AddWithValue("benefit", benefit);
                p.AddWithValue("outcome", outcome);
                p.AddWithValue("billed", billed);
                p.AddWithValue("allowed", allowed);
                p.AddWithValue("paid", payable);
                p.AddWithValue("deductible", deductible);
                p.AddWithValue("co_payment", coPayment);
                p.Add(new NpgsqlParameter("adjustments", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(adjustments, Json) });
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }

        var approved = decisions.Sum(l => l.Paid);
        var adjudication = new Adjudication(invoice.Id, revision + 1, AdjudicationStatuses.Adjudicated, null, decisions.Sum(l => l.Billed), approved,
            decisions.Sum(l => l.PatientPays), decisions.Sum(l => l.Adjustments.Where(a => a.Group != "PR").Sum(a => a.Amount)),
            policyCurrency, 1, null, Money.Round(approved), decisions, now, by);

        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO adjudications (invoice_id, revision, tenant_id, status, return_reason, billed, approved, patient_responsibility, rejected,
                policy_currency, rate, rate_date, approved_in_policy_currency, deductible_taken, lines, adjudicated_at, adjudicated_by)
            VALUES (@id, @revision, @tenant, @status, NULL, @billed, @approved, @patient, @rejected, @currency, 1, NULL,
                @approved_policy, @deductible, @lines, @at, @by)
            """, connection, transaction))
        {
            var a = adjudication;
            var p = cmd.Parameters;
            p.AddWithValue("id", a.InvoiceId);
            p.AddWithValue("revision", a.Revision);
            p.AddWithValue("tenant", invoice.TenantId);
            p.AddWithValue("status", a.Status);
            p.AddWithValue("billed", a.Billed);
            p.AddWithValue("approved", a.Approved);
            p.AddWithValue("patient", a.PatientResponsibility);
            p.AddWithValue("rejected", a.Rejected);
            p.AddWithValue("currency", a.PolicyCurrency);
            p.AddWithValue("approved_policy", a.ApprovedInPolicyCurrency);
            p.AddWithValue("deductible", deductibleTaken);
            p.Add(new NpgsqlParameter("lines", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(a.Lines, Json) });
            p.AddWithValue("at", a.AdjudicatedAt);
            p.AddWithValue("by", a.AdjudicatedBy);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand(
            "UPDATE invoices SET status = 'adjudicated', pending_reason = NULL, return_reason = NULL WHERE id = @id", connection, transaction))
        {
            cmd.Parameters.AddWithValue("id", invoice.Id);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await PaymentOrders.OrderAsync(transaction, stored, approved, now, ct);

        // One InvoiceAdjudicated per benefit the invoice bills, with the ids the real code gives them.
        var benefits = invoice.Lines.Select(l => Money.Key(l.Benefit)).Distinct().ToArray();
        foreach (var benefit in benefits)
        {
            var paid = decisions.Where(x => Money.Key(invoice.Lines.First(l => l.Number == x.Line).Benefit) == benefit).Sum(x => x.Paid);
            var id = benefit == benefits[0] ? invoice.Id : DerivedId(invoice.Id, benefit);
            await transaction.EnqueueAsync(new InvoiceAdjudicated(id, invoice.TenantId, invoice.CaseId!.Value, benefit, Money.Round(paid),
                policyCurrency, benefit == benefits[0] ? stored.LetterId : null, now), ct);
        }
        return adjudication;
    }

    private static Guid DerivedId(Guid invoiceId, string benefit)
    {
        var hash = MD5.HashData(Encoding.UTF8.GetBytes($"{invoiceId:N}/{benefit}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x30);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash, bigEndian: true);
    }
}
