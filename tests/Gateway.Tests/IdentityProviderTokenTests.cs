using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using Platform.Gateway.Auth;
using Platform.Tests;

namespace Platform.Gateway.Tests;

/// <summary>The gateway trusting an OpenID Connect provider for staff tokens, next to the development key.</summary>
public sealed class IdentityProviderGatewayFactory : GatewayFactory
{
    public FakeIdentityProvider Provider { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Provider = await FakeIdentityProvider.StartAsync();
        await base.InitializeAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Auth:Oidc:Authority", Provider.Issuer),
        new("Auth:Oidc:Audience", FakeIdentityProvider.Audience),
        new("Auth:Oidc:RoleClaim", "realm_access.roles"),
        new("Auth:Oidc:TenantClaim", "tenant"),
    ];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

public sealed class IdentityProviderTokenTests(IdentityProviderGatewayFactory gateway) : IClassFixture<IdentityProviderGatewayFactory>
{
    private FakeIdentityProvider Provider => gateway.Provider;

    [Fact]
    public async Task RS256_token_reaches_the_service_with_its_roles_and_tenant()
    {
        var tenant = Tenants.New("acme");

        var response = await GetAsync(Provider.Mint(Provider.Rs256, "5b1f0c7e-carol", ["coordinator", "doctor", "offline_access", "default-roles-medassist"], tenant));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await EchoedRequest.ReadAsync(response);
        Assert.Equal(tenant, echoed.Header(RequestIdentity.TenantHeader));
        Assert.Equal("5b1f0c7e-carol", echoed.Header(RequestIdentity.ActorHeader));
        Assert.Equal("staff", echoed.Header(RequestIdentity.ActorKindHeader));
        // The provider's own roles stay behind.
        Assert.Equal("coordinator,doctor", echoed.Header(RequestIdentity.RolesHeader));
    }

    [Fact]
    public async Task ES256_token_reaches_the_service_with_its_roles()
    {
        var tenant = Tenants.New("acme");

        var response = await GetAsync(Provider.Mint(Provider.Es256, "dave", ["supervisor"], tenant));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await EchoedRequest.ReadAsync(response);
        Assert.Equal("supervisor", echoed.Header(RequestIdentity.RolesHeader));
        Assert.Equal(tenant, echoed.Header(RequestIdentity.TenantHeader));
    }

    [Fact]
    public async Task Roles_from_the_provider_open_the_admin_api_and_no_tenant_claim_keeps_service_routes_closed()
    {
        using var admin = gateway.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Provider.Mint(Provider.Rs256, "ann", ["admin"]));
        using var coordinator = gateway.CreateClient();
        coordinator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Provider.Mint(Provider.Rs256, "carol", ["coordinator"]));

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/admin/tenants/{Tenants.New("acme")}/api-keys")).StatusCode);
        await ProblemAssert.IsProblemAsync(await coordinator.GetAsync($"/admin/tenants/{Tenants.New("acme")}/api-keys"), HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/api/cases/cases"), HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
    }

    [Fact]
    public async Task Development_key_tokens_still_work_next_to_the_provider()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/cases")).StatusCode);
    }

    [Fact]
    public async Task Token_signed_by_a_key_the_provider_does_not_publish_gets_401_problem()
    {
        using var stranger = RSA.Create(2048);
        var credentials = new SigningCredentials(new RsaSecurityKey(stranger) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256);

        var response = await GetAsync(Provider.Mint(credentials, "mallory", ["admin"], "acme"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    [Fact]
    public async Task Token_with_an_unknown_key_id_gets_401_problem()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var credentials = new SigningCredentials(new ECDsaSecurityKey(stranger) { KeyId = "ec-unknown" }, SecurityAlgorithms.EcdsaSha256);

        var response = await GetAsync(Provider.Mint(credentials, "mallory", ["admin"], "acme"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    [Fact]
    public async Task Token_from_another_issuer_gets_401_problem()
    {
        var response = await GetAsync(Provider.Mint(Provider.Rs256, "carol", ["coordinator"], "acme", issuer: "https://sso.example.com/realms/other"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    [Fact]
    public async Task Token_for_another_audience_gets_401_problem()
    {
        var response = await GetAsync(Provider.Mint(Provider.Es256, "carol", ["coordinator"], "acme", audience: "account"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    [Fact]
    public async Task Expired_token_gets_401_problem_saying_so()
    {
        var response = await GetAsync(Provider.Mint(Provider.Rs256, "carol", ["coordinator"], "acme", lifetime: TimeSpan.FromMinutes(-5)));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
        Assert.Equal("The bearer token has expired.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Token_signed_with_the_development_key_but_claiming_the_providers_issuer_gets_401_problem()
    {
        var response = await GetAsync(DevTokens.Mint(TestEnvironment.JwtSigningKey, "mallory", [Roles.Admin], "acme",
            issuer: Provider.Issuer, audience: FakeIdentityProvider.Audience));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    private async Task<HttpResponseMessage> GetAsync(string token)
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync("/api/cases/cases");
    }
}

public sealed class StaffClaimPathTests
{
    private static readonly JsonElement Payload = JsonDocument.Parse("""
        { "sub": "u1", "roles": ["doctor"], "realm_access": { "roles": ["coordinator", "offline_access"] },
          "https://medassist/tenant": "acme", "org": { "tenant": "bravo" }, "single": "admin" }
        """).RootElement;

    [Theory]
    [InlineData("roles", "doctor")]
    [InlineData("realm_access.roles", "coordinator,offline_access")]
    [InlineData("https://medassist/tenant", "acme")]
    [InlineData("org.tenant", "bravo")]
    [InlineData("single", "admin")]
    [InlineData("realm_access.missing", "")]
    [InlineData("sub.deeper", "")]
    public void A_claim_is_found_by_name_or_by_a_path_into_nested_objects(string path, string expected) =>
        Assert.Equal(expected, string.Join(',', StaffTokens.Values(Payload, path)));
}
