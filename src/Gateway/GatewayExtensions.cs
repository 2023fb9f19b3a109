using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.OpenApi;
using Platform.Gateway.ApiKeys;
using Platform.Gateway.Auth;
using Platform.Gateway.DevClock;
using Platform.Gateway.Docs;
using Platform.Gateway.Idempotency;
using Platform.Gateway.Proxy;
using Platform.Gateway.RateLimiting;
using Yarp.ReverseProxy.Transforms;

namespace Platform.Gateway;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddPostgres("gatewaydb", typeof(Program).Assembly);
        builder.AddRedis("redis");
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<VerifiedKeyCache>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<UnauthenticatedRateLimit>();

        services.AddOptions<OidcStaffTokenOptions>().BindConfiguration(OidcStaffTokenOptions.Section)
            .Validate<IHostEnvironment>((o, environment) => !o.Enabled || environment.IsDevelopment() ||
                    new[] { o.Authority, o.MetadataAddress }.All(a => string.IsNullOrWhiteSpace(a) || a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)),
                "Auth:Oidc:Authority and Auth:Oidc:MetadataAddress must be https:// outside Development: the signing keys are fetched from there.")
            .ValidateOnStart();
        services.AddOptions<StaffTokenOptions>().BindConfiguration(StaffTokenOptions.Section)
            .Validate(o => !o.HasKey || o.HasValidKey, StaffTokenOptions.InvalidKeyMessage)
            .Validate<IOptions<OidcStaffTokenOptions>>((o, oidc) => o.HasKey || oidc.Value.Enabled, StaffTokenOptions.NoStaffTokensMessage)
            .ValidateOnStart();
        services.AddOptions<GatewayStampOptions>().BindConfiguration(GatewayStampOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section)
            .Validate(o => o.MaxRequestBodyBytes > 0, "Gateway:MaxRequestBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IdempotencyStore>();
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section)
            .Validate(o => o.Retention > TimeSpan.Zero && o.InFlightLock > TimeSpan.Zero && o.MaxStoredResponseBytes > 0,
                "Gateway:Idempotency:Retention, InFlightLock and MaxStoredResponseBytes must be positive.")
            .ValidateOnStart();
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section)
            .Validate(o => o.PermitsPerMinute > 0 && o.Tenants.Values.All(p => p > 0) && o.UnauthenticatedPermitsPerMinute > 0,
                "RateLimiting:PermitsPerMinute, every RateLimiting:Tenants:{tenantId} and RateLimiting:UnauthenticatedPermitsPerMinute must be positive.")
            .ValidateOnStart();

        // Insurers call with API keys, staff with bearer tokens (the development key's or the identity provider's); the
        // policy scheme picks by what the request carries.
        services.AddAuthentication(GatewayAuth.DefaultScheme)
            .AddPolicyScheme(GatewayAuth.DefaultScheme, "Insurer API key or staff token", o =>
                o.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.IsPresentedIn(context.Request)
                    ? GatewayAuth.ApiKeyScheme
                    : StaffTokens.SchemeFor(context))
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(GatewayAuth.ApiKeyScheme, null)
            .AddJwtBearer(GatewayAuth.StaffScheme, _ => { })
            .AddJwtBearer(GatewayAuth.OidcScheme, _ => { });
        services.AddOptions<JwtBearerOptions>(GatewayAuth.StaffScheme)
            .Configure<IOptions<StaffTokenOptions>>((jwt, staff) => StaffTokens.ConfigureDevelopmentKey(jwt, staff.Value));
        services.AddOptions<JwtBearerOptions>(GatewayAuth.OidcScheme)
            .Configure<IOptions<OidcStaffTokenOptions>, IHostEnvironment>((jwt, oidc, environment) =>
                StaffTokens.ConfigureProvider(jwt, oidc.Value, environment.IsDevelopment()));

        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            // Deny by default: whatever is not explicitly anonymous needs a verified caller.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(GatewayAuth.TenantPolicy, p => p.RequireAuthenticatedUser().AddRequirements(new TenantRequirement()))
            .AddPolicy(GatewayAuth.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));

        // Clients arrive here: X-Forwarded-* is believed only from the proxies in front of the gateway
        // (Gateway:TrustedProxies, comma-separated networks such as the ingress controller's), from nobody when none
        // is configured; otherwise a client's X-Forwarded-Host would become the server of the API documents.
        var trustedProxies = (builder.Configuration["Gateway:TrustedProxies"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(cidr => System.Net.IPNetwork.TryParse(cidr, out var network) ? network
                : throw new InvalidOperationException($"Gateway:TrustedProxies: '{cidr}' is not a network (10.0.0.0/8, fd00::/8)."))
            .ToList();
        services.PostConfigure<ForwardedHeadersOptions>(o =>
        {
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            if (trustedProxies.Count == 0) o.ForwardedHeaders = ForwardedHeaders.None;
            foreach (var network in trustedProxies) o.KnownIPNetworks.Add(network);
        });

        services.AddRateLimiter(o => o.AddPolicy<string, TenantRateLimiterPolicy>(TenantRateLimiterPolicy.Name));

        services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            // Destinations are service names (http://intake), resolved by service discovery from services:intake:http:0
            // (set by the AppHost and by Kubernetes' platform-config), else by DNS.
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms(route =>
            {
                // Routes set X-Forwarded-Prefix to the prefix they remove; YARP's default forwarders would replace it
                // with the (empty) PathBase, so keep their For/Proto/Host and leave the prefix to the routes.
                if (route.UseDefaultForwarders ?? true)
                {
                    route.UseDefaultForwarders = false;
                    route.AddXForwardedFor().AddXForwardedProto().AddXForwardedHost();
                }
                route.AddRequestTransform(string.Equals(route.Route.AuthorizationPolicy, "anonymous", StringComparison.OrdinalIgnoreCase)
                    ? IdentityHeaders.StripAsync
                    : IdentityHeaders.StampAsync);
                // The services' API documents, as served through the gateway, name the Idempotency-Key it handles for them.
                if (route.Route.Metadata?.ContainsKey(ApiDocs.DocumentMetadata) == true)
                    route.AddResponseTransform(IdempotencyApiDocument.AddHeaderAsync);
            });

        services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Gateway administration API";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[GatewayAuth.StaffScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A staff token with the admin role.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(GatewayAuth.StaffScheme, document)] = [] }];
            return Task.CompletedTask;
        }));

        return builder;
    }

    public static WebApplication MapGatewayApi(this WebApplication app)
    {
        // Authentication and authorization are in the pipeline already (MapDefaultEndpoints, once); limits come after them.
        app.UseRateLimiter();

        app.MapApiKeysApi();
        app.MapCallerApi();
        app.MapDevClockApi(app.Configuration);
        app.MapApiDocs(app.Configuration);
        app.MapReverseProxy(proxy =>
        {
            proxy.UseRequestBodyCap();
            proxy.UseIdempotencyKeys();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
