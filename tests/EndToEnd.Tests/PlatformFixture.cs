using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The whole platform as the AppHost describes it (servers, services, gateway and the Aspire dashboard), started once
/// per test run with Aspire.Hosting.Testing and reached only through its gateway. Each test gets insurers (tenants)
/// of its own, with API keys issued through the admin API.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<RunningPlatform>> running = new(RunningPlatform.StartAsync);

    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public Uri GatewayUrl { get; private set; } = null!;

    /// <summary>The platform's own broker, for tests that stand in for services not built yet.</summary>
    public string RabbitMq => Platform.RabbitMq;

    /// <summary>Intake's database, to check that bad input wrote nothing.</summary>
    public string IntakeDatabase => Platform.IntakeDatabase;

    /// <summary>The Aspire dashboard and the key of its telemetry API.</summary>
    public Uri DashboardUrl => Platform.DashboardUrl;

    /// <summary>The mail catcher's web page and API (smtp4dev), and the SMS stand-in's: what reached the contacts.</summary>
    public Uri MailUrl => Platform.MailUrl;
    public Uri SmsUrl => Platform.SmsUrl;
    public string DashboardApiKey => Platform.DashboardApiKey;

    private RunningPlatform Platform { get; set; } = null!;

    /// <summary>Stops a server of the platform (postgres, rabbitmq) as its dashboard's Stop button does, and waits until it has exited.</summary>
    public Task StopAsync(string resource) =>
        Platform.ExecuteAsync(resource, KnownResourceCommands.StopCommand, KnownResourceStates.Exited, KnownResourceStates.Finished);

    /// <summary>Starts it again and waits until it is healthy.</summary>
    public Task StartAsync(string resource) => Platform.ExecuteAsync(resource, KnownResourceCommands.StartCommand, KnownResourceStates.Running);

    public async Task InitializeAsync()
    {
        Platform = await running.Value;
        GatewayUrl = Platform.GatewayUrl;
        Anonymous = new HttpClient { BaseAddress = GatewayUrl };
        Admin = StaffClient("e2e-admin", "admin");
    }

    /// <summary>A client with a development staff token.</summary>
    public HttpClient StaffClient(string subject, string role, string? tenant = null)
    {
        var client = new HttpClient { BaseAddress = GatewayUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevTokens.Mint(TestEnvironment.JwtSigningKey, subject, [role], tenant));
        return client;
    }

    /// <summary>A new insurer with its own API key, and a client that presents it.</summary>
    public async Task<(string Tenant, HttpClient Client)> NewInsurerAsync(string name)
    {
        var tenant = $"{name}-{Guid.NewGuid():N}"[..30];
        var response = await Admin.PostAsJsonAsync($"/admin/tenants/{tenant}/api-keys", new { name = "e2e" });
        response.EnsureSuccessStatusCode();
        var key = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString()!;

        var client = new HttpClient { BaseAddress = GatewayUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        return (tenant, client);
    }

    public static object Appeal(string fullName = "Pyotr Ivanov", string policyNumber = "TRV-2026-000117") => new
    {
        channel = "phone",
        caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
        insured = new { policyNumber, fullName, dateOfBirth = "1956-04-12" },
        location = new { country = "US", city = "Orlando" },
        description = "Father admitted with chest pain; the clinic asks who pays.",
    };

    /// <summary>Registers an appeal and waits until Intake learns the number of the case Cases opened for it.</summary>
    public static async Task<(Guid AppealId, string CaseNumber, TimeSpan Elapsed)> RegisterAndAwaitCaseAsync(HttpClient insurer)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var response = await insurer.PostAsJsonAsync("/api/intake/appeals", Appeal());
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var appealId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        string? caseNumber = null;
        await Eventually.True(async () =>
        {
            var appeal = await insurer.GetFromJsonAsync<JsonElement>($"/api/intake/appeals/{appealId}");
            caseNumber = appeal.GetProperty("caseNumber").GetString();
            return caseNumber is not null;
        }, TimeSpan.FromSeconds(10), "the case is opened and its number reaches Intake");
        return (appealId, caseNumber!, started.Elapsed);
    }

    public Task DisposeAsync()
    {
        Anonymous.Dispose();
        Admin.Dispose();
        return Task.CompletedTask;
    }

    private sealed record RunningPlatform(DistributedApplication App, Uri GatewayUrl, string RabbitMq, string IntakeDatabase, Uri DashboardUrl, string DashboardApiKey,
        Uri MailUrl, Uri SmsUrl)
    {
        public static async Task<RunningPlatform> StartAsync()
        {
            var state = Path.Combine(TestEnvironment.RepositoryRoot(), ".state", "tests", "platform");
            if (Directory.Exists(state)) Directory.Delete(state, recursive: true);

            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
                [$"--Platform:StateDirectory={state}"],
                (options, host) =>
                {
                    // The dashboard too: the trace test reads what it received through its telemetry API.
                    options.DisableDashboard = false;
                    host.Configuration!.AddInMemoryCollection(new Dictionary<string, string?>
                    {
                        // Ports beside the ones of `./platform up` (Aspire.Hosting.Testing moves proxied ones elsewhere).
                        ["ASPNETCORE_URLS"] = "http://127.0.0.1:18988",
                        ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:18989",
                        ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = "http://127.0.0.1:18990",
                        ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://127.0.0.1:18991",
                        ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                    });
                });

            // What only tests need, added to the AppHost's model: the clock the replay moves forward through the
            // gateway, and insurer webhooks received over http on 127.0.0.1 (both refused in production).
            foreach (var service in builder.Resources.OfType<ProjectResource>())
            {
                var resource = builder.CreateResourceBuilder(service).WithEnvironment("DevClock__Enabled", "true");
                if (service.Name == "cases")
                    resource.WithEnvironment("Webhooks__AllowPrivateNetworks", "true").WithEnvironment("Webhooks__AllowHttp", "true");
            }

            var app = await builder.BuildAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await app.StartAsync(timeout.Token);
                await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
            }
            catch (Exception e) when (e is DistributedApplicationException or OperationCanceledException)
            {
                // Cancelled: not healthy within the 3 minutes.
                throw new InvalidOperationException($"The platform did not become healthy ({e.Message}):{await StartLog.DescribeAsync(app)}", e);
            }

            var platform = new RunningPlatform(app, app.GetEndpoint("gateway", "http"),
                await app.GetConnectionStringAsync("rabbitmq") ?? "",
                await app.GetConnectionStringAsync("intakedb") ?? "",
                app.GetEndpoint("aspire-dashboard", "http"),
                // Generated by the AppHost (and kept in its user secrets) unless configured.
                app.Services.GetRequiredService<IConfiguration>()["AppHost:DashboardApiKey"] ?? "",
                app.GetEndpoint("mail", "http"), app.GetEndpoint("sms", "http"));
            AppDomain.CurrentDomain.ProcessExit += (_, _) => app.StopAsync().Wait(TimeSpan.FromSeconds(20));
            return platform;
        }

        public Task ExecuteAsync(string resource, string command, params string[] until) =>
            TestEnvironment.ExecuteCommandAsync(App, resource, command, until);
    }
}
