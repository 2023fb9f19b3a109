using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Hosting;

namespace Platform.Gateway.Tests;

public sealed class ApiDocsTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Theory]
    [InlineData("intake")]
    [InlineData("cases")]
    [InlineData("clinics")]
    [InlineData("billing")]
    [InlineData("repatriation")]
    [InlineData("oms")]
    public async Task Service_api_documents_are_reachable_anonymously_through_the_gateway(string service)
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync($"/api/{service}/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"{service} (echo)", document.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal($"/api/{service}", document.GetProperty("forwardedPrefix").GetString());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task A_clinics_guarantee_acknowledgement_link_passes_anonymously_with_no_identity(string method)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/clinics/guarantees/acknowledge?token=abc")
        {
            Headers = { { "X-Tenant-Id", "someone-else" } },
        };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("/guarantees/acknowledge", echoed.GetProperty("path").GetString());
        Assert.Equal("?token=abc", echoed.GetProperty("query").GetString());
        Assert.DoesNotContain(echoed.GetProperty("headers").EnumerateObject(), h => h.Name.Equals("X-Tenant-Id", StringComparison.OrdinalIgnoreCase));
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/clinics/guarantees/GOP-2026-000001"), HttpStatusCode.Unauthorized,
            ProblemTypes.Unauthenticated);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task A_repatriation_booking_confirmation_link_passes_anonymously_with_no_identity(string method)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/repatriation/bookings/confirm?token=abc")
        {
            Headers = { { "X-Tenant-Id", "someone-else" } },
        };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("repatriation", echoed.GetProperty("service").GetString());
        Assert.Equal("/bookings/confirm", echoed.GetProperty("path").GetString());
        Assert.Equal("?token=abc", echoed.GetProperty("query").GetString());
        Assert.DoesNotContain(echoed.GetProperty("headers").EnumerateObject(), h => h.Name.Equals("X-Tenant-Id", StringComparison.OrdinalIgnoreCase));
        // Only the confirmation itself: the rest of the bookings API needs a caller.
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/repatriation/bookings"), HttpStatusCode.Unauthorized,
            ProblemTypes.Unauthenticated);
    }

    [Fact]
    public async Task Only_the_api_document_is_anonymous_on_service_routes()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/api/cases/openapi/internal.json");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    [Fact]
    public async Task Gateway_api_document_describes_the_admin_api()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/admin/tenants/{tenantId}/api-keys", out _));
        Assert.True(paths.TryGetProperty("/admin/api-keys/{keyId}", out _));
    }

    [Fact]
    public async Task Gateway_api_document_types_text_as_string_and_numbers_as_numbers()
    {
        using var client = gateway.CreateClient();

        var text = await client.GetStringAsync("/openapi/v1.json");

        var schemas = JsonDocument.Parse(text).RootElement.GetProperty("components").GetProperty("schemas");
        var properties = schemas.EnumerateObject()
            .SelectMany(s => s.Value.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => (Name: $"{s.Name}.{x.Name}", x.Value)) : [])
            .ToArray();
        Assert.NotEmpty(properties);
        // Every property says what it is (a custom string converter used to leave text undescribed: {}).
        Assert.Empty(properties.Where(p => p.Value.ValueKind == JsonValueKind.Object && !p.Value.EnumerateObject().Any()).Select(p => p.Name));
        // Numbers are never also strings with a pattern (the web defaults read numbers from strings).
        Assert.DoesNotContain("\"pattern\"", text);
        Assert.Empty(properties.Where(p => p.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array &&
            type.EnumerateArray().Any(t => t.GetString() is "number" or "integer") && type.EnumerateArray().Any(t => t.GetString() == "string"))
            .Select(p => p.Name));
    }

    [Fact]
    public async Task Docs_page_is_html_listing_every_document()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        // Scalar lists the documents relative to the application's base path.
        Assert.Contains("\"url\":\"openapi/v1.json\"", html);
        Assert.Contains("\"url\":\"api/intake/openapi/v1.json\"", html);
        Assert.Contains("\"url\":\"api/cases/openapi/v1.json\"", html);
        Assert.Contains("\"url\":\"api/clinics/openapi/v1.json\"", html);
        Assert.Contains("\"url\":\"api/billing/openapi/v1.json\"", html);
        Assert.Contains("\"url\":\"api/repatriation/openapi/v1.json\"", html);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_are_anonymous(string path)
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
