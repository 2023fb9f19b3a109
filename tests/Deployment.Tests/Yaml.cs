using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Platform.Deployment.Tests;

/// <summary>Reads a multi-document YAML stream into JSON nodes, which are easier to walk than YamlDotNet's object graph.</summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static List<JsonObject> ReadDocuments(string yaml)
    {
        var documents = new List<JsonObject>();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (ToNode(Deserializer.Deserialize<object?>(parser)) is JsonObject document)
                documents.Add(document);
        }
        return documents;
    }

    // Untyped deserialisation gives every scalar as a string, so ports compare as "8080" whatever their YAML style.
    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(e =>
            KeyValuePair.Create(Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture)!, ToNode(e.Value)))),
        IList<object?> list => new JsonArray(list.Select(ToNode).ToArray()),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };
}

public static class JsonNodeExtensions
{
    public static string? Str(this JsonNode? node) => node is JsonValue v ? v.GetValue<string>() : null;

    public static IEnumerable<JsonObject> Objects(this JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonObject>() : [];

    public static IEnumerable<string> Strings(this JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n.Str()).OfType<string>() : [];

    public static Dictionary<string, string> StringMap(this JsonNode? node) =>
        node is JsonObject map
            ? map.Where(e => e.Value is JsonValue).ToDictionary(e => e.Key, e => e.Value.Str() ?? "")
            : [];
}
