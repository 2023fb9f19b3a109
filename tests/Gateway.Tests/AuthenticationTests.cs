using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Platform.Gateway.Auth;
using Platform.Tests;

namespace Platform.Gateway.Tests;

public sealed class AuthenticationTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Request_without_credentials_gets_401_problem()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/api/cases/cases/123");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
        Assert.Contains("API key", problem.GetProperty("detail").GetString());
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Unknown_gateway_path_without_credentials_gets_401_problem()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/anything/else");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    [Theory]
    [InlineData("mak_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-even-a-key")]
    public async Task Request_with_an_unknown_api_key_gets_401_problem(string key)
    {
        using var client = gateway.CreateInsurerClient(key);

        var response = await client.GetAsync("/api/cases/cases");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
        Assert.Equal("The API key is not valid or has been revoked.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Key_issued_by_an_admin_reaches_the_service_as_its_tenant()
    {
        var tenant = Tenants.New("acme");
        var key = await gateway.IssueKeyAsync(tenant);
        using var client = gateway.CreateInsurerClient(key.ApiKey);

        var response = await client.GetAsync("/api/cases/cases/123");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await EchoedRequest.ReadAsync(response);
        Assert.Equal(tenant, echoed.Header(RequestIdentity.TenantHeader));
        Assert.Equal(key.KeyId.ToString(), echoed.Header(RequestIdentity.ActorHeader));
        Assert.Equal("insurer", echoed.Header(RequestIdentity.ActorKindHeader));
        Assert.Equal("insurer", echoed.Header(RequestIdentity.RolesHeader));
    }

    [Fact]
    public async Task A_clinics_key_reaches_the_service_as_that_clinic_and_nothing_else()
    {
        var tenant = Tenants.New("acme");
        using var admin = gateway.CreateAdminClient();
        var issued = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/api-keys", new { name = "AdventHealth Orlando", role = "clinic", clinicCode = "ORL-001" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var key = (await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("apiKey").GetString()!;
        using var client = gateway.CreateInsurerClient(key);

        var response = await client.GetAsync("/api/cases/cases/123");

        var echoed = await EchoedRequest.ReadAsync(response);
        Assert.Equal(tenant, echoed.Header(RequestIdentity.TenantHeader));
        Assert.Equal("clinic:ORL-001", echoed.Header(RequestIdentity.ActorHeader));
        Assert.Equal("clinic", echoed.Header(RequestIdentity.ActorKindHeader));
        Assert.Equal("clinic", echoed.Header(RequestIdentity.RolesHeader));
        var listed = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/admin/tenants/{tenant}/api-keys");
        Assert.Equal(("clinic", "ORL-001"), (listed[0].GetProperty("role").GetString(), listed[0].GetProperty("clinicCode").GetString()));
    }

    [Theory]
    [InlineData("clinic", null, "clinicCode")]
    [InlineData("clinic", "", "clinicCode")]
    [InlineData("insurer", "ORL-001", "clinicCode")]
    [InlineData("doctor", null, "role")]
    public async Task A_key_whose_role_and_clinic_do_not_agree_is_a_400_naming_the_field(string role, string? clinicCode, string field)
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsJsonAsync($"/admin/tenants/{Tenants.New("acme")}/api-keys", new { name = "key", role, clinicCode });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_staff_token_naming_the_clinic_role_does_not_act_as_a_clinic()
    {
        using var client = gateway.CreateStaffClient("mallory", [Roles.Coordinator, Roles.Clinic], Tenants.New("acme"));

        var echoed = await EchoedRequest.ReadAsync(await client.GetAsync("/api/cases/cases/7"));

        Assert.Equal("staff", echoed.Header(RequestIdentity.ActorKindHeader));
        Assert.Equal("coordinator", echoed.Header(RequestIdentity.RolesHeader));
    }

    [Fact]
    public async Task Key_in_the_authorization_header_works_too()
    {
        var tenant = Tenants.New("acme");
        var key = await gateway.IssueKeyAsync(tenant);
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key.ApiKey);

        var response = await client.GetAsync("/api/intake/appeals");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(tenant, (await EchoedRequest.ReadAsync(response)).Header(RequestIdentity.TenantHeader));
    }

    [Fact]
    public async Task Revoked_key_stops_working_at_once()
    {
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        using var client = gateway.CreateInsurerClient(key.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/cases")).StatusCode);

        using var admin = gateway.CreateAdminClient();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/api-keys/{key.KeyId}")).StatusCode);

        var response = await client.GetAsync("/api/cases/cases");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    [Fact]
    public async Task Staff_token_with_a_tenant_claim_reaches_the_service_as_that_tenant()
    {
        var tenant = Tenants.New("acme");
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator, Roles.Doctor], tenant);

        var response = await client.GetAsync("/api/cases/cases/7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await EchoedRequest.ReadAsync(response);
        Assert.Equal(tenant, echoed.Header(RequestIdentity.TenantHeader));
        Assert.Equal("carol", echoed.Header(RequestIdentity.ActorHeader));
        Assert.Equal("staff", echoed.Header(RequestIdentity.ActorKindHeader));
        Assert.Equal("coordinator,doctor", echoed.Header(RequestIdentity.RolesHeader));
    }

    [Fact]
    public async Task Staff_token_without_a_tenant_gets_403_problem_on_service_routes()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Supervisor]);

        var response = await client.GetAsync("/api/cases/cases");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        Assert.Contains("tenant", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Token_signed_with_another_key_gets_401_problem()
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevTokens.Mint("some-other-signing-key-0123456789abcdef0123456789", "mallory", [Roles.Admin], "acme"));

        var response = await client.GetAsync("/api/cases/cases");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    [Fact]
    public async Task Expired_token_gets_401_problem_saying_so()
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevTokens.Mint(TestEnvironment.JwtSigningKey, "carol", [Roles.Coordinator], "acme", lifetime: TimeSpan.FromMinutes(-5)));

        var response = await client.GetAsync("/api/cases/cases");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
        Assert.Equal("The bearer token has expired.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Token_for_another_audience_gets_401_problem()
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevTokens.Mint(TestEnvironment.JwtSigningKey, "carol", [Roles.Coordinator], "acme", audience: "another-api"));

        var response = await client.GetAsync("/api/cases/cases");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }
}
