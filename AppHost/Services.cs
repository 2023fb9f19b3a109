using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.AppHost;

internal static class Services
{
    /// <summary>
    /// One of the platform's services: its own port on the loopback (no proxy in front: one hop less on every request),
    /// healthy when its dependencies answer (<c>/health/ready</c>), telemetry to the dashboard, and the secret of the
    /// gateway's identity stamp (the gateway signs with it, the services check it).
    /// </summary>
#pragma warning disable ASPIRECERTIFICATES001 // WithoutHttpsCertificate is marked for evaluation by Aspire.
    public static IResourceBuilder<ProjectResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name, int port,
        IResourceBuilder<ParameterResource> identitySecret)
        where TProject : IProjectMetadata, new() =>
        builder.AddWebProject<TProject>(name, port).WithEnvironment("Gateway__IdentitySecret", identitySecret);

    /// <summary>A web project of the platform without the identity secret: the console, which only calls the gateway.</summary>
    public static IResourceBuilder<ProjectResource> AddWebProject<TProject>(this IDistributedApplicationBuilder builder, string name, int port)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithEndpoint("http", e => e.TargetHost = "127.0.0.1")
            .WithHttpHealthCheck("/health/ready")
            // Plain HTTP on the loopback (TLS ends at the ingress in Kubernetes): no development certificate to trust,
            // and no dashboard banner asking for one.
            .WithoutHttpsCertificate()
            .WithEnvironment(context =>
            {
                // Aspire asks the OTLP exporter to keep failed batches in memory and retry them, which holds a
                // service's exit for about 12 s once the dashboard has gone; batches are cheap to lose at shutdown.
                context.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY");
                // Aspire records every span (always_on), even one whose parent was left out of tracing: each health
                // probe's PostgreSQL and Redis calls became a trace without its root, most of what an idle dashboard
                // listed. The services sample parent-based instead, a trace recorded whole or not at all, and each
                // starts at most TracesPerSecond new traces a second (10; Telemetry__TracesPerSecond given to the
                // AppHost, 0 for every one): every trace at a person's pace, a sample under load. The dashboard writes
                // each span and attribute to SQLite on the platform's own cores; under a load test it took as much CPU
                // as PostgreSQL and still kept only a fifth of the traces, in parts. A sampler given to the AppHost
                // (the SDK's variables) is passed on instead, to measure the platform as an operator would run it.
                // The sampler decides; its argument alone (meaningless to parentbased_always_on) is passed on as given.
                if (builder.Configuration["OTEL_TRACES_SAMPLER_ARG"] is { Length: > 0 } argument)
                    context.EnvironmentVariables["OTEL_TRACES_SAMPLER_ARG"] = argument;
                if (builder.Configuration["OTEL_TRACES_SAMPLER"] is { Length: > 0 } sampler)
                    context.EnvironmentVariables["OTEL_TRACES_SAMPLER"] = sampler;
                else
                {
                    context.EnvironmentVariables["OTEL_TRACES_SAMPLER"] = "parentbased_always_on";
                    context.EnvironmentVariables["Telemetry__TracesPerSecond"] = builder.Configuration["Telemetry:TracesPerSecond"] ?? "10";
                }
            });
#pragma warning restore ASPIRECERTIFICATES001

    /// <summary>Once the gateway answers, the console says where to go and how to get a staff token.</summary>
    public static IResourceBuilder<ProjectResource> WithWelcome(this IResourceBuilder<ProjectResource> gateway)
    {
        gateway.OnResourceReady((resource, e, _) =>
        {
            var url = resource.GetEndpoint("http").Url;
            e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.AppHost").LogInformation(
                """
                The platform is ready.
                  Gateway:    {Url}
                  API docs:   {Url}/docs
                  Console:    {Url}/console  (development sign-in: any name, an organisation such as acme, your roles)
                  Staff token (development key): TOKEN=$(./platform token --roles coordinator --tenant acme)
                  Try:        curl -H "Authorization: Bearer $TOKEN" {Url}/api/cases/cases
                """, url, url, url, url);
            return Task.CompletedTask;
        });
        return gateway;
    }
}
