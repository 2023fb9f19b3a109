using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The rule for lists in request bodies: no null elements. <c>"steps": [null]</c> is never what a client meant, and a
/// handler that indexes the list would fail on it with a 500; so every list, array or read-only list property of
/// every request type is checked once the object holding it has been read, and a null answers 400 naming the element
/// (<c>steps[0]</c>, <c>plan.steps[2]</c>). System.Text.Json has no per-element hook for collections, so the check
/// sits on the holding object (a <see cref="JsonTypeInfo.OnDeserialized"/> callback added by a type-info modifier):
/// the serializer supplies the path to that object, the exception the rest.
/// </summary>
public static class NoNullElements
{
    public const string Rule = "The list contains a null element; leave it out or give its value.";

    internal static IServiceCollection AddNoNullElementsRule(this IServiceCollection services) =>
        // After every other configuration, so the rule wraps whatever resolvers (ours or the framework's) are chained.
        services.PostConfigure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolver =
            (o.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(Modify));

    /// <summary>Adds the check to every object type that has list properties of nullable elements.</summary>
    public static void Modify(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object) return;
        var lists = typeInfo.Properties
            .Where(p => p.Get is not null && HasNullableElements(p.PropertyType))
            .Select(p => (p.Name, Get: p.Get!))
            .ToArray();
        if (lists.Length == 0) return;

        var previous = typeInfo.OnDeserialized;
        typeInfo.OnDeserialized = obj =>
        {
            foreach (var (name, get) in lists)
                if (get(obj) is IEnumerable list && FirstNull(list) is { } at)
                    throw new NullElementException(name + at);
            previous?.Invoke(obj);
        };
    }

    /// <summary>Where the first null is, as a path suffix (<c>[2]</c>, or <c>[1][0]</c> in a list of lists).</summary>
    private static string? FirstNull(IEnumerable list)
    {
        var i = 0;
        foreach (var element in list)
        {
            if (element is null) return $"[{i}]";
            if (element is IEnumerable inner and not string && HasNullableElements(element.GetType()) && FirstNull(inner) is { } deeper)
                return $"[{i}]{deeper}";
            i++;
        }
        return null;
    }

    private static readonly ConcurrentDictionary<Type, bool> Checked = new();

    /// <summary>A list (not text, not a dictionary, not a JSON node) whose elements can be null.</summary>
    private static bool HasNullableElements(Type type) => Checked.GetOrAdd(type, static t =>
    {
        if (t == typeof(string) || typeof(JsonNode).IsAssignableFrom(t) || typeof(IDictionary).IsAssignableFrom(t)) return false;
        var enumerable = t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? t
            : t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (enumerable is null) return false;
        var element = enumerable.GetGenericArguments()[0];
        return !element.IsValueType || Nullable.GetUnderlyingType(element) is not null;
    });

    /// <summary>
    /// Thrown from the holding object's callback: the serializer then sets <see cref="JsonException.Path"/> to that
    /// object (<c>$</c>, <c>$.plan</c>, <c>$.items[3]</c>), and <see cref="Element"/> names the element below it.
    /// </summary>
    public sealed class NullElementException(string element) : JsonException(Rule)
    {
        public string Element { get; } = element;
    }
}
