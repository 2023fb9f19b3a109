using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

public sealed class An_insurer_registering_an_appeal_through_the_gateway(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task Reads_the_case_it_opened_within_two_seconds()
    {
        var (_, insurer) = await platform.NewInsurerAsync("e2e-flow");

        var (appealId, caseNumber, elapsed) = await PlatformFixture.RegisterAndAwaitCaseAsync(insurer);

        var file = await insurer.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}");
        Assert.Equal(caseNumber, file.GetProperty("number").GetString());
        Assert.Equal(appealId, file.GetProperty("appeals")[0].GetProperty("appealId").GetGuid());
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"appeal to readable case took {elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Sees_only_its_own_cases_in_the_list()
    {
        var (_, first) = await platform.NewInsurerAsync("e2e-list-a");
        var (_, second) = await platform.NewInsurerAsync("e2e-list-b");
        await PlatformFixture.RegisterAndAwaitCaseAsync(first);

        var secondList = await second.GetFromJsonAsync<JsonElement>("/api/cases/cases");
        var firstList = await first.GetFromJsonAsync<JsonElement>("/api/cases/cases");

        Assert.Equal(0, secondList.GetProperty("total").GetInt64());
        Assert.Equal(1, firstList.GetProperty("total").GetInt64());
    }
}

public sealed class A_second_insurer(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task Gets_404_for_the_first_insurers_case_and_appeal()
    {
        var (_, first) = await platform.NewInsurerAsync("e2e-owner");
        var (_, second) = await platform.NewInsurerAsync("e2e-other");
        var (appealId, caseNumber, _) = await PlatformFixture.RegisterAndAwaitCaseAsync(first);
        var caseId = (await first.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}")).GetProperty("id").GetGuid();

        foreach (var path in new[] { $"/api/cases/cases/{caseNumber}", $"/api/cases/cases/{caseId}", $"/api/intake/appeals/{appealId}" })
        {
            var response = await second.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Cannot_pose_as_the_first_by_sending_a_tenant_header()
    {
        var (firstTenant, first) = await platform.NewInsurerAsync("e2e-victim");
        var (_, second) = await platform.NewInsurerAsync("e2e-forger");
        var (_, caseNumber, _) = await PlatformFixture.RegisterAndAwaitCaseAsync(first);

        using var forged = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/cases/{caseNumber}");
        forged.Headers.Add("X-Tenant-Id", firstTenant);
        var response = await second.SendAsync(forged);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class A_request_without_credentials(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Theory]
    [InlineData("GET", "/api/cases/cases")]
    [InlineData("POST", "/api/intake/appeals")]
    [InlineData("GET", "/admin/tenants/acme/api-keys")]
    public async Task Gets_a_401_problem(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(PlatformFixture.Appeal());
        var response = await platform.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class A_malformed_appeal(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task Gets_a_400_problem_naming_the_field_and_writes_nothing()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("e2e-bad");
        var appeal = new
        {
            channel = "phone",
            caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02" },
            insured = new { policyNumber = "TRV-1", fullName = "Pyotr Ivanov" },
            location = new { country = "United States" },
            description = "Chest pain",
        };

        var response = await insurer.PostAsJsonAsync("/api/intake/appeals", appeal);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:platform:problem:validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("location.country", out _), problem.ToString());

        // Nothing written: no appeal in Intake's database, no case through the gateway.
        await using var connection = new NpgsqlConnection(platform.IntakeDatabase);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM appeals WHERE tenant_id = @tenant", connection);
        count.Parameters.AddWithValue("tenant", tenant);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
        await Task.Delay(500);
        var cases = await insurer.GetFromJsonAsync<JsonElement>("/api/cases/cases");
        Assert.Equal(0, cases.GetProperty("total").GetInt64());
    }
}

public sealed class The_api_documents(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Theory]
    [InlineData("/api/intake/openapi/v1.json", "/appeals", "/api/intake")]
    [InlineData("/api/cases/openapi/v1.json", "/cases", "/api/cases")]
    public async Task Are_served_through_the_gateway_with_the_gateway_as_server(string path, string documentedPath, string serverPrefix)
    {
        var document = await platform.Anonymous.GetFromJsonAsync<JsonElement>(path);

        Assert.True(document.GetProperty("paths").TryGetProperty(documentedPath, out _), $"{path} documents {documentedPath}");
        var server = document.GetProperty("servers")[0].GetProperty("url").GetString()!;
        Assert.EndsWith(serverPrefix, server.TrimEnd('/'));
    }

    [Fact]
    public async Task Have_an_interactive_page()
    {
        var response = await platform.Anonymous.GetAsync("/docs/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
