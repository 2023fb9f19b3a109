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

    /// <summary>
    /// The enum's values but null (listed for fields that may be left out); fails when there is no enum. A field whose
    /// values are a named list points at it (<c>$ref</c>, or <c>oneOf</c> null and the <c>$ref</c>): its values are read there.
    /// </summary>
    public static string[] EnumOf(JsonElement document, JsonElement schema)
    {
        schema = Resolve(document, schema);
        return (schema.TryGetProperty("enum", out var values) ? values : throw new Xunit.Sdk.XunitException($"no enum in {schema.GetRawText()}"))
            .EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null).Select(v => v.GetString()!).ToArray();
    }

    /// <summary>The schema a <c>$ref</c> (or a <c>oneOf</c> of null and one other schema) stands for; else the schema itself.</summary>
    public static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
            return document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        if (schema.TryGetProperty("oneOf", out var oneOf) &&
            oneOf.EnumerateArray().Where(s => !IsNullType(s)).ToArray() is [var single])
            return Resolve(document, single);
        return schema;
    }

    /// <summary>Whether the schema admits null: <c>type</c> lists it, or a <c>oneOf</c> member is <c>type: null</c>.</summary>
    public static bool AdmitsNull(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null") ||
        schema.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().Any(IsNullType);

    /// <summary>The names a component schema lists as <c>required</c>.</summary>
    public static string[] RequiredOf(JsonElement document, string schema) =>
        document.GetProperty("components").GetProperty("schemas").GetProperty(schema).TryGetProperty("required", out var required)
            ? required.EnumerateArray().Select(r => r.GetString()!).ToArray()
            : [];

    private static bool IsNullType(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";
}
