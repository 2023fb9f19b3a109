using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Gateway.Auth;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The running platform, reached only through its gateway (started by <c>./platform test</c> or <c>./platform up</c>).
/// Each test gets insurers (tenants) of its own, with API keys issued through the admin API.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public HttpClient Anonymous { get; } = new() { BaseAddress = TestEnvironment.GatewayUrl };
    public HttpClient Admin { get; } = new() { BaseAddress = TestEnvironment.GatewayUrl };

    public async Task InitializeAsync()
    {
        var token = DevTokens.Mint(TestEnvironment.JwtSigningKey, "e2e-admin", ["admin"]);
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            (await Anonymous.GetAsync("/health/ready")).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException(
                $"The platform is not running at {TestEnvironment.GatewayUrl}: run the tests with `./platform test`, or start it with `./platform up`.", e);
        }
    }

    /// <summary>A new insurer with its own API key, and a client that presents it.</summary>
    public async Task<(string Tenant, HttpClient Client)> NewInsurerAsync(string name)
    {
        var tenant = $"{name}-{Guid.NewGuid():N}"[..30];
        var response = await Admin.PostAsJsonAsync($"/admin/tenants/{tenant}/api-keys", new { name = "e2e" });
        response.EnsureSuccessStatusCode();
        var key = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString()!;

        var client = new HttpClient { BaseAddress = TestEnvironment.GatewayUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        return (tenant, client);
    }

    public static object Appeal(string fullName = "Pyotr Ivanov") => new
    {
        channel = "phone",
        caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
        insured = new { policyNumber = "TRV-2026-000117", fullName, dateOfBirth = "1956-04-12" },
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
}
