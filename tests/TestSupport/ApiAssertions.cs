using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Platform.Tests;

public static class ProblemAssert
{
    /// <summary>The response is an RFC 9457 problem document of this status and type; returns it.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}

/// <summary>Reading an OpenAPI document as a client generator would.</summary>
public static class OpenApiDocument
{
    /// <summary>The service's OpenAPI document (<c>/openapi/v1.json</c>).</summary>
    public static async Task<JsonElement> ReadAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;

    /// <summary>A property of a component schema.</summary>
    public static JsonElement Property(JsonElement document, string schema, string property) =>
        document.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties").GetProperty(property);

    /// <summary>The enum's values but null (listed for fields that may be left out); fails when there is no enum.</summary>
    public static string[] EnumOf(JsonElement schema) =>
        (schema.TryGetProperty("enum", out var values) ? values : throw new Xunit.Sdk.XunitException($"no enum in {schema.GetRawText()}"))
        .EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null).Select(v => v.GetString()!).ToArray();
}
