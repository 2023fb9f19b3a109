using Npgsql;
using Platform.Billing.Decisions;
using Platform.Billing.Payments;

namespace Platform.Billing.Invoices;

/// <summary>Where an invoice is billed: the case, the guarantee letter it names (if any) and the patient as the case has them.</summary>
public sealed record BillingTarget(Guid CaseId, string CaseNumber, Guid? LetterId, string? LetterNumber, string? LetterClinic,
    DateOnly? LetterFrom, DateOnly? LetterTo, Patient Patient, string? ClinicName);

/// <summary>What a submission came to: the invoice kept and its decision (or pending state), or a conflict.</summary>
public sealed record SubmissionOutcome(StoredInvoice? Invoice, Adjudication? Adjudication, string? Conflict);

/// <summary>
/// Receives an invoice however it came (JSON, an X12 837 claim, the insured's receipt) and decides it in the same
/// transaction: what only the biller can correct returns the invoice to them (CO-16, with the reason); the rest is
/// adjudicated. Every lookup is the tenant's: a case or letter of another tenant names nothing, like a missing one.
/// </summary>
public sealed class InvoiceIntake(Adjudications adjudications)
{
    /// <summary>Finds the case (and letter) an invoice names; otherwise the field that names nothing and why.</summary>
    public static async Task<(BillingTarget? Target, string? Field, string? Error)> FindTargetAsync(NpgsqlTransaction transaction, string tenantId,
        string? caseNumber, string? guaranteeNumber, string? billerCode, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT c.case_id, c.case_number, g.id, g.number, g.clinic_code, g.period_from, g.period_to, g.case_id,
                   c.insured_name, c.insured_date_of_birth, c.policy_number, coalesce(p.clinic_name, g.clinic_name)
            FROM (SELECT 1) one
            LEFT JOIN guarantee_letters g ON g.tenant_id = @tenant AND g.number = @gop
            LEFT JOIN case_covers c ON c.tenant_id = @tenant
                AND (c.case_number = @case_number OR (@case_number::text IS NULL AND c.case_id = g.case_id))
            LEFT JOIN clinic_price_lists p ON p.tenant_id = @tenant AND p.clinic_code = @biller
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("case_number", caseNumber));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("gop", guaranteeNumber));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("biller", billerCode));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        if (guaranteeNumber is not null && r.IsDBNull(2))
            return (null, "guaranteeNumber", $"No guarantee letter {guaranteeNumber} is known.");
        if (r.IsDBNull(0))
            return caseNumber is null
                ? (null, "guaranteeNumber", $"The case of guarantee letter {guaranteeNumber} is not known to billing yet; send the invoice again in a minute.")
                : (null, "caseNumber", $"No case {caseNumber} is known.");
        if (!r.IsDBNull(7) && r.GetGuid(7) != r.GetGuid(0))
            return (null, "guaranteeNumber", $"Guarantee letter {guaranteeNumber} was issued for another case than {caseNumber}.");
        var (family, given) = SplitName(r.GetString(8));
        return (new BillingTarget(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5),
            r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6),
            new Patient(family, given, r.IsDBNull(9) ? null : r.GetFieldValue<DateOnly>(9), null, r.IsDBNull(10) ? null : r.GetString(10)),
            r.IsDBNull(11) ? null : r.GetString(11)), null, null);
    }

    /// <summary>
    /// Keeps the invoice and decides it. A number the biller used before is a conflict, unless that invoice was returned
    /// for correction: the new one then supersedes it.
    /// </summary>
    public async Task<SubmissionOutcome> SubmitAsync(NpgsqlTransaction transaction, Invoice invoice, BillingTarget target, PayeeAccount? account,
        string by, Guid? x12File, CancellationToken ct)
    {
        var billerCode = InvoiceStore.BillerCode(invoice);
        Guid? returned = null;
        await using (var existing = new NpgsqlCommand("""
            SELECT id, status FROM invoices
            WHERE tenant_id = @tenant AND biller_code = @biller AND number = @number AND superseded_by IS NULL
            FOR UPDATE
            """, transaction.Connection, transaction))
        {
            existing.Parameters.AddWithValue("tenant", invoice.TenantId);
            existing.Parameters.AddWithValue("biller", billerCode);
            existing.Parameters.AddWithValue("number", invoice.Number);
            await using var r = await existing.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                if (r.GetString(1) != InvoiceStatuses.Returned)
                    return new SubmissionOutcome(null, null,
                        $"Invoice {invoice.Number} from {(billerCode == "insured" ? "the insured" : billerCode)} was received before " +
                        $"(id {r.GetGuid(0)}); it can be sent again only after it was returned for correction.");
                returned = r.GetGuid(0);
            }
        }
        if (returned is { } old)
        {
            await using var supersede = new NpgsqlCommand("UPDATE invoices SET superseded_by = @new WHERE id = @old",
                transaction.Connection, transaction);
            supersede.Parameters.AddWithValue("new", invoice.Id);
            supersede.Parameters.AddWithValue("old", old);
            await supersede.ExecuteNonQueryAsync(ct);
        }

        // The patient is the case's insured; an X12 claim names them itself (and keeps its own spelling).
        invoice = invoice with
        {
            CaseId = target.CaseId, CaseNumber = target.CaseNumber,
            Patient = invoice.Patient.FamilyName.Length == 0 ? target.Patient : invoice.Patient,
        };
        await InvoiceStore.InsertAsync(transaction, invoice, target.LetterId, account, by, x12File, ct);
        var stored = new StoredInvoice(invoice, target.LetterId, InvoiceStatuses.Pending, null, null, account, by);
        var outcome = CorrectionNeeded(invoice, target) is { } reason
            ? new AdjudicationOutcome(await adjudications.ReturnAsync(transaction, stored, reason, by, ct), null)
            : await adjudications.AdjudicateAsync(transaction, stored, by, ct);
        // The invoice as it now stands, from what was just written (no reading it back).
        var decided = outcome.Adjudication;
        return new SubmissionOutcome(stored with
        {
            Status = decided?.Status ?? InvoiceStatuses.Pending, PendingReason = outcome.PendingReason, ReturnReason = decided?.ReturnReason,
        }, decided, null);
    }

    /// <summary>
    /// What only the biller can put right, so the invoice goes back to them rather than being rejected: sums that do
    /// not add up, diagnoses pointed at but not given, dates outside the invoice's own, a letter issued to another
    /// clinic. The first one found is the reason given.
    /// </summary>
    public static string? CorrectionNeeded(Invoice invoice, BillingTarget target)
    {
        if (invoice.Kind == InvoiceKinds.Clinic && target.LetterClinic is { } clinic && invoice.Biller.Code is { } code
            && !string.Equals(clinic, code, StringComparison.OrdinalIgnoreCase))
            return $"Guarantee letter {target.LetterNumber} was issued to another clinic; bill it under your own letter or without one.";
        foreach (var line in invoice.Lines)
        {
            if (Math.Abs(Money.Round(line.Quantity * line.UnitPrice) - line.Amount) > 0.01m)
                return $"Line {line.Number}: the amount {line.Amount:0.00} is not the quantity {line.Quantity:0.##} times the unit price {line.UnitPrice:0.00}.";
            if (line.DiagnosisPointers.FirstOrDefault(p => p < 1 || p > invoice.Diagnoses.Count) is var bad and not 0)
                return $"Line {line.Number}: it points at diagnosis {bad}, but the invoice gives {invoice.Diagnoses.Count}.";
            if (line.ServiceDate < invoice.ServiceFrom || line.ServiceDate > invoice.ServiceTo)
                return $"Line {line.Number}: its date of service {line.ServiceDate:yyyy-MM-dd} is outside the invoice's dates " +
                       $"{invoice.ServiceFrom:yyyy-MM-dd} to {invoice.ServiceTo:yyyy-MM-dd}.";
        }
        if (invoice.Form != ClaimForms.Other && invoice.Diagnoses.Count == 0)
            return "A US claim needs at least one ICD-10-CM diagnosis.";
        return null;
    }

    /// <summary>"IVANOVA MARIA PETROVNA" → ("IVANOVA", "MARIA PETROVNA"): the case keeps the family name first.</summary>
    public static (string Family, string Given) SplitName(string fullName)
    {
        var parts = fullName.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length switch { 0 => ("", ""), 1 => (parts[0], ""), _ => (parts[0], parts[1]) };
    }
}
