using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NpgsqlTypes;
using Platform.Billing.Invoices;
using Platform.Contracts;

namespace Platform.Bench.BillingAdjudication;

public sealed record CaseSeed(int Index, Guid Id, string Number, string PolicyNumber, DateOnly End, int Clinic, Guid? Letter,
    string[] Excluded, bool Heavy);

public sealed record LineSeed(string Code, string System, DateOnly Date, decimal Quantity, decimal UnitPrice, decimal Amount, string Benefit);

public sealed record InvoiceSeed(Guid Id, CaseSeed Case, string Number, DateTimeOffset Received, Guid? Letter, List<LineSeed> Lines);

/// <summary>
/// The data adjudicated: case covers (a 50,000 USD medical limit, 20,000 USD repatriation, a 100 USD deductible per
/// policy), guarantee letters for half of the cases (10,000 USD, a 50 USD co-payment, two services excluded), the
/// price lists of 50 clinics (200 codes each, a quarter of them with a new price from July), and invoices of 20 lines,
/// five per case on average, spread over the cases in the order they are received. Among the lines: some above the
/// clinic's tariff, codes the clinic has no price for, dental lines (a benefit the policies do not cover), duplicates of
/// a line of an earlier invoice of the case (and of the same invoice), services after a policy ended; one case in 50
/// is an intensive-care stay whose invoices run through the medical limit. Everything is in USD. Deterministic (seeded).
/// Written with binary COPY, the rows as the service's consumers and intake would have written them.
/// </summary>
public sealed class Seed
{
    public const string Tenant = "bench";
    public const string Medical = "medical-expenses";
    public const int Clinics = 50;
    public const int CodesPerClinic = 200;
    public const int LinesPerInvoice = 20;
    private static readonly DateOnly PriceChange = new(2026, 7, 1);
    private static readonly DateTimeOffset Received = new(2026, 8, 3, 6, 0, 0, TimeSpan.Zero);

    public required IReadOnlyList<CaseSeed> Cases { get; init; }
    public required IReadOnlyList<InvoiceSeed> Invoices { get; init; }
    public int Letters => Cases.Count(c => c.Letter is not null);

    public static string ClinicCode(int clinic) => $"CL-{clinic:D3}";
    public static string PricedCode(int j) => (10040 + j * 271).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The clinic's price of code j on a date: 20 to 220 USD; every fourth code 8 % dearer from July.</summary>
    public static decimal Tariff(int clinic, int j, DateOnly date)
    {
        var price = 20m + (clinic * 131 + j * 53) % 200 + (clinic + j) % 100 / 100m;
        return j % 4 == 0 && date >= PriceChange ? Math.Round(price * 1.08m, 2, MidpointRounding.AwayFromZero) : price;
    }

    public static Seed Generate(int invoices, int seed)
    {
        var random = new Random(seed);
        var caseCount = Math.Max(1, (invoices + 4) / 5);
        var cases = new List<CaseSeed>(caseCount);
        for (var i = 0; i < caseCount; i++)
        {
            var heavy = i % 50 == 25;
            var letter = i % 2 == 0 ? NewGuid(random) : (Guid?)null;
            cases.Add(new CaseSeed(i, NewGuid(random), $"BN-{i:D6}", $"POL-{i:D6}",
                i % 20 == 3 ? new DateOnly(2026, 4, 30) : new DateOnly(2026, 12, 31), i % Clinics, letter,
                letter is null ? [] : [PricedCode(i % CodesPerClinic), PricedCode(i * 7 % CodesPerClinic)], heavy));
        }

        // Invoice slots in the order they are received: each case's invoices spread over the run, sometimes close together.
        var slots = Enumerable.Range(0, invoices).Select(s => s % caseCount).ToArray();
        random.Shuffle(slots);
        var perCase = new int[caseCount];
        var billedBefore = new List<LineSeed>[caseCount];
        var list = new List<InvoiceSeed>(invoices);
        for (var s = 0; s < invoices; s++)
        {
            var c = cases[slots[s]];
            var k = perCase[c.Index]++;
            var previous = billedBefore[c.Index] ??= [];
            var from = new DateOnly(2026, 1, 3).AddDays(k * 40 + c.Index % 10);
            var lines = new List<LineSeed>(LinesPerInvoice);
            for (var n = 0; n < LinesPerInvoice; n++)
            {
                var r = random.NextDouble();
                if (r < 0.02 && previous.Count > 0) lines.Add(previous[random.Next(previous.Count)]); // billed again in a later invoice
                else if (r < 0.03 && lines.Count > 0) lines.Add(lines[random.Next(lines.Count)]); // twice in the same invoice
                else lines.Add(NewLine(random, c, from.AddDays(random.Next(10))));
            }
            previous.AddRange(lines);
            // One invoice of a case with a letter is billed without it (the emergency visit before the letter).
            var letter = k == 2 ? null : c.Letter;
            list.Add(new InvoiceSeed(NewGuid(random), c, $"INV-{s:D7}", Received.AddSeconds(s * 20), letter, lines));
        }
        return new Seed { Cases = cases, Invoices = list };
    }

    private static LineSeed NewLine(Random random, CaseSeed c, DateOnly date)
    {
        if (c.Heavy) // intensive care: drugs and devices the price list does not have, 800 to 3,000 USD a line
        {
            var amount = 800m + random.Next(220_000) / 100m;
            return new LineSeed($"J{1000 + random.Next(400)}", CodeSystems.Hcpcs, date, 1, amount, amount, Medical);
        }
        var r = random.NextDouble();
        var benefit = r < 0.05 ? "dental" : r < 0.08 ? "repatriation" : Medical;
        if (random.NextDouble() < 0.05)
        {
            var amount = 15m + random.Next(38_500) / 100m;
            return new LineSeed($"J{1000 + random.Next(400)}", CodeSystems.Hcpcs, date, 1, amount, amount, benefit);
        }
        var j = random.Next(CodesPerClinic);
        var quantity = random.NextDouble() < 0.15 ? 2m : 1m;
        var unit = Tariff(c.Clinic, j, date);
        if (random.NextDouble() < 0.15) unit = Math.Round(unit * (1.1m + random.Next(50) / 100m), 2, MidpointRounding.AwayFromZero); // above tariff
        return new LineSeed(PricedCode(j), CodeSystems.Cpt, date, quantity, unit, unit * quantity, benefit);
    }

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    public async Task WriteAsync(NpgsqlDataSource dataSource)
    {
        var json = PlatformJson.Options;
        var at = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);
        await using var conn = await dataSource.OpenConnectionAsync();

        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY case_covers (tenant_id, case_id, case_number, insured_name, insured_date_of_birth, policy_number, country, policy, version, changed_at)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var c in Cases)
            {
                var policy = new PolicyTerms(c.PolicyNumber, "Travel Premium", new DateOnly(2026, 1, 1), c.End, ["US"],
                    [new CoverLimit(Medical, 50_000m, "USD"), new CoverLimit("repatriation", 20_000m, "USD")], new CoverAmount(100m, "USD"),
                    ["illness", "accident"], [], null);
                await w.StartRowAsync();
                await w.WriteAsync(Tenant, NpgsqlDbType.Text);
                await w.WriteAsync(c.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(c.Number, NpgsqlDbType.Text);
                await w.WriteAsync($"PATIENT CASE {c.Index}", NpgsqlDbType.Text);
                await w.WriteAsync(new DateOnly(1950, 1, 1).AddDays(c.Index % 15_000), NpgsqlDbType.Date);
                await w.WriteAsync(c.PolicyNumber, NpgsqlDbType.Text);
                await w.WriteAsync("US", NpgsqlDbType.Char);
                await w.WriteAsync(JsonSerializer.Serialize(policy, json), NpgsqlDbType.Jsonb);
                await w.WriteAsync(1L, NpgsqlDbType.Bigint);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }

        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO case_cover_benefits (tenant_id, case_id, benefit, limit_amount, currency)
            SELECT tenant_id, case_id, l->>'benefit', (l->>'amount')::numeric, l->>'currency'
            FROM case_covers CROSS JOIN LATERAL jsonb_array_elements(policy->'limits') l;

            INSERT INTO clinic_price_lists (tenant_id, clinic_code, clinic_name, country, changed_at)
            SELECT @tenant, 'CL-' || lpad(c::text, 3, '0'), 'Clinic ' || c, 'US', @at FROM generate_series(0, @clinics - 1) c;
            """, conn))
        {
            cmd.Parameters.AddWithValue("tenant", Tenant);
            cmd.Parameters.AddWithValue("at", at);
            cmd.Parameters.AddWithValue("clinics", Clinics);
            await cmd.ExecuteNonQueryAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY clinic_prices (tenant_id, clinic_code, service_code, price, currency, valid_from, valid_to) FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var clinic = 0; clinic < Clinics; clinic++)
                for (var j = 0; j < CodesPerClinic; j++)
                {
                    var versions = j % 4 == 0
                        ? new[] { (new DateOnly(2025, 1, 1), (DateOnly?)PriceChange.AddDays(-1)), (PriceChange, null) }
                        : new[] { (new DateOnly(2025, 1, 1), (DateOnly?)null) };
                    foreach (var (validFrom, validTo) in versions)
                    {
                        await w.StartRowAsync();
                        await w.WriteAsync(Tenant, NpgsqlDbType.Text);
                        await w.WriteAsync(ClinicCode(clinic), NpgsqlDbType.Text);
                        await w.WriteAsync(PricedCode(j), NpgsqlDbType.Text);
                        await w.WriteAsync(Tariff(clinic, j, validFrom), NpgsqlDbType.Numeric);
                        await w.WriteAsync("USD", NpgsqlDbType.Char);
                        await w.WriteAsync(validFrom, NpgsqlDbType.Date);
                        if (validTo is { } to) await w.WriteAsync(to, NpgsqlDbType.Date);
                        else await w.WriteNullAsync();
                    }
                }
            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY guarantee_letters (id, tenant_id, number, case_id, clinic_code, clinic_name, benefit, amount, currency, period_from, period_to,
                co_payment, deductible, excluded_services, status, changed_at) FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var c in Cases.Where(c => c.Letter is not null))
            {
                await w.StartRowAsync();
                await w.WriteAsync(c.Letter!.Value, NpgsqlDbType.Uuid);
                await w.WriteAsync(Tenant, NpgsqlDbType.Text);
                await w.WriteAsync($"GOP-{c.Index:D6}", NpgsqlDbType.Text);
                await w.WriteAsync(c.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(ClinicCode(c.Clinic), NpgsqlDbType.Text);
                await w.WriteAsync($"Clinic {c.Clinic}", NpgsqlDbType.Text);
                await w.WriteAsync(Medical, NpgsqlDbType.Text);
                await w.WriteAsync(10_000m, NpgsqlDbType.Numeric);
                await w.WriteAsync("USD", NpgsqlDbType.Char);
                await w.WriteAsync(new DateOnly(2026, 1, 1), NpgsqlDbType.Date);
                await w.WriteAsync(new DateOnly(2026, 12, 31), NpgsqlDbType.Date);
                await w.WriteAsync(50m, NpgsqlDbType.Numeric);
                await w.WriteAsync(0m, NpgsqlDbType.Numeric);
                await w.WriteAsync(c.Excluded, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await w.WriteAsync("issued", NpgsqlDbType.Text);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY invoices (id, tenant_id, kind, form, source, number, case_id, case_number, letter_id, guarantee_number, biller_code, biller,
                patient, service_from, service_to, currency, diagnoses, facility_code, status, received_at, submitted_by)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var i in Invoices)
            {
                var c = i.Case;
                var biller = new Party($"Clinic {c.Clinic}", ClinicCode(c.Clinic), null, null, $"{c.Clinic} Main Street", "Orlando", "FL", "32801", "US");
                var patient = new Patient("PATIENT", $"CASE {c.Index}", new DateOnly(1950, 1, 1).AddDays(c.Index % 15_000), null, c.PolicyNumber);
                await w.StartRowAsync();
                await w.WriteAsync(i.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(Tenant, NpgsqlDbType.Text);
                await w.WriteAsync(InvoiceKinds.Clinic, NpgsqlDbType.Text);
                await w.WriteAsync(ClaimForms.Professional, NpgsqlDbType.Text);
                await w.WriteAsync("json", NpgsqlDbType.Text);
                await w.WriteAsync(i.Number, NpgsqlDbType.Text);
                await w.WriteAsync(c.Id, NpgsqlDbType.Uuid);
                await w.WriteAsync(c.Number, NpgsqlDbType.Text);
                if (i.Letter is { } letter)
                {
                    await w.WriteAsync(letter, NpgsqlDbType.Uuid);
                    await w.WriteAsync($"GOP-{c.Index:D6}", NpgsqlDbType.Text);
                }
                else
                {
                    await w.WriteNullAsync();
                    await w.WriteNullAsync();
                }
                await w.WriteAsync(ClinicCode(c.Clinic), NpgsqlDbType.Text);
                await w.WriteAsync(JsonSerializer.Serialize(biller, json), NpgsqlDbType.Jsonb);
                await w.WriteAsync(JsonSerializer.Serialize(patient, json), NpgsqlDbType.Jsonb);
                await w.WriteAsync(i.Lines.Min(l => l.Date), NpgsqlDbType.Date);
                await w.WriteAsync(i.Lines.Max(l => l.Date), NpgsqlDbType.Date);
                await w.WriteAsync("USD", NpgsqlDbType.Char);
                await w.WriteAsync(new[] { "I214", "I10" }, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await w.WriteAsync("21", NpgsqlDbType.Text);
                await w.WriteAsync(InvoiceStatuses.Pending, NpgsqlDbType.Text);
                await w.WriteAsync(i.Received, NpgsqlDbType.TimestampTz);
                await w.WriteAsync("clinic:" + ClinicCode(c.Clinic), NpgsqlDbType.Text);
            }
            await w.CompleteAsync();
        }

        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY invoice_lines (invoice_id, line, tenant_id, case_id, biller_code, service_code, code_system, service_date, quantity, unit_price,
                amount, diagnosis_pointers, benefit) FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var i in Invoices)
                for (var n = 0; n < i.Lines.Count; n++)
                {
                    var l = i.Lines[n];
                    await w.StartRowAsync();
                    await w.WriteAsync(i.Id, NpgsqlDbType.Uuid);
                    await w.WriteAsync(n + 1, NpgsqlDbType.Integer);
                    await w.WriteAsync(Tenant, NpgsqlDbType.Text);
                    await w.WriteAsync(i.Case.Id, NpgsqlDbType.Uuid);
                    await w.WriteAsync(ClinicCode(i.Case.Clinic), NpgsqlDbType.Text);
                    await w.WriteAsync(l.Code, NpgsqlDbType.Text);
                    await w.WriteAsync(l.System, NpgsqlDbType.Text);
                    await w.WriteAsync(l.Date, NpgsqlDbType.Date);
                    await w.WriteAsync(l.Quantity, NpgsqlDbType.Numeric);
                    await w.WriteAsync(l.UnitPrice, NpgsqlDbType.Numeric);
                    await w.WriteAsync(l.Amount, NpgsqlDbType.Numeric);
                    await w.WriteAsync(new[] { 1 }, NpgsqlDbType.Array | NpgsqlDbType.Integer);
                    await w.WriteAsync(l.Benefit, NpgsqlDbType.Text);
                }
            await w.CompleteAsync();
        }
    }
}
