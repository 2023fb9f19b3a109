using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.Console.Tests;

/// <summary>The console in process, against a <see cref="FakeGateway"/> and the test process's real Redis.</summary>
public class ConsoleFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public FakeGateway Gateway { get; private set; } = null!;

    protected virtual bool DevSignIn => true;

    public virtual async Task InitializeAsync()
    {
        await TestEnvironment.StartAsync();
        Gateway = await FakeGateway.StartAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Console:GatewayUrl", Gateway.Address.ToString());
        builder.UseSetting("Console:DevSignIn", DevSignIn ? "true" : "false");
        builder.UseSetting("Console:QueueRefresh", "00:00:00.300");
        builder.UseSetting("Auth:Jwt:SigningKey", TestEnvironment.JwtSigningKey);
        builder.UseSetting("ConnectionStrings:redis", TestEnvironment.Redis);
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (the tests look at them).</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri("http://localhost/console/"),
    });

    public static string Token(string subject, string[] roles, string? tenant = "acme") =>
        DevTokens.Mint(TestEnvironment.JwtSigningKey, subject, roles, tenant);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Gateway.DisposeAsync();
    }
}

/// <summary>A console without the development sign-in (as in production without an identity provider configured).</summary>
public sealed class ConsoleWithoutDevSignIn : ConsoleFactory
{
    protected override bool DevSignIn => false;
}
