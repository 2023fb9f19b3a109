using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;

namespace Platform.Gateway.Tests;

public sealed class MintTokenTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Token_minted_on_the_command_line_is_accepted()
    {
        var tenant = Tenants.New("acme");
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "Gateway.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { gatewayDll, "mint-token", "--subject", "alice", "--roles", "admin,coordinator", "--tenant", tenant, "--environment", "Development" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);

        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", output.Trim());
        var response = await client.GetAsync("/api/cases/cases");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await EchoedRequest.ReadAsync(response);
        Assert.Equal(tenant, echoed.Header(RequestIdentity.TenantHeader));
        Assert.Equal("admin,coordinator", echoed.Header(RequestIdentity.RolesHeader));
    }
}
