using System.Text.Json;
using System.Text.Json.Nodes;
using Yarp.ReverseProxy.Transforms;

namespace Platform.Gateway.Idempotency;

/// <summary>
/// The services do not know about Idempotency-Key (the gateway handles it), so the gateway adds it to their OpenAPI
/// documents on the way out: a shared parameter in <c>components.parameters</c>, referenced by every POST, PUT, PATCH
/// and DELETE operation.
/// </summary>
internal static class IdempotencyApiDocument
{
    private const string ParameterName = IdempotencyKeys.Header;
    private static readonly string[] Mutating = ["post", "put", "patch", "delete"];

    public static async ValueTask AddHeaderAsync(ResponseTransformContext context)
    {
        if (context.ProxyResponse is not { IsSuccessStatusCode: true } response) return;

        var original = await response.Content.ReadAsByteArrayAsync(context.HttpContext.RequestAborted);
        context.SuppressResponseBody = true;
        var body = original;
        try
        {
            if (JsonNode.Parse(original) is JsonObject document && AddTo(document)) body = JsonSerializer.SerializeToUtf8Bytes(document, PlatformJson.Options);
        }
        catch (JsonException)
        {
            // Not a JSON document (or compressed): pass it on as it came.
        }
        context.HttpContext.Response.ContentLength = body.Length;
        await context.HttpContext.Response.Body.WriteAsync(body, context.HttpContext.RequestAborted);
    }

    /// <summary>Adds the parameter; false when the document has no operations to add it to.</summary>
    public static bool AddTo(JsonObject document)
    {
        if (document["paths"] is not JsonObject paths) return false;

        var reference = $"#/components/parameters/{ParameterName}";
        var changed = false;
        foreach (var (_, item) in paths)
        {
            if (item is not JsonObject operations) continue;
            foreach (var method in Mutating)
            {
                if (operations[method] is not JsonObject operation) continue;
                if (operation["parameters"] is not JsonArray parameters) operation["parameters"] = parameters = [];
                if (parameters.Any(p => p?["$ref"]?.GetValue<string>() == reference || p?["name"]?.GetValue<string>() == ParameterName)) continue;
                parameters.Add(new JsonObject { ["$ref"] = reference });
                changed = true;
            }
        }
        if (!changed) return false;

        if (document["components"] is not JsonObject components) document["components"] = components = [];
        if (components["parameters"] is not JsonObject shared) components["parameters"] = shared = [];
        shared[ParameterName] = new JsonObject
        {
            ["name"] = ParameterName,
            ["in"] = "header",
            ["required"] = false,
            ["description"] =
                "Makes a retry safe (handled by the gateway, per tenant, route and method). The first request with a key " +
                "runs; a repeat with the same method, path, query and body gets its answer again with the header " +
                "Idempotent-Replayed: true (kept 24 h; 5xx answers are not kept). The same key with another request: 422; " +
                "while the first still runs: 409 with Retry-After. Up to 200 printable ASCII characters.",
            ["schema"] = new JsonObject { ["type"] = "string", ["maxLength"] = IdempotencyKeys.MaxKeyLength, ["pattern"] = "^[\\x20-\\x7E]+$" },
        };
        return true;
    }
}
