using System.Net.Sockets;

namespace Platform.AppHost.Infrastructure;

/// <summary>
/// The development stand-in for the SMS provider (tools/SmsStandIn): it speaks the platform's SMS protocol, keeps what
/// it receives in memory and shows it on its page. Run from its build output, which the solution's build produces.
/// </summary>
public sealed class SmsStandInResource(string name, string workingDirectory)
    : ExecutableResource(name, "dotnet", workingDirectory), IResourceWithConnectionString
{
    /// <summary>The stand-in's API key: senders present it, and it presents it back with the delivery receipts it POSTs.</summary>
    public const string ApiKey = "development-sms-key";

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint=http://127.0.0.1:{this.GetEndpoint("http").Property(EndpointProperty.Port)};ApiKey={ApiKey}");
}

public static class SmsBuilderExtensions
{
    public const string Sms = "SMS provider";

    /// <summary>
    /// The SMS provider: the user's when <c>ConnectionStrings:{name}</c> is set (<c>Endpoint=https://...;ApiKey=...</c>),
    /// else the stand-in on 127.0.0.1:<paramref name="port"/>.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddSmsProvider(this IDistributedApplicationBuilder builder, string name, int port) =>
        Servers.LocalOrExternal<SmsStandInResource>(builder, name, Sms, ProbeAsync, () =>
        {
            // The stand-in is built with the rest, in the configuration this assembly was built in (bin/<configuration>/<framework>/).
            var here = Path.GetDirectoryName(typeof(SmsBuilderExtensions).Assembly.Location)!;
            var (framework, configuration) = (Path.GetFileName(here), Path.GetFileName(Path.GetDirectoryName(here))!);
            var project = Path.Combine(Servers.RepositoryRoot(builder.AppHostDirectory), "tools", "SmsStandIn");
            var dll = Path.Combine(project, "bin", configuration, framework, "SmsStandIn.dll");
            var server = new SmsStandInResource(name, project);
            builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, _) =>
            {
                if (!File.Exists(dll))
                    throw new DistributedApplicationException($"{name}: {dll} is not built; build the solution (dotnet build Platform.sln -c {configuration}).");
                Servers.EnsurePortFree(name, port);
                return Task.CompletedTask;
            });
            return builder.AddResource(server)
                .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
                .WithEndpoint("http", e => e.TargetHost = "127.0.0.1")
                .WithUrlForEndpoint("http", url => url.DisplayText = "SMS received")
                .WithIconName("Chat")
                .WithArgs(dll, $"--urls=http://127.0.0.1:{port}", $"--StandIn:ApiKey={SmsStandInResource.ApiKey}", "--Logging:LogLevel:Microsoft.AspNetCore=Warning");
        });

    /// <summary>The provider's host accepts connections (its API may not answer anything but a send).</summary>
    private static async Task ProbeAsync(string connectionString, CancellationToken ct)
    {
        var uri = Servers.EndpointOf(connectionString, "https://host/path");
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port, ct);
    }
}
