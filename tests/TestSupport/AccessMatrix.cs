using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Platform.Tests;

/// <summary>
/// The role matrix of a service, generated from its own endpoints: every endpoint that is not explicitly anonymous
/// must name an access class (<see cref="Access"/>); every role outside that class gets 403 from it, every role inside
/// gets anything but 403, and a request without the gateway's identity gets 401. A new endpoint is in the matrix the
/// moment it is mapped, so one without a policy fails here.
/// </summary>
public static class AccessMatrix
{
    public static async Task VerifyAsync<TProgram>(ServiceFactory<TProgram> service) where TProgram : class
    {
        var endpoints = service.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .ToList();
        Assert.NotEmpty(endpoints);

        var tenant = $"matrix-{Guid.NewGuid():N}"[..20];
        var failures = new List<string>();
        var requests = 0;
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var name = $"{string.Join('|', methods)} {endpoint.RoutePattern.RawText}";
            var classes = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy)
                .Where(p => p is not null && Access.RolesOf.ContainsKey(p)).Select(p => p!).ToList();
            if (classes.Count == 0)
            {
                failures.Add($"{name}: declares no access class (RequireAccess(Access.X))");
                continue;
            }
            // Policies on the group and on the endpoint must all pass.
            var allowed = classes.Select(c => (IEnumerable<string>)Access.RolesOf[c]).Aggregate((a, b) => a.Intersect(b)).ToHashSet();
            var path = RouteTemplates.Fill(endpoint.RoutePattern.RawText ?? "/");
            // A body of the kind the endpoint accepts, so that routing lets the request reach authorization.
            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [];
            var contentType = accepts.Count == 0 || accepts.Contains("application/json") ? "application/json" : accepts[0];

            foreach (var method in methods)
            {
                foreach (var role in Roles.All)
                {
                    using var client = service.ClientFor(tenant, $"matrix-{role}", role == Roles.Insurer ? "insurer" : "staff", role);
                    var status = await SendAsync(client, method, path, contentType);
                    requests++;
                    if (allowed.Contains(role) && status == HttpStatusCode.Forbidden)
                        failures.Add($"{name}: {role} is in {string.Join(" and ", classes)} but was refused");
                    if (!allowed.Contains(role) && status != HttpStatusCode.Forbidden)
                        failures.Add($"{name}: {role} is outside {string.Join(" and ", classes)} but got {(int)status}");
                }

                using var anonymous = service.CreateClient();
                var unauthenticated = await SendAsync(anonymous, method, path, contentType);
                if (unauthenticated != HttpStatusCode.Unauthorized)
                    failures.Add($"{name}: a request without the gateway's identity got {(int)unauthenticated}, not 401");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} role checks failed:\n" + string.Join('\n', failures));
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string path, string contentType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
            request.Content = contentType switch
            {
                "multipart/form-data" => new MultipartFormDataContent { { new StringContent("passport"), "type" } },
                "application/json" => JsonContent.Create(new { }),
                _ => new StringContent("", System.Text.Encoding.UTF8, contentType),
            };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
