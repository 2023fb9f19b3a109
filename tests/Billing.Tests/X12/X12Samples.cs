using Platform.Billing.Invoices;
using Platform.Billing.X12;

namespace Platform.Billing.Tests.X12;

internal static class X12Samples
{
    public const string Tenant = "acme";
    public static readonly DateTimeOffset ReceivedAt = new(2026, 3, 11, 9, 30, 0, TimeSpan.Zero);

    /// <summary>Three claims under one billing provider: two of the subscriber, one of a dependant (2000C).</summary>
    public static string Professional => Read("837p-three-claims.x12");

    /// <summary>Two claims of a hospital: an inpatient stay with a room-and-board line, an outpatient visit.</summary>
    public static string Institutional => Read("837i-two-claims.x12");

    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "X12", "Samples", name));

    /// <summary>Replaces text that must be present (so a test cannot pass because its edit silently did nothing).</summary>
    public static string Edit(this string text, string from, string to)
    {
        Assert.Contains(from, text);
        return text.Replace(from, to);
    }

    /// <summary>Recounts SE01 after a test removed or added segments, so only the fault under test remains.</summary>
    public static string Recount(this string text)
    {
        var segments = text.Split("~\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        var st = segments.FindIndex(s => s.StartsWith("ST*", StringComparison.Ordinal));
        var se = segments.FindIndex(s => s.StartsWith("SE*", StringComparison.Ordinal));
        segments[se] = $"SE*{se - st + 1}*{segments[se].Split('*')[2]}";
        return string.Join("~\n", segments) + "~\n";
    }

    /// <summary>The 1-based position in its transaction set of the first segment starting with <paramref name="start"/>.</summary>
    public static int PositionOf(string text, string start)
    {
        var segments = text.Split("~\n");
        var st = Array.FindIndex(segments, s => s.StartsWith("ST*", StringComparison.Ordinal));
        var at = Array.FindIndex(segments, s => s.StartsWith(start, StringComparison.Ordinal));
        Assert.True(at > st, $"no segment starts with {start}");
        return at - st + 1;
    }

    public static Claim837Result Parse(string text) => Claim837.Parse(text, Tenant, ReceivedAt);

    public static IReadOnlyList<X12Segment> Segments(string text)
    {
        var read = X12Reader.Read(text);
        Assert.True(read.Ok, string.Join("\n", read.Errors));
        return read.Interchange!.Groups.Single().TransactionSets.Single().Segments;
    }

    public static readonly X12Control Control = new("ACMEASSIST", "CLINICSUBMIT", 42, 7, new DateTimeOffset(2026, 3, 12, 14, 5, 0, TimeSpan.Zero));

    public static readonly Payer Payer = new("ACME ASSISTANCE", "591112222", "1 ASSISTANCE PLAZA", "BOSTON", "MA", "02110", "US");

    public static readonly X12Parties Parties = new("MIAMI BEACH CLINIC BILLING", "CLINICSUBMIT", new X12Contact("JANE BILLER", "305-555-0100", null),
        "ACME ASSISTANCE", "ACMEASSIST", Payer);

    public static readonly Party Clinic = new("MIAMI BEACH URGENT CARE", "US-MIA-0001", "1234567893", "59-1234567", "1200 OCEAN DRIVE", "MIAMI BEACH", "FL", "331391234", "US");

    /// <summary>A professional invoice of three lines on two days (CPT and HCPCS codes, two diagnoses).</summary>
    public static Invoice ProfessionalInvoice(string currency = "USD") => new(
        Guid.CreateVersion7(), Tenant, InvoiceKinds.Clinic, ClaimForms.Professional, "json", "INV-2001", "ACME-2026-000042", null,
        "GOP-2026-000001", Clinic, new Patient("IVANOVA", "MARIA", new DateOnly(1985, 4, 12), "F", "POL-RU-000123"),
        new DateOnly(2026, 2, 28), new DateOnly(2026, 3, 1), currency, ["J0190", "R509"],
        [
            new InvoiceLine(1, "99204", CodeSystems.Cpt, null, null, new DateOnly(2026, 2, 28), 1, 180m, 180m, [1, 2], "medical-expenses"),
            new InvoiceLine(2, "87880", CodeSystems.Cpt, null, null, new DateOnly(2026, 2, 28), 1, 35.5m, 35.5m, [1], "medical-expenses"),
            new InvoiceLine(3, "J1885", CodeSystems.Hcpcs, null, null, new DateOnly(2026, 3, 1), 2, 25m, 50m, [2, 1], "medical-expenses"),
        ],
        "11", ReceivedAt);

    /// <summary>An inpatient hospital invoice: room and board by revenue code alone, a procedure, a drug.</summary>
    public static Invoice InstitutionalInvoice() => new(
        Guid.CreateVersion7(), Tenant, InvoiceKinds.Clinic, ClaimForms.Institutional, "json", "INV-H-900", "ACME-2026-000050", null,
        "GOP-2026-000012", Clinic with { Name = "ORLANDO GENERAL HOSPITAL", Npi = "1245319599" },
        new Patient("PETROV", "IVAN", new DateOnly(1970, 1, 5), "M", "POL-RU-000777"),
        new DateOnly(2026, 3, 5), new DateOnly(2026, 3, 8), "USD", ["K3580", "E860", "R1031"],
        [
            new InvoiceLine(1, "0120", Claim837.RevenueCodeSystem, "0120", null, new DateOnly(2026, 3, 5), 3, 1500m, 4500m, [], "medical-expenses"),
            new InvoiceLine(2, "44970", CodeSystems.Cpt, "0360", null, new DateOnly(2026, 3, 6), 1, 2100m, 2100m, [], "medical-expenses"),
            new InvoiceLine(3, "J2405", CodeSystems.Hcpcs, "0250", null, new DateOnly(2026, 3, 8), 6, 55m, 330m, [], "medical-expenses"),
        ],
        "0111", ReceivedAt);
}
