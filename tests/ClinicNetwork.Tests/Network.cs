using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

/// <summary>The service with the platform's clock fixed: Wednesday 10 June 2026, 14:00 UTC (10:00 in Orlando).</summary>
public sealed class ClockedClinicsFactory : ClinicsFactory
{
    public static readonly DateTimeOffset Now = new(2026, 6, 10, 14, 0, 0, TimeSpan.Zero);

    public SettableClock Clock { get; } = new() { Now = Now };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>A clock a test sets forwards and back (FakeTimeProvider only goes forwards; the fixture is shared).</summary>
public sealed class SettableClock : TimeProvider
{
    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;
}

public static class Network
{
    public const string CsvHeader =
        "code,name,country,city,address,latitude,longitude,time_zone,phone,email,specialties,languages,inpatient,outpatient,admits_24_7,direct_billing,direct_billing_insurers,contract_from,contract_to,status,opening_hours,prices";

    public static string Tenant() => $"net-{Guid.NewGuid():N}"[..16];

    /// <summary>A clinic in Orlando (or where told), open on weekdays 08:00-20:00.</summary>
    public static Dictionary<string, object?> Clinic(string code, double latitude = 28.5383, double longitude = -81.3792, string city = "Orlando") => new()
    {
        ["code"] = code,
        ["name"] = $"Clinic {code}",
        ["country"] = "US",
        ["city"] = city,
        ["address"] = "1 Main Street",
        ["latitude"] = latitude,
        ["longitude"] = longitude,
        ["specialties"] = new[] { "general-medicine" },
        ["languages"] = new[] { "en" },
        ["openingHours"] = Enumerable.Range(1, 5).Select(d => new { day = d, opens = "08:00", closes = "20:00" }).ToArray(),
    };

    public static Dictionary<string, object?> With(this Dictionary<string, object?> clinic, string field, object? value)
    {
        clinic[field] = value;
        return clinic;
    }

    public static async Task LoadAsync(this HttpClient client, params object[] clinics)
    {
        var response = await client.PostAsJsonAsync("/clinics/network/batch", clinics);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static StringContent Csv(params string[] rows) =>
        new(string.Join("\r\n", [CsvHeader, .. rows]) + "\r\n", Encoding.UTF8, "text/csv");

    public static async Task<JsonElement> Json(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static string[] ErrorKeys(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
}
