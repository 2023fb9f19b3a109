using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.Intake.Tests;

public sealed class A_request_that_did_not_come_through_the_gateway(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task With_identity_headers_and_no_stamp_gets_401()
    {
        using var client = Forged("acme-forged");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/policies")).StatusCode);
    }

    [Fact]
    public async Task With_a_stamp_signed_by_another_secret_gets_401()
    {
        using var client = Forged("acme-forged", new ServiceFactory<Program>.StampingHandler("another-secret-another-secret-another-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/policies")).StatusCode);
    }

    [Fact]
    public async Task With_a_genuine_stamp_of_another_request_gets_401()
    {
        // A stamp the gateway made for GET /policies, replayed on the queue.
        var identity = new RequestIdentity("acme-forged", "eve", "staff", [Roles.Coordinator]);
        var stamp = GatewayStamp.Sign(ServiceFactory<Program>.GatewaySecret, DateTimeOffset.UtcNow, "GET", "/policies", identity);
        using var client = Forged("acme-forged");
        client.DefaultRequestHeaders.Add(GatewayStamp.Header, stamp);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/policies")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/appeals/queue")).StatusCode);
        var expired = GatewayStamp.Sign(ServiceFactory<Program>.GatewaySecret, DateTimeOffset.UtcNow.AddMinutes(-2), "GET", "/policies", identity);
        client.DefaultRequestHeaders.Remove(GatewayStamp.Header);
        client.DefaultRequestHeaders.Add(GatewayStamp.Header, expired);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/policies")).StatusCode);
    }

    private HttpClient Forged(string tenant, params DelegatingHandler[] handlers)
    {
        var client = intake.CreateDefaultClient(handlers);
        client.DefaultRequestHeaders.Add(RequestIdentity.TenantHeader, tenant);
        client.DefaultRequestHeaders.Add(RequestIdentity.ActorHeader, "eve");
        client.DefaultRequestHeaders.Add(RequestIdentity.ActorKindHeader, "staff");
        client.DefaultRequestHeaders.Add(RequestIdentity.RolesHeader, Roles.Coordinator);
        return client;
    }
}
