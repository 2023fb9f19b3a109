using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every process of the platform shares: telemetry, health, service discovery, resilient HTTP and problem details.
/// Mirrors the Aspire service-defaults project, written on the packages that are available to us.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LiveTag = "live";

    /// <summary>Activity sources and meters of our own code start with this prefix.</summary>
    public const string TelemetryPrefix = "Platform.";

    /// <summary>The configuration key that caps the new traces a process records a second.</summary>
    public const string TracesPerSecondKey = "Telemetry:TracesPerSecond";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        builder.Services.AddPlatformJson();
        builder.Services.AddPlatformProblemDetails();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOpenApi(o => o
            .AddSchemaTransformer<TextSchemaTransformer>()
            .AddSchemaTransformer<AllowedValuesSchemaTransformer>()
            .AddDocumentTransformer<AllowedValuesSchemaTransformer>()
            .AddDocumentTransformer<OptionalNullablesDocumentTransformer>());
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Services are reachable only from the gateway (network policy in k8s, loopback locally); the gateway
            // sets X-Forwarded-Prefix to its route prefix so links and the OpenAPI servers point through it.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto |
                                 ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedPrefix;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME, when set (the orchestrator and Kubernetes set it), names the service; else the application does.
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter(TelemetryPrefix + "*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("MassTransit")
                .AddSource(TelemetryPrefix + "*")
                .AddAspNetCoreInstrumentation(o =>
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql());

        // Telemetry:TracesPerSecond caps the new traces this process records a second, each recorded whole (see
        // TracesPerSecondSampler); unset, the OpenTelemetry SDK's sampler (OTEL_TRACES_SAMPLER, by default every trace).
        var perSecond = builder.Configuration.GetValue<double?>(TracesPerSecondKey) ?? 0;
        if (perSecond > 0)
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing =>
                tracing.SetSampler(new ParentBasedSampler(new TracesPerSecondSampler(perSecond))));
        // Where traces are sampled, their logs follow them (TracedLogSampler). Where every trace is recorded (production,
        // unless it configures a sampler) the logs are left alone: no sampling stage on every log call, and no caller's
        // unsampled traceparent can hold back a log line.
        if (perSecond > 0 || builder.Configuration["OTEL_TRACES_SAMPLER"] is { Length: > 0 } sampler and not ("always_on" or "parentbased_always_on"))
            builder.Logging.AddSampler(new TracedLogSampler());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
            // The exporter batches and retries on its own; the default resilience handler would retry a missing
            // collector for seconds on every batch and hold up shutdown.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out.
            foreach (var client in new[] { "OtlpTraceExporter", "OtlpMetricExporter", "OtlpLogExporter" })
                builder.Services.AddHttpClient(client).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        }

        return builder;
    }

    /// <summary>Liveness says the process runs; readiness (every check: AddPostgres, AddRedis, AddMessaging add theirs) says its dependencies answer.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>Maps /health/live and /health/ready. They stay on in every environment: Kubernetes probes them.
    /// <paramref name="problemDocuments"/>: failures and empty error statuses answered as RFC 9457 problem documents
    /// (the APIs); a web application for people (the console) sets its own error pages instead.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, bool problemDocuments = true)
    {
        app.UseForwardedHeaders();
        if (problemDocuments)
        {
            app.UseExceptionHandler();
            app.UseStatusCodePages();
        }
        app.UsePlainTextRule();
        if (app.Services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is not null)
        {
            // Explicitly after the status-code pages, so a 401/403 from authorization gets a problem body too.
            app.UseAuthentication();
            app.UseAuthorization();
        }
        app.MapOpenApi().AllowAnonymous();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            // Every check: ours are tagged, those of Aspire's client integrations (PostgreSQL, Redis) are not.
            Predicate = _ => true,
            ResponseWriter = HealthResponse.WriteAsync,
        }).AllowAnonymous();
        return app;
    }
}
