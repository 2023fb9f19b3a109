using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Takes every property that may be null out of its schema's <c>required</c>. The framework lists every parameter of a
/// positional record as required, <c>string?</c> ones too, which tells a client it must send <c>"urgency": null</c>
/// rather than leave it out; the server reads an absent property as null, and generators of typed clients (Kiota,
/// TypeScript ones) would make such fields mandatory. What a request must contain is said by the validation's 400.
/// Runs on the finished document, when the text and enum transformers have said which properties are nullable.
/// </summary>
public sealed class OptionalNullablesDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var schema in (document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>()).Values.OfType<OpenApiSchema>())
        {
            if (schema.Required is not { Count: > 0 } required || schema.Properties is not { } properties) continue;
            foreach (var (name, property) in properties)
                if (MayBeNull(property)) required.Remove(name);
        }
        return Task.CompletedTask;
    }

    private static bool MayBeNull(IOpenApiSchema schema) =>
        schema.Type is { } type && type.HasFlag(JsonSchemaType.Null) ||
        schema.OneOf?.Any(s => s.Type == JsonSchemaType.Null) == true ||
        schema.AnyOf?.Any(s => s.Type == JsonSchemaType.Null) == true;
}
