using Npgsql;

namespace Platform.Tests;

/// <summary>
/// Where the real local servers are. The test command (<c>./platform test</c>) starts them and sets these variables;
/// the defaults match the ports AppHost uses, so tests also run against a platform started with <c>./platform up</c>.
/// </summary>
public static class TestEnvironment
{
    /// <summary>A superuser connection to the PostgreSQL server; each test class creates its own database on it.</summary>
    public static string Postgres => Env("TEST_POSTGRES") ?? "Host=127.0.0.1;Port=55432;Username=postgres;Password=postgres;Database=postgres";

    /// <summary>RabbitMQ in a virtual host of its own, so test hosts never consume the running platform's messages.</summary>
    public static string RabbitMq => Env("TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:55672/tests";

    /// <summary>The running platform's own broker, for end-to-end tests that stand in for services not built yet.</summary>
    public static string PlatformRabbitMq => Env("TEST_PLATFORM_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:55672/";

    public static string Redis => Env("TEST_REDIS") ?? "127.0.0.1:56379,defaultDatabase=1";

    /// <summary>The gateway of the running platform, for end-to-end tests.</summary>
    public static Uri GatewayUrl => new(Env("TEST_GATEWAY_URL") ?? "http://127.0.0.1:8080");

    /// <summary>The key the running gateway verifies staff tokens with.</summary>
    public static string JwtSigningKey => Env("TEST_JWT_SIGNING_KEY") ?? "development-signing-key-0123456789abcdef0123456789";

    /// <summary>A rabbitmqctl wrapper bound to the local node, for tests that stop and start the broker.</summary>
    public static string? RabbitMqCtl => Env("TEST_RABBITMQCTL");

    /// <summary>Creates an empty database with a unique name and returns a connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(Postgres))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
