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

    /// <summary>
    /// The name of the values' schema in the API documents: the member's <see cref="EnumSchemaAttribute"/>, else the
    /// member's name in the singular (<c>Channels</c>: <c>Channel</c>), or the declaring type's for a member named
    /// <c>All</c> or <c>Codes</c> (<c>CaseStatuses.All</c>: <c>CaseStatus</c>).
    /// </summary>
    public string SchemaName
    {
        get
        {
            const BindingFlags Static = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
            var member = (MemberInfo?)DeclaringType.GetField(MemberName, Static) ?? DeclaringType.GetProperty(MemberName, Static);
            if (member?.GetCustomAttribute<EnumSchemaAttribute>() is { } named) return named.Name;
            return Singular(MemberName is "All" or "Codes" ? DeclaringType.Name : MemberName);
        }
    }

    private static string Singular(string name) =>
        name.EndsWith("ies", StringComparison.Ordinal) ? name[..^3] + "y"
        : name.EndsWith("sses", StringComparison.Ordinal) || name.EndsWith("uses", StringComparison.Ordinal) ? name[..^2]
        : name.EndsWith('s') ? name[..^1]
        : name;

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
/// Names the component schema of a list of values that <see cref="OneOfAttribute"/> points at, where the name taken by
/// default (the member's name in the singular, or the declaring type's for <c>All</c> and <c>Codes</c>) would not say
/// what the values are: <c>SettlementPlans.Kinds</c> is <c>PlanKind</c>, not <c>Kind</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class EnumSchemaAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// Lists the values of every property or parameter marked <see cref="OneOfAttribute"/> as an enum of its own in
/// <c>components.schemas</c>, named after the list (<see cref="EnumSchemaAttribute"/>), and points the field at it:
/// <c>"$ref"</c>, or <c>oneOf: [{type: null}, {$ref}]</c> for a field that may be null or left out (on the elements of a
/// list). That is how the framework describes a nullable object too, and what client generators read as one named,
/// nullable enum type: an inline <c>enum</c> with <c>null</c> among its values gives Kiota a member for null
/// ("openapi-json-null-sentinel-value-...") and a separate copy of the enum for every property.
/// The schema transformer marks the schemas; <see cref="TransformAsync(OpenApiDocument, OpenApiDocumentTransformerContext, CancellationToken)"/>
/// replaces them once the document is complete.
/// </summary>
public sealed class AllowedValuesSchemaTransformer : IOpenApiSchemaTransformer, IOpenApiDocumentTransformer
{
    private const string Marker = "platform:enum";

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (Find(context) is not { } allowed) return Task.CompletedTask;
        var target = schema.Type is { } type && type.HasFlag(JsonSchemaType.Array) ? schema.Items as OpenApiSchema : schema;
        if (target is null || target.Type is not { } targetType || !targetType.HasFlag(JsonSchemaType.String)) return Task.CompletedTask;

        // Valid on its own too, should a reader see the schema before the document transformer has run.
        target.Enum = allowed.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();
        if (targetType.HasFlag(JsonSchemaType.Null)) target.Enum.Add(null!);
        target.Metadata ??= new Dictionary<string, object>();
        target.Metadata[Marker] = allowed;
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var named = new Dictionary<string, OneOfAttribute>(StringComparer.Ordinal);

        IOpenApiSchema Replace(IOpenApiSchema schema)
        {
            if (schema is not OpenApiSchema inline) return schema;
            if (inline.Metadata?.TryGetValue(Marker, out var value) == true && value is OneOfAttribute allowed)
            {
                var name = allowed.SchemaName;
                if (named.TryGetValue(name, out var other) && !other.Values.SequenceEqual(allowed.Values))
                    throw new InvalidOperationException($"Two lists would be the enum schema '{name}' ({other.DeclaringType.Name}.{other.MemberName} " +
                        $"and {allowed.DeclaringType.Name}.{allowed.MemberName}): name one of them with [EnumSchema(\"...\")].");
                named[name] = allowed;
                var reference = new OpenApiSchemaReference(name, document);
                if (inline.Type is { } type && type.HasFlag(JsonSchemaType.Null))
                    return new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, reference], Description = inline.Description };
                if (inline.Description is not null) reference.Description = inline.Description;
                return reference;
            }
            Walk(inline);
            return inline;
        }

        void Walk(OpenApiSchema schema)
        {
            if (schema.Properties is { } properties)
                foreach (var key in properties.Keys.ToList()) properties[key] = Replace(properties[key]);
            if (schema.Items is { } items) schema.Items = Replace(items);
            if (schema.AdditionalProperties is { } values) schema.AdditionalProperties = Replace(values);
            foreach (var list in new[] { schema.OneOf, schema.AnyOf, schema.AllOf })
                if (list is not null)
                    for (var i = 0; i < list.Count; i++) list[i] = Replace(list[i]);
        }

        if (document.Components?.Schemas is { } components)
            foreach (var key in components.Keys.ToList()) components[key] = Replace(components[key]);
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
                if (parameter.Schema is { } schema) parameter.Schema = Replace(schema);
            foreach (var media in (operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>()).Values)
                if (media.Schema is { } schema) media.Schema = Replace(schema);
            foreach (var media in (operation.Responses ?? []).Values.SelectMany(r => r.Content?.Values ?? []))
                if (media.Schema is { } schema) media.Schema = Replace(schema);
        }

        if (named.Count == 0) return Task.CompletedTask;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, allowed) in named.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            if (document.Components.Schemas.ContainsKey(name))
                throw new InvalidOperationException($"The enum schema '{name}' ({allowed.DeclaringType.Name}.{allowed.MemberName}) has the name of " +
                    "another schema: name it with [EnumSchema(\"...\")].");
            document.Components.Schemas[name] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = allowed.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
            };
        }
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
