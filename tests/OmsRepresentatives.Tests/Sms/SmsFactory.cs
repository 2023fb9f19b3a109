using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Mail;
using Platform.OmsRepresentatives.Sms;
using Platform.OmsRepresentatives.Tests.Service;
using Platform.Tests;

namespace Platform.OmsRepresentatives.Tests.Sms;

/// <summary>
/// The service with its reminder SMS going to the platform's SMS stand-in (tools/SmsStandIn, the AppHost's resource,
/// started by <see cref="DeliveryServers"/>): real HTTP both ways. The stand-in posts its delivery receipts to a small
/// relay on a loopback port, which hands them to the in-memory service's <c>POST /sms/receipts</c> as the gateway
/// would. The sending window is the whole day; 40 SMS a second.
/// </summary>
public sealed class SmsFactory : OmsFactory, IAsyncLifetime
{
    public const int PerSecond = 40;
    public const int BatchSize = 25;
    public const string Sender = "SMO-TEST";
    public static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    public DeliveryServers Delivery { get; private set; } = null!;

    /// <summary>The stand-in's key, with which it signs its receipts.</summary>
    public string ApiKey => SmsProvider.From(Delivery.Sms)!.ApiKey!;

    /// <summary>Where the stand-in posts receipts (the relay's <c>/receipts</c>).</summary>
    public Uri ReceiptUrl { get; private set; } = null!;

    private WebApplication _relay = null!;

    public override async Task InitializeAsync()
    {
        Delivery = await DeliveryServers.StartAsync();
        await StartRelayAsync();
        await base.InitializeAsync();
    }

    /// <summary>The gateway's part: forwards <c>POST /receipts</c>, body and signature (never an Authorization header: the gateway strips credentials), to the in-memory service.</summary>
    private async Task StartRelayAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _relay = builder.Build();
        HttpClient? service = null;
        _relay.MapPost("/receipts", async (HttpContext http) =>
        {
            service ??= new HttpClient(Server.CreateHandler()) { BaseAddress = new Uri("http://localhost") };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/sms/receipts") { Content = new StreamContent(http.Request.Body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(http.Request.ContentType ?? "application/json");
            if (http.Request.Headers[Platform.Mail.SmsProvider.SignatureHeader].ToString() is { Length: > 0 } signature)
                request.Headers.TryAddWithoutValidation(Platform.Mail.SmsProvider.SignatureHeader, signature);
            using var response = await service.SendAsync(request, http.RequestAborted);
            http.Response.StatusCode = (int)response.StatusCode;
            http.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        });
        await _relay.StartAsync();
        ReceiptUrl = new Uri(new Uri(_relay.Urls.Single()), "/receipts");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:sms", Delivery.Sms);
        builder.UseSetting("Oms:Sms:Enabled", "true");
        builder.UseSetting("Oms:Sms:ReceiptUrl", ReceiptUrl.ToString());
        builder.UseSetting("Oms:Sms:Sender", Sender);
        builder.UseSetting("Oms:Sms:PerSecond", PerSecond.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Oms:Sms:BatchSize", BatchSize.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Oms:Sms:PollInterval", "00:00:00.200");
        builder.UseSetting("Oms:Sms:WindowFrom", "00:00:00");
        builder.UseSetting("Oms:Sms:WindowUntil", "1.00:00:00");
        builder.UseSetting("Oms:Sms:Timeout", "00:00:05");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _relay.StopAsync();
        await _relay.DisposeAsync();
        await Delivery.DisposeAsync();
    }

    /// <summary>Points the running service at another SMS provider (the connection string is read at each send), or back at the stand-in.</summary>
    public void UseProvider(string? connectionString) =>
        Services.GetRequiredService<IConfiguration>()["ConnectionStrings:sms"] = connectionString ?? Delivery.Sms;

    /// <summary>The SMO's date now (the platform's clock in Moscow, the default profile's time zone).</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), Moscow).DateTime);

    /// <summary>A mobile number of this test ending in <paramref name="ending"/> (two digits; 99 is an absent subscriber).</summary>
    public static string Phone(int? ending = null) =>
        $"+7916{Random.Shared.Next(0, 100_000):D5}{ending ?? Random.Shared.Next(10, 99):D2}";

    /// <summary>Sets the tenant's SMO profile (name, phone, time zone, sender) as its supervisor would.</summary>
    public async Task ProfileAsync(string tenant, string name, string phone, string timeZone = "Europe/Moscow", string? smsSender = null)
    {
        var response = await ClientFor(tenant).PutAsJsonAsync("/profile", new { name, phone, timeZone, smsSender });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

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

    /// <summary>What the stand-in received, by invitation (our reference <c>oms-invitation-{id}</c>).</summary>
    public async Task<Dictionary<long, JsonElement>> StandInMessagesAsync(IEnumerable<long> ids)
    {
        var wanted = ids.Select(SmsReferences.Of).ToHashSet();
        var all = await Delivery.SmsApi.GetFromJsonAsync<JsonElement>("/messages?limit=1000000");
        return all.EnumerateArray().Where(m => m.GetProperty("reference").GetString() is { } r && wanted.Contains(r))
            .ToDictionary(m => SmsReferences.InvitationOf(m.GetProperty("reference").GetString())!.Value);
    }

    /// <summary>The stand-in's listing of one reference (the provider keeps one message per reference).</summary>
    public async Task<JsonElement[]> StandInByReferenceAsync(long id) =>
        [.. (await Delivery.SmsApi.GetFromJsonAsync<JsonElement>($"/messages?reference={Uri.EscapeDataString(SmsReferences.Of(id))}")).EnumerateArray()];

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
