using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Platform.Gateway.Auth;

namespace Platform.Bench.Kit;

/// <summary>
/// The platform `./platform up` runs on this machine, as a benchmark reaches it: its addresses (BENCH_* variables
/// override them), the development signing key and the identity secret the AppHost generated, and the superuser
/// connections to its servers for the bookkeeping a benchmark does beside the measured path.
/// </summary>
public sealed class RunningPlatform
{
    public Uri Gateway { get; } = new(Environment.GetEnvironmentVariable("BENCH_GATEWAY") ?? "http://127.0.0.1:8080");
    public Uri Cases { get; } = new(Environment.GetEnvironmentVariable("BENCH_CASES") ?? "http://127.0.0.1:5102");
    public Uri Intake { get; } = new(Environment.GetEnvironmentVariable("BENCH_INTAKE") ?? "http://127.0.0.1:5101");
    public string Postgres { get; } = Environment.GetEnvironmentVariable("BENCH_POSTGRES") ?? "Host=127.0.0.1;Port=55432;Username=postgres;Password=postgres";
    public Uri RabbitMQ { get; } = new(Environment.GetEnvironmentVariable("BENCH_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:55672/");
    public (string Host, int Port) Redis { get; } = ("127.0.0.1", int.Parse(Environment.GetEnvironmentVariable("BENCH_REDIS_PORT") ?? "56379", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The tenant the benchmarks use; its rate limit must be raised for a run (<see cref="RaisedLimit"/>).</summary>
    public const string Tenant = "bench";

    /// <summary>How to start the platform for a benchmark: the bench tenant sends far more than a tenant's default limit allows.</summary>
    public const string RaisedLimit = $"RateLimiting__Tenants__{Tenant}=100000000 ./platform up";

    public string SigningKey { get; }
    public string IdentitySecret { get; }

    public HttpClient Http { get; } = new(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public RunningPlatform()
    {
        var secrets = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            ".microsoft", "usersecrets", "medassist-platform-apphost", "secrets.json");
        IdentitySecret = Environment.GetEnvironmentVariable("BENCH_IDENTITY_SECRET")
            ?? (File.Exists(secrets) ? JsonDocument.Parse(File.ReadAllText(secrets)).RootElement.GetProperty("Parameters:gateway-identity-secret").GetString() : null)
            ?? throw new InvalidOperationException("No identity secret: start the platform once (./platform up) or set BENCH_IDENTITY_SECRET.");
        SigningKey = Environment.GetEnvironmentVariable("BENCH_SIGNING_KEY") ?? DevelopmentSigningKey();
    }

    /// <summary>A development staff token signed with the AppHost's key.</summary>
    public string StaffToken(string subject, string role, string? tenant) => DevTokens.Mint(SigningKey, subject, [role], tenant);

    /// <summary>A request through the gateway.</summary>
    public HttpRequestMessage Via(HttpMethod method, string path, AuthenticationHeaderValue auth, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, new Uri(Gateway, path)) { Content = content };
        request.Headers.Authorization = auth;
        return request;
    }

    /// <summary>A request straight to a service, with the identity headers and stamp the gateway would add, signed now.</summary>
    public HttpRequestMessage Direct(Uri service, HttpMethod method, string path, RequestIdentity identity, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, new Uri(service, path)) { Content = content };
        request.Headers.Add(RequestIdentity.TenantHeader, identity.TenantId);
        request.Headers.Add(RequestIdentity.ActorHeader, identity.ActorId);
        request.Headers.Add(RequestIdentity.ActorKindHeader, identity.ActorKind);
        request.Headers.Add(RequestIdentity.RolesHeader, string.Join(',', identity.Roles));
        request.Headers.Add(GatewayStamp.Header, GatewayStamp.Sign(IdentitySecret, DateTimeOffset.UtcNow, method.Method, path, identity));
        return request;
    }

    /// <summary>A fresh insurer API key of <see cref="Tenant"/>, issued through the gateway's admin API.</summary>
    public async Task<AuthenticationHeaderValue> IssueApiKeyAsync(string name)
    {
        var admin = StaffToken("bench-admin", Roles.Admin, null);
        using var request = Via(HttpMethod.Post, $"/admin/tenants/{Tenant}/api-keys", new("Bearer", admin), JsonContent.Create(new { name }));
        using var response = await Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Issuing an API key answered {(int)response.StatusCode}: is the platform running (./platform up)?");
        return new("ApiKey", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString()!);
    }

    /// <summary>The AppHost's development key (AppHost/appsettings.json), found from the working directory upwards.</summary>
    private static string DevelopmentSigningKey()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "AppHost", "appsettings.json");
            if (!File.Exists(file)) continue;
            using var json = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return json.RootElement.GetProperty("Parameters").GetProperty("jwt-signing-key").GetString()!;
        }
        throw new InvalidOperationException("Run from the repository (AppHost/appsettings.json holds the development key) or set BENCH_SIGNING_KEY.");
    }
}

/// <summary>Latencies of one measurement, in milliseconds.</summary>
public sealed class Latencies
{
    private readonly List<double> values = [];

    public void Add(double ms)
    {
        lock (values) values.Add(ms);
    }

    public int Count
    {
        get
        {
            lock (values) return values.Count;
        }
    }

    public void Clear()
    {
        lock (values) values.Clear();
    }

    public double this[double percentile]
    {
        get
        {
            lock (values)
            {
                if (values.Count == 0) return double.NaN;
                values.Sort();
                return values[(int)Math.Min(values.Count - 1, percentile * values.Count)];
            }
        }
    }

    public double Max => Count == 0 ? double.NaN : this[1.0];
}
