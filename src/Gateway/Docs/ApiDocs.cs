using Scalar.AspNetCore;

namespace Platform.Gateway.Docs;

/// <summary>
/// The interactive API page at <c>/docs</c>: the gateway's own document, then one per proxy route that carries
/// <c>"Metadata": { "ApiDocument": "Title" }</c> (its path is the document's address through the gateway). A new service
/// appears here by adding its anonymous document route to the proxy configuration.
/// </summary>
internal static class ApiDocs
{
    public const string DocumentMetadata = "ApiDocument";

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        var services = configuration.GetSection("ReverseProxy:Routes").GetChildren()
            .Select(route => (Name: route["ClusterId"] ?? route.Key, Title: route[$"Metadata:{DocumentMetadata}"], Path: route["Match:Path"]))
            .Where(d => !string.IsNullOrWhiteSpace(d.Title) && !string.IsNullOrWhiteSpace(d.Path))
            .OrderBy(d => d.Title, StringComparer.Ordinal)
            .ToArray();

        app.MapScalarApiReference("/docs", options =>
        {
            options.WithTitle("Medical assistance platform API");
            options.AddDocument("gateway", "Gateway (administration)", "/openapi/v1.json", isDefault: true);
            foreach (var (name, title, path) in services)
            {
                options.AddDocument(name, title, path);
            }
        }).AllowAnonymous();
        return app;
    }
}
