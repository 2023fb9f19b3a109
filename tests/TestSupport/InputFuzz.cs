using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Platform.Tests;

/// <summary>
/// Bad input against every operation of a service's own OpenAPI document: for each POST/PUT with a JSON body, bodies
/// shaped by its schema with a NUL in every string, nulls in every list (which must be a 400 naming an element), extreme numbers and dates, an empty object and
/// broken JSON; for each GET, its query parameters with a NUL, the largest integer and the smallest date. None may get
/// a 5xx: bad input is a problem document (4xx) naming the field, whatever the operation.
/// </summary>
public static class InputFuzz
{
    public static async Task VerifyAsync<TProgram>(ServiceFactory<TProgram> service) where TProgram : class
    {
        var document = JsonNode.Parse(await service.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var schemas = document["components"]?["schemas"]?.AsObject();
        using var client = service.ClientFor($"fuzz-{Guid.NewGuid():N}"[..18]);
        var failures = new List<string>();
        var requests = 0;

        foreach (var (route, item) in document["paths"]!.AsObject())
        foreach (var (method, operation) in item!.AsObject())
        {
            var path = RouteTemplates.Fill(route);
            var verb = method.ToUpperInvariant();
            var bodies = new List<(string What, string Json)>();
            if (operation?["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema)
            {
                bodies.Add(("NUL in every string", Example(schema, schemas, Variant.Nul, 0)?.ToJsonString() ?? "null"));
                bodies.Add((NullElements, Example(schema, schemas, Variant.NullElements, 0)?.ToJsonString() ?? "null"));
                bodies.Add(("extreme numbers and dates", Example(schema, schemas, Variant.Extremes, 0)?.ToJsonString() ?? "null"));
                bodies.Add(("an empty object", "{}"));
                bodies.Add(("broken JSON", "{\"a\":"));
            }

            if (bodies.Count > 0)
            {
                foreach (var (what, json) in bodies)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(verb), path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                    requests++;
                    using var response = await client.SendAsync(request);
                    var status = response.StatusCode;
                    if ((int)status >= 500) failures.Add($"{verb} {route} with {what}: {(int)status}");
                    else if (what == NullElements && json.Contains("[null]") && await NamesANullElementAsync(response) is { } wrong)
                        failures.Add($"{verb} {route} with {what}: {wrong}");
                }
            }
            else if (verb == "GET" && operation?["parameters"] is JsonArray parameters)
            {
                var query = parameters.Where(p => p?["in"]?.GetValue<string>() == "query").ToList();
                foreach (var variant in new[] { Variant.Nul, Variant.Extremes })
                {
                    if (query.Count == 0) break;
                    var values = query.Select(p => $"{p!["name"]}={Uri.EscapeDataString(QueryValue(p["schema"], schemas, variant))}");
                    requests++;
                    var status = (await client.GetAsync($"{path}?{string.Join('&', values)}")).StatusCode;
                    if ((int)status >= 500) failures.Add($"GET {route} with {variant} query values: {(int)status}");
                }
            }
        }

        Assert.True(requests > 0, "the OpenAPI document lists no operation to try");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} bad requests got a 5xx:\n" + string.Join('\n', failures));
    }

    private const string NullElements = "null in every list";

    /// <summary>
    /// A body whose only fault is a null list element must get a 400 whose <c>errors</c> name an element
    /// (<c>steps[0]</c>), not the list or the body; returns what was wrong, or null.
    /// </summary>
    private static async Task<string?> NamesANullElementAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.BadRequest) return $"{(int)response.StatusCode} instead of 400: {body}";
        var errors = JsonNode.Parse(body)?["errors"]?.AsObject();
        return errors is not null && errors.Any(e => e.Key.EndsWith("[0]", StringComparison.Ordinal))
            ? null
            : $"the problem names no list element: {body}";
    }

    private enum Variant { Nul, NullElements, Extremes }

    private static JsonNode? Example(JsonNode schema, JsonObject? schemas, Variant variant, int depth)
    {
        if (depth > 6) return null;
        if (schema["$ref"]?.GetValue<string>() is { } reference)
            return schemas?[reference.Split('/')[^1]] is { } target ? Example(target, schemas, variant, depth + 1) : null;
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
            if (schema[combinator] is JsonArray options && options.FirstOrDefault(o => o?["type"]?.ToString() != "null") is { } first)
                return Example(first, schemas, variant, depth + 1);

        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
            JsonValue value => value.GetValue<string>(),
            _ => schema["properties"] is not null ? "object" : null,
        };
        var format = schema["format"]?.GetValue<string>();
        return type switch
        {
            "object" => new JsonObject((schema["properties"]?.AsObject() ?? [])
                .Select(p => KeyValuePair.Create(p.Key, Example(p.Value!, schemas, variant, depth + 1)))),
            "array" => variant == Variant.NullElements
                ? new JsonArray((JsonNode?)null)
                : new JsonArray(schema["items"] is { } items ? Example(items, schemas, variant, depth + 1) : null),
            "integer" => variant == Variant.Extremes ? JsonValue.Create(int.MaxValue) : JsonValue.Create(1),
            "number" => variant == Variant.Extremes ? JsonValue.Create(1e300) : JsonValue.Create(1.5),
            "boolean" => JsonValue.Create(true),
            "string" when format is "date" => JsonValue.Create(variant == Variant.Extremes ? "0001-01-01" : "2026-11-02"),
            "string" when format is "date-time" => JsonValue.Create(variant == Variant.Extremes ? "0001-01-01T00:00:00Z" : "2026-11-02T10:00:00Z"),
            "string" when format is "uuid" => JsonValue.Create(Guid.NewGuid().ToString()),
            "string" => JsonValue.Create(variant switch { Variant.Extremes => new string('x', 100_000), Variant.NullElements => "x", _ => "x\u0000y" }),
            _ => null,
        };
    }

    private static string QueryValue(JsonNode? schema, JsonObject? schemas, Variant variant) =>
        Example(schema ?? new JsonObject { ["type"] = "string" }, schemas, variant, 0) switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            JsonValue value => value.ToJsonString(),
            _ => "x\u0000y",
        };
}
