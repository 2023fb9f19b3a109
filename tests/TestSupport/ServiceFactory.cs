using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace Platform.Tests;

/// <summary>
/// One service in process, on a database of its own and queues of its own (on the test process's own broker), against the real
/// local PostgreSQL, RabbitMQ and Redis. Clients it creates carry the identity headers the gateway would stamp.
/// </summary>
public class ServiceFactory<TProgram>(string databaseName) : WebApplicationFactory<TProgram>, IAsyncLifetime
    where TProgram : class
{
    public string ConnectionString { get; private set; } = "";

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await TestEnvironment.CreateDatabaseAsync(databaseName.Replace("db", ""));
        // Ready means migrations ran and every receive endpoint is bound; a message published earlier would be lost.
        var client = CreateClient();
        await Eventually.True(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), "the service is ready");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting($"ConnectionStrings:{databaseName}", ConnectionString);
        builder.UseSetting("ConnectionStrings:rabbitmq", TestEnvironment.RabbitMq);
        builder.UseSetting("ConnectionStrings:redis", TestEnvironment.Redis);
        builder.UseSetting("Messaging:EndpointPrefix", $"{databaseName}-{Guid.NewGuid():N}"[..24]);
        builder.UseSetting("Messaging:QueueExpiration", "00:02:00");
        builder.UseSetting("Outbox:PollInterval", "00:00:00.500");
        // The tests read what a service published from its outbox, so published rows stay (production deletes them).
        builder.UseSetting("Outbox:KeepPublished", "7.00:00:00");
        builder.UseSetting("Gateway:IdentitySecret", GatewaySecret);
    }

    /// <summary>
    /// A client as the gateway would forward it for <paramref name="tenant"/>. By default the caller holds every role,
    /// so behaviour tests are not about authorization; <see cref="AccessMatrix"/> tests who may call what.
    /// </summary>
    public HttpClient ClientFor(string tenant, string actor = "test-key", string kind = "staff", string? roles = null)
    {
        var client = CreateDefaultClient(new StampingHandler(GatewaySecret));
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-Actor-Id", actor);
        client.DefaultRequestHeaders.Add("X-Actor-Kind", kind);
        client.DefaultRequestHeaders.Add("X-Actor-Roles", roles ?? string.Join(',', Roles.All));
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>The secret this test's gateway would sign identities with (the service is configured with it).</summary>
    public const string GatewaySecret = "test-gateway-identity-secret-0123456789abcdef";

    /// <summary>Signs the identity headers of each request as the gateway does.</summary>
    public sealed class StampingHandler(string secret) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string Header(string name) => request.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : "";
            var identity = new RequestIdentity(Header(RequestIdentity.TenantHeader), Header(RequestIdentity.ActorHeader),
                Header(RequestIdentity.ActorKindHeader), Header(RequestIdentity.RolesHeader).Split(',', StringSplitOptions.RemoveEmptyEntries));
            var uri = request.RequestUri!;
            request.Headers.Remove(GatewayStamp.Header);
            request.Headers.Add(GatewayStamp.Header, GatewayStamp.Sign(secret, DateTimeOffset.UtcNow, request.Method.Method,
                Uri.UnescapeDataString(uri.AbsolutePath) + uri.Query, identity));
            return base.SendAsync(request, cancellationToken);
        }
    }

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] args)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public new async Task DisposeAsync() => await base.DisposeAsync();
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static Task True(Func<Task<bool>> condition, TimeSpan timeout, string because) => True(condition, timeout, () => because);

    /// <summary>As above, with the explanation computed when the wait fails (to show what was seen by then).</summary>
    public static async Task True(Func<Task<bool>> condition, TimeSpan timeout, Func<string> because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {timeout.TotalSeconds:0}s waiting until {because()}.");
            await Task.Delay(100);
        }
    }
}
