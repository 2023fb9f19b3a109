using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Platform.Gateway.Auth;

namespace Platform.Gateway.Tests;

public sealed class ProxyTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Client_sent_identity_headers_are_replaced_by_the_verified_ones()
    {
        var tenantA = Tenants.New("alpha");
        var key = await gateway.IssueKeyAsync(tenantA);
        using var client = gateway.CreateInsurerClient(key.ApiKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cases/cases");
        request.Headers.Add(RequestIdentity.TenantHeader, "bravo");
        request.Headers.Add(RequestIdentity.ActorHeader, "someone-else");
        request.Headers.Add(RequestIdentity.ActorKindHeader, "staff");
        request.Headers.Add(RequestIdentity.RolesHeader, "admin");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await EchoedRequest.ReadAsync(response);
        Assert.Equal(tenantA, echoed.Header(RequestIdentity.TenantHeader));
        Assert.Equal(key.KeyId.ToString(), echoed.Header(RequestIdentity.ActorHeader));
        Assert.Equal("insurer", echoed.Header(RequestIdentity.ActorKindHeader));
        Assert.Equal("insurer", echoed.Header(RequestIdentity.RolesHeader));
    }

    [Fact]
    public async Task A_clients_forwarded_host_and_scheme_are_not_believed()
    {
        using var staff = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cases/cases");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "gopher");

        var echoed = await EchoedRequest.ReadAsync(await staff.SendAsync(request));

        Assert.Equal("localhost", echoed.Header("X-Forwarded-Host"));
        Assert.Equal("http", echoed.Header("X-Forwarded-Proto"));
    }

    [Fact]
    public async Task The_stamped_identity_is_signed_for_the_request_the_service_receives()
    {
        var tenant = Tenants.New("alpha");
        using var staff = gateway.CreateStaffClient("carol", [Roles.Coordinator, Roles.Doctor], tenant);

        var echoed = await EchoedRequest.ReadAsync(await staff.GetAsync("/api/cases/cases?status=open"));

        var identity = new RequestIdentity(tenant, "carol", "staff", [Roles.Coordinator, Roles.Doctor]);
        var stamp = echoed.Header(GatewayStamp.Header);
        Assert.Null(GatewayStamp.Verify(GatewayFactory.IdentitySecret, stamp, DateTimeOffset.UtcNow, "GET", echoed.Path + echoed.Query, identity));
        // Signed for this request line only.
        Assert.NotNull(GatewayStamp.Verify(GatewayFactory.IdentitySecret, stamp, DateTimeOffset.UtcNow, "GET", "/cases", identity));
    }

    [Fact]
    public async Task Credentials_are_not_forwarded_to_the_services()
    {
        var key = await gateway.IssueKeyAsync(Tenants.New("alpha"));
        using var insurer = gateway.CreateInsurerClient(key.ApiKey);
        using var staff = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));

        var fromInsurer = await EchoedRequest.ReadAsync(await insurer.GetAsync("/api/cases/cases"));
        var fromStaff = await EchoedRequest.ReadAsync(await staff.GetAsync("/api/cases/cases"));

        Assert.Null(fromInsurer.Header("X-Api-Key"));
        Assert.Null(fromStaff.Header("Authorization"));
    }

    [Fact]
    public async Task Path_prefix_is_removed_and_the_forwarded_prefix_set()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));

        var cases = await EchoedRequest.ReadAsync(await client.GetAsync("/api/cases/cases/123?view=briefing"));
        var intake = await EchoedRequest.ReadAsync(await client.GetAsync("/api/intake/appeals"));
        var billing = await EchoedRequest.ReadAsync(await client.GetAsync("/api/billing/invoices/INV-1?view=lines"));
        var repatriation = await EchoedRequest.ReadAsync(await client.GetAsync("/api/repatriation/cases/2026-000001/plan?language=ru"));

        Assert.Equal(("cases", "/cases/123", "?view=briefing"), (cases.Service, cases.Path, cases.Query));
        Assert.Equal("/api/cases", cases.Header("X-Forwarded-Prefix"));
        Assert.Equal(("intake", "/appeals"), (intake.Service, intake.Path));
        Assert.Equal("/api/intake", intake.Header("X-Forwarded-Prefix"));
        Assert.Equal(("billing", "/invoices/INV-1", "?view=lines"), (billing.Service, billing.Path, billing.Query));
        Assert.Equal("/api/billing", billing.Header("X-Forwarded-Prefix"));
        Assert.Equal(("repatriation", "/cases/2026-000001/plan", "?language=ru"), (repatriation.Service, repatriation.Path, repatriation.Query));
        Assert.Equal("/api/repatriation", repatriation.Header("X-Forwarded-Prefix"));
    }

    [Fact]
    public async Task An_SMO_representative_reaches_the_OMS_service_and_the_SMS_provider_its_receipts_endpoint_without_an_identity()
    {
        using var client = gateway.CreateStaffClient("olga", [Roles.OmsTier1], Tenants.New("smo"));
        var appeals = await EchoedRequest.ReadAsync(await client.GetAsync("/api/oms/appeals?status=open"));
        Assert.Equal(("oms", "/appeals", "?status=open"), (appeals.Service, appeals.Path, appeals.Query));
        Assert.Equal("/api/oms", appeals.Header("X-Forwarded-Prefix"));
        Assert.Equal("oms-tier1", appeals.Header(RequestIdentity.RolesHeader));

        using var anonymous = gateway.CreateClient();
        var receipts = await anonymous.PostAsync("/api/oms/sms/receipts", new StringContent("""{"receipts":[]}""", System.Text.Encoding.UTF8, "application/json"));
        var echoed = await EchoedRequest.ReadAsync(receipts);
        Assert.Equal(("oms", "/sms/receipts"), (echoed.Service, echoed.Path));
        Assert.Null(echoed.Header(RequestIdentity.TenantHeader));
        // Anything else of the service needs an identity.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/oms/appeals")).StatusCode);
    }

    [Fact]
    public async Task The_console_is_served_at_its_path_with_its_cookie_and_without_any_credential_or_identity_passed_on()
    {
        using var client = gateway.CreateInsurerClient((await gateway.IssueKeyAsync(Tenants.New("alpha"))).ApiKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console/queue?page=2");
        request.Headers.Add("Cookie", "medassist.console=session");

        var echoed = await EchoedRequest.ReadAsync(await client.SendAsync(request));

        // The console answers under its own path base (nothing removed) and signs people in itself, from its cookie.
        Assert.Equal(("console", "/console/queue", "?page=2"), (echoed.Service, echoed.Path, echoed.Query));
        Assert.Equal("medassist.console=session", echoed.Header("Cookie"));
        // An insurer's key opens nothing there: neither the key nor an identity reaches the console.
        Assert.Null(echoed.Header("X-Api-Key"));
        Assert.Null(echoed.Header(RequestIdentity.TenantHeader));
        Assert.Null(echoed.Header(GatewayStamp.Header));

        using var anonymous = gateway.CreateClient();
        var root = await EchoedRequest.ReadAsync(await anonymous.GetAsync("/console"));
        Assert.Equal(("console", "/console"), (root.Service, root.Path));
    }

    [Fact]
    public async Task Auth_me_says_who_a_credential_stands_for()
    {
        var tenant = Tenants.New("alpha");
        using var staff = gateway.CreateStaffClient("olga", [Roles.Coordinator, Roles.Supervisor], tenant);
        var me = await staff.GetFromJsonAsync<JsonElement>("/auth/me");
        Assert.Equal("olga", me.GetProperty("actorId").GetString());
        Assert.Equal("staff", me.GetProperty("actorKind").GetString());
        Assert.Equal(tenant, me.GetProperty("tenantId").GetString());
        Assert.Equal(["coordinator", "supervisor"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Order());

        using var insurer = gateway.CreateInsurerClient((await gateway.IssueKeyAsync(tenant)).ApiKey);
        var asInsurer = await insurer.GetFromJsonAsync<JsonElement>("/auth/me");
        Assert.Equal("insurer", asInsurer.GetProperty("actorKind").GetString());
        Assert.Equal(["insurer"], asInsurer.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        using var anonymous = gateway.CreateClient();
        var refused = await anonymous.GetAsync("/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Client_sent_forwarded_prefix_is_overwritten()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cases/cases");
        request.Headers.Add("X-Forwarded-Prefix", "/evil");

        var echoed = await EchoedRequest.ReadAsync(await client.SendAsync(request));

        Assert.Equal("/api/cases", echoed.Header("X-Forwarded-Prefix"));
    }

    [Fact]
    public async Task Body_within_the_cap_is_forwarded()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));

        var response = await client.PostAsync("/api/intake/appeals", new ByteArrayContent(new byte[4096]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4096, (await EchoedRequest.ReadAsync(response)).BodyLength);
    }

    [Fact]
    public async Task Body_over_the_cap_gets_413_problem()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));

        var response = await client.PostAsync("/api/intake/appeals", new ByteArrayContent(new byte[4097]));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Equal(4096, problem.GetProperty("maxBodyBytes").GetInt64());
    }

    [Fact]
    public async Task A_policy_register_upload_may_exceed_the_general_cap()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));

        var response = await client.PostAsync("/api/intake/policies/batch", new ByteArrayContent(new byte[100_000]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100_000, (await EchoedRequest.ReadAsync(response)).BodyLength);
    }

    [Theory]
    [InlineData("/api/billing/rates/batch", 33_554_432)]
    [InlineData("/api/billing/invoices/x12", 16_777_216)]
    public async Task A_billing_bulk_upload_may_exceed_the_general_cap_up_to_its_own(string path, long cap)
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));

        var within = await client.PostAsync(path, new ByteArrayContent(new byte[100_000]));
        var over = await client.PostAsync(path, new ByteArrayContent(new byte[cap + 1]));

        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        var echoed = await EchoedRequest.ReadAsync(within);
        Assert.Equal(("billing", 100_000L), (echoed.Service, echoed.BodyLength));
        var problem = await ProblemAssert.IsProblemAsync(over, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Equal(cap, problem.GetProperty("maxBodyBytes").GetInt64());
    }

    [Theory]
    [InlineData("/api/billing/rates/batch")]
    [InlineData("/api/billing/invoices/x12")]
    public async Task Billing_bulk_uploads_need_a_caller(string path)
    {
        using var client = gateway.CreateClient();
        // Other tests send allowed uploads to the same backend: count what this request adds.
        var before = gateway.Billing.Received("POST", path["/api/billing".Length..]);

        var response = await client.PostAsync(path, new ByteArrayContent(new byte[10]));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
        Assert.Equal(before, gateway.Billing.Received("POST", path["/api/billing".Length..]));
    }

    [Fact]
    public async Task Other_billing_requests_keep_the_general_cap()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));

        var response = await client.PostAsync("/api/billing/invoices", new ByteArrayContent(new byte[4097]));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
    }

    [Fact]
    public async Task Streamed_body_over_the_cap_gets_413_problem()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("alpha"));
        // No Content-Length: the cap can only be found while the body streams to the service.
        var response = await client.PostAsync("/api/intake/appeals", new UnsizedContent(100_000));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
    }
}

/// <summary>A body of unknown length, sent chunked.</summary>
internal sealed class UnsizedContent(int length) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        var chunk = new byte[1000];
        for (var sent = 0; sent < length; sent += chunk.Length) await stream.WriteAsync(chunk);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
