using Microsoft.Extensions.Hosting;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Platform.Gateway.Auth;
using Platform.Tests;

namespace Platform.Gateway.Tests;

/// <summary>
/// The gateway on a fresh database of its own, the shared test Redis, and echo backends standing in for the intake,
/// cases, clinic network, billing and repatriation services. One per test class.
/// </summary>
public class GatewayFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string _database = "";

    public EchoBackend Intake { get; private set; } = null!;
    public EchoBackend Cases { get; private set; } = null!;
    public EchoBackend Clinics { get; private set; } = null!;
    public EchoBackend Billing { get; private set; } = null!;
    public EchoBackend Repatriation { get; private set; } = null!;
    public EchoBackend Oms { get; private set; } = null!;
    public EchoBackend Console { get; private set; } = null!;
    public string DatabaseConnectionString => _database;

    /// <summary>Settings a test class needs on top of the defaults below.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    public virtual async Task InitializeAsync()
    {
        Intake = await EchoBackend.StartAsync("intake");
        Cases = await EchoBackend.StartAsync("cases");
        Clinics = await EchoBackend.StartAsync("clinics");
        Billing = await EchoBackend.StartAsync("billing");
        Repatriation = await EchoBackend.StartAsync("repatriation");
        Oms = await EchoBackend.StartAsync("oms");
        Console = await EchoBackend.StartAsync("console");
        _database = await TestEnvironment.CreateDatabaseAsync("gateway");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:gatewaydb"] = _database,
            ["ConnectionStrings:redis"] = TestEnvironment.Redis,
            ["services:intake:http:0"] = Intake.Address.ToString(),
            ["services:cases:http:0"] = Cases.Address.ToString(),
            ["services:clinics:http:0"] = Clinics.Address.ToString(),
            ["services:billing:http:0"] = Billing.Address.ToString(),
            ["services:repatriation:http:0"] = Repatriation.Address.ToString(),
            ["services:oms:http:0"] = Oms.Address.ToString(),
            ["services:console:http:0"] = Console.Address.ToString(),
            ["Auth:Jwt:SigningKey"] = TestEnvironment.JwtSigningKey,
            ["Gateway:IdentitySecret"] = IdentitySecret,
            ["RateLimiting:PermitsPerMinute"] = "10000",
            ["RateLimiting:UnauthenticatedPermitsPerMinute"] = "10000",
            ["Gateway:MaxRequestBodyBytes"] = "4096",
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, PeerAddress>());
    }

    public const string IdentitySecret = "gateway-tests-identity-secret-0123456789abcdef";

    /// <summary>Another replica of this gateway: state of its own (its cache), the same database, Redis and backends.</summary>
    public GatewayFactory Replica() => new() { Intake = Intake, Cases = Cases, Clinics = Clinics, Billing = Billing, Repatriation = Repatriation, Oms = Oms, Console = Console, _database = _database };

    /// <summary>A client with a staff token.</summary>
    public HttpClient CreateStaffClient(string subject, IEnumerable<string> roles, string? tenant = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevTokens.Mint(TestEnvironment.JwtSigningKey, subject, roles, tenant));
        return client;
    }

    public HttpClient CreateAdminClient() => CreateStaffClient("admin-ann", [Roles.Admin]);

    public HttpClient CreateInsurerClient(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>Issues a key through the admin API, as an operator would.</summary>
    public async Task<IssuedKey> IssueKeyAsync(string tenantId, string name = "integration")
    {
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync($"/admin/tenants/{tenantId}/api-keys", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IssuedKey>(JsonSerializerOptions.Web))!;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Intake.DisposeAsync();
        await Cases.DisposeAsync();
        await Clinics.DisposeAsync();
        await Billing.DisposeAsync();
        await Repatriation.DisposeAsync();
        await Oms.DisposeAsync();
        await Console.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        var database = new NpgsqlConnectionStringBuilder(_database).Database;
        await using var conn = new NpgsqlConnection(TestEnvironment.Postgres);
        await conn.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", conn);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// The test server has no network connection: a request says which address it comes from with <see cref="Header"/>
/// (the peer the gateway sees, before X-Forwarded-For is considered); without it, from 127.0.0.1.
/// </summary>
public sealed class PeerAddress : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers[Header].FirstOrDefault() ?? "127.0.0.1");
            context.Request.Headers.Remove(Header);
            return nextMiddleware(context);
        });
        next(app);
    };
}

public sealed record IssuedKey(Guid KeyId, string TenantId, string Name, string ApiKey, DateTime CreatedAt);

public static class Tenants
{
    /// <summary>A tenant id no other test run uses, so rate-limit windows in the shared Redis never collide.</summary>
    public static string New(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)];
}
