using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.OmsRepresentatives.Tests.Service;
using Platform.SmsSimulator;

namespace Platform.OmsRepresentatives.Tests.Sms;

/// <summary>
/// The service with its reminder SMS going to the SMS gateway simulator, started in this process on a free loopback
/// port (real HTTP both ways: the service sends to the simulator, the simulator posts delivery reports back, to the
/// in-memory server, as the gateway would forward them). The sending window is the whole day; 40 SMS a second.
/// </summary>
public sealed class SmsFactory : OmsFactory, IAsyncLifetime
{
    public const string ApiKey = "test-sms-api-key";
    public const string ReportToken = "test-sms-report-token-0123456789abcdef";
    public const int PerSecond = 40;
    public const int BatchSize = 25;
    public static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    public WebApplication Simulator { get; private set; } = null!;
    public Uri SimulatorUrl { get; private set; } = null!;
    public HttpClient SimulatorApi { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await StartSimulatorAsync("http://127.0.0.1:0");
        SimulatorApi = new HttpClient { BaseAddress = SimulatorUrl };
        await base.InitializeAsync();
    }

    /// <summary>Starts the simulator (again, after <see cref="StopSimulatorAsync"/>, on the same port: what it had sent is forgotten).</summary>
    public async Task StartSimulatorAsync(string? url = null)
    {
        Simulator = SmsSimulatorApp.Build(
            [$"--urls={url ?? SimulatorUrl.ToString().TrimEnd('/')}", $"--Simulator:ApiKey={ApiKey}", $"--Simulator:ReportToken={ReportToken}",
             "--Simulator:ReportDelay=00:00:00.500", "--Logging:LogLevel:Default=Warning"],
            b => b.Services.AddHttpClient(SmsSimulatorApp.ReportsClient).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler()));
        await Simulator.StartAsync();
        SimulatorUrl = new Uri(Simulator.Urls.Single());
    }

    public async Task StopSimulatorAsync()
    {
        await Simulator.StopAsync();
        await Simulator.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Oms:Sms:BaseUrl", SimulatorUrl.ToString());
        builder.UseSetting("Oms:Sms:ApiKey", ApiKey);
        builder.UseSetting("Oms:Sms:Sender", "SMO-TEST");
        builder.UseSetting("Oms:Sms:CallbackUrl", "http://localhost/sms/delivery-reports");
        builder.UseSetting("Oms:Sms:ReportToken", ReportToken);
        builder.UseSetting("Oms:Sms:PerSecond", PerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Oms:Sms:BatchSize", BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Oms:Sms:PollInterval", "00:00:00.200");
        builder.UseSetting("Oms:Sms:WindowFrom", "00:00:00");
        builder.UseSetting("Oms:Sms:WindowUntil", "1.00:00:00");
        builder.UseSetting("Oms:Sms:TimeZone", "Europe/Moscow");
        builder.UseSetting("Oms:Sms:SmoName", "СМО «Здоровье»");
        builder.UseSetting("Oms:Sms:SmoPhone", "8-800-100-20-30");
        builder.UseSetting("Oms:Sms:Timeout", "00:00:05");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Simulator.StopAsync();
        await Simulator.DisposeAsync();
        SimulatorApi.Dispose();
    }

    /// <summary>The SMO's date now (the platform's clock in Moscow).</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), Moscow).DateTime);

    /// <summary>A mobile number of this test ending in <paramref name="ending"/> (two digits; 99 is an absent subscriber).</summary>
    public static string Phone(int? ending = null) =>
        $"+7916{Random.Shared.Next(0, 100_000):D5}{ending ?? Random.Shared.Next(10, 99):D2}";

    public async Task<long> CampaignAsync(string tenant, string status = "planned", int year = 2026)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO campaigns (tenant_id, name, kinds, year, starts_on, sms_per_day, calls_per_day, clinic_per_day, status, created_by, created_at)
            VALUES (@tenant, 'Профилактика', '{checkup,dispanserization,in-depth,dispensary}', @year, @starts, 1000, 100, 100, @status, 'test', now())
            RETURNING id
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("year", year);
        cmd.Parameters.AddWithValue("starts", Today);
        cmd.Parameters.AddWithValue("status", status);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>SMS invitations of a campaign for <paramref name="on"/>, one per phone; the person is in the register when a name is given.</summary>
    public async Task<long[]> InvitationsAsync(string tenant, long campaign, DateOnly on, IReadOnlyList<(string Phone, string Kind, string? FullName)> people,
        string clinic = "770101")
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var enps = people.Select(_ => $"{Random.Shared.NextInt64(1_000_000_000_000_000, 9_999_999_999_999_999)}").ToArray();
        await using (var insured = new NpgsqlCommand("""
            INSERT INTO insured (tenant_id, enp, full_name, birth_date, sex, region, clinic_code, phone, reminder_channel)
            SELECT @tenant, e, n, '1980-05-01', 'f', '77', @clinic, p, 'sms' FROM unnest(@enps, @names, @phones) AS x(e, n, p) WHERE n IS NOT NULL
            """, connection)
        {
            Parameters =
            {
                new("tenant", tenant), new("clinic", clinic), new("enps", enps),
                new("names", people.Select(p => p.FullName).ToArray()), new("phones", people.Select(p => p.Phone).ToArray()),
            },
        })
            await insured.ExecuteNonQueryAsync();
        await using var invitations = new NpgsqlCommand("""
            INSERT INTO invitations (tenant_id, campaign_id, enp, kind, channel, clinic_code, phone, scheduled_on)
            SELECT @tenant, @campaign, e, k, 'sms', @clinic, p, @on FROM unnest(@enps, @kinds, @phones) WITH ORDINALITY AS x(e, k, p, n)
            ORDER BY n
            RETURNING id
            """, connection)
        {
            Parameters =
            {
                new("tenant", tenant), new("campaign", campaign), new("clinic", clinic), new("on", on), new("enps", enps),
                new("kinds", people.Select(p => p.Kind).ToArray()), new("phones", people.Select(p => p.Phone).ToArray()),
            },
        };
        await using var reader = await invitations.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return [.. ids];
    }

    /// <summary>Invitations of the tenant by id: delivery, attempts, last error, provider id, delivered_at.</summary>
    public async Task<Dictionary<long, (string Delivery, int Attempts, string? LastError, string? ProviderId, DateTimeOffset? DeliveredAt)>> DeliveryAsync(string tenant)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT id, delivery, attempts, last_error, provider_message_id, delivered_at FROM invitations WHERE tenant_id = @tenant", connection);
        cmd.Parameters.AddWithValue("tenant", tenant);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new Dictionary<long, (string, int, string?, string?, DateTimeOffset?)>();
        while (await r.ReadAsync())
            rows[r.GetInt64(0)] = (r.GetString(1), r.GetInt16(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5));
        return rows;
    }

    /// <summary>What the simulator accepted, by our reference (the invitation's id).</summary>
    public async Task<Dictionary<long, JsonElement>> SimulatorMessagesAsync(IEnumerable<long> ids)
    {
        var wanted = ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var all = await SimulatorApi.GetFromJsonAsync<JsonElement>("/api/v1/messages?limit=10000");
        return all.EnumerateArray().Where(m => m.GetProperty("reference").GetString() is { } r && wanted.Contains(r))
            .ToDictionary(m => long.Parse(m.GetProperty("reference").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Leaves nothing of a test's tenant for the sender to pick up later (another test may move the clock on).</summary>
    public async Task CancelLeftoversAsync(string tenant)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("UPDATE invitations SET delivery = 'cancelled' WHERE tenant_id = @tenant AND delivery = 'pending'", connection);
        cmd.Parameters.AddWithValue("tenant", tenant);
        await cmd.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SmsService : ICollectionFixture<SmsFactory>
{
    public const string Name = "oms sms";
}
