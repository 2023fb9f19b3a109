using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Names the list a text field's values come from: the static field or property <paramref name="memberName"/> of
/// <paramref name="declaringType"/> (a <c>string[]</c>, set or other collection of strings), the same list the
/// handler validates with (<see cref="ValidationErrors.OneOf"/>). The OpenAPI documents then list those values as the
/// field's <c>enum</c> (see <see cref="AllowedValuesSchemaTransformer"/>), so a client learns them from the document,
/// not from a 400, and the list is kept in one place. On a list property it names the values of the list's elements.
/// Put it on a record's positional parameter with <c>[property: OneOf(...)]</c>, or on a handler's query parameter.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class OneOfAttribute(Type declaringType, string memberName) : Attribute
{
    public Type DeclaringType { get; } = declaringType;
    public string MemberName { get; } = memberName;

    private static readonly ConcurrentDictionary<(Type, string), IReadOnlyList<string>> Lists = new();

    /// <summary>The values, read from the named member (once: the lists are static and read-only).</summary>
    public IReadOnlyList<string> Values => Lists.GetOrAdd((DeclaringType, MemberName), static key =>
    {
        var (type, name) = key;
        const BindingFlags Static = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
        var value = type.GetField(name, Static)?.GetValue(null) ?? type.GetProperty(name, Static)?.GetValue(null)
            ?? throw new InvalidOperationException($"{type.FullName} has no static field or property {name}.");
        return value is IEnumerable<string> list
            ? list.ToArray()
            : throw new InvalidOperationException($"{type.FullName}.{name} is not a collection of strings.");
    });
}

/// <summary>
/// Gives every schema of a property or parameter marked <see cref="OneOfAttribute"/> its <c>enum</c> (on the elements of
/// a list). A field that may be null or left out (<c>type: [null, string]</c>) lists null among its values too, as JSON
/// Schema requires for null to stay valid.
/// </summary>
public sealed class AllowedValuesSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (Find(context) is not { } allowed) return Task.CompletedTask;
        var target = schema.Type is { } type && type.HasFlag(JsonSchemaType.Array) ? schema.Items as OpenApiSchema : schema;
        if (target is null || target.Type is not { } targetType || !targetType.HasFlag(JsonSchemaType.String)) return Task.CompletedTask;

        target.Enum = allowed.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();
        if (targetType.HasFlag(JsonSchemaType.Null)) target.Enum.Add(null!);
        return Task.CompletedTask;
    }

    private static OneOfAttribute? Find(OpenApiSchemaTransformerContext context)
    {
        if (context.JsonPropertyInfo?.AttributeProvider is { } property)
            return property.GetCustomAttributes(typeof(OneOfAttribute), inherit: true).OfType<OneOfAttribute>().FirstOrDefault();
        return (context.ParameterDescription?.ParameterDescriptor as IParameterInfoParameterDescriptor)?.ParameterInfo
            .GetCustomAttribute<OneOfAttribute>();
    }
}
