using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.AppHost.Infrastructure;

/// <summary>
/// The development mail catcher: smtp4dev (a .NET tool in the repository's tool manifest), an SMTP server on 127.0.0.1
/// that keeps every e-mail instead of delivering it and shows them in its web page (and its API, /api/messages).
/// Mail is kept in memory: a restart forgets it.
/// </summary>
public sealed class MailCatcherResource(string name, string workingDirectory)
    : ExecutableResource(name, "dotnet", workingDirectory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint=smtp://127.0.0.1:{this.GetEndpoint("tcp").Property(EndpointProperty.Port)}");
}

public static class MailBuilderExtensions
{
    public const string Mail = "Mail server";

    /// <summary>
    /// The mail server: the user's when <c>ConnectionStrings:{name}</c> is set (<c>Endpoint=smtp://host:port;Username=;Password=</c>),
    /// else smtp4dev on 127.0.0.1:<paramref name="smtpPort"/> with its web page on <paramref name="webPort"/>.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddMailServer(this IDistributedApplicationBuilder builder,
        string name, int smtpPort, int webPort) =>
        Servers.LocalOrExternal<MailCatcherResource>(builder, name, Mail, ProbeAsync, () =>
        {
            var repository = Servers.RepositoryRoot(builder.AppHostDirectory);
            var server = new MailCatcherResource(name, repository);
            builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (e, ct) =>
            {
                Servers.EnsurePortFree(name, smtpPort);
                Servers.EnsurePortFree(name, webPort);
                // The tool comes from the manifest (.config/dotnet-tools.json); restoring is quick once it is there.
                var log = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
                string[] restore = ["dotnet", "tool", "restore", "--tool-manifest", Path.Combine(repository, ".config", "dotnet-tools.json")];
                // With a fresh tool cache (a new machine) the SDK can attribute one tool's commands to another and fail
                // a restore that succeeds when run again (dotnet/sdk#53783): one more attempt before giving up.
                if (await Servers.RunAsync(log, restore, ct) != 0 && await Servers.RunAsync(log, restore, ct) != 0)
                    throw new DistributedApplicationException($"{name}: `dotnet tool restore` failed twice (see the resource's log); smtp4dev cannot start.");
            });
            return builder.AddResource(server)
                .WithLoopbackPort(smtpPort)
                .WithHttpEndpoint(port: webPort, targetPort: webPort, name: "http", isProxied: false)
                .WithEndpoint("http", e => e.TargetHost = "127.0.0.1")
                .WithUrlForEndpoint("http", url => url.DisplayText = "Mail received")
                .WithIconName("Mail")
                .WithArgs("tool", "run", "smtp4dev", "--", $"--smtpport={smtpPort}", $"--urls=http://127.0.0.1:{webPort}",
                    "--bindaddress=127.0.0.1", "--hostname=localhost", "--db=", "--nousersettings", "--messagestokeep=1000",
                    "--imapport=0", "--pop3port=0");
        });

    /// <summary>An SMTP server answers with a 220 greeting.</summary>
    private static async Task ProbeAsync(string connectionString, CancellationToken ct)
    {
        var uri = Servers.EndpointOf(connectionString, "smtp://host:port");
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.IsDefaultPort ? (uri.Scheme == "smtps" ? 465 : 25) : uri.Port, ct);
        if (uri.Scheme == "smtps") return; // TLS first: a connection is all we check
        var buffer = new byte[512];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
        var greeting = Encoding.ASCII.GetString(buffer, 0, read);
        if (!greeting.StartsWith("220", StringComparison.Ordinal)) throw new InvalidOperationException($"no SMTP greeting (got '{greeting.Trim()}')");
    }
}
