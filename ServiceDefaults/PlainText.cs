using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one rule for text the platform accepts: no control characters but tab, line feed and carriage return.
/// PostgreSQL refuses NUL in text (22021), and nothing a person writes needs the others, so they are refused at the
/// door, with a problem naming the field, for every JSON body (a converter of all strings), every query parameter
/// (a middleware) and the readers of files (CSV registers, upload names).
/// </summary>
public static class PlainText
{
    public const string Rule = "The value contains a control character (such as NUL); only tab and line breaks are allowed.";

    public static bool HasControlCharacters(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c == '\u007f') return true;
        return false;
    }

    internal static IServiceCollection AddPlainTextRule(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new Converter()));

    /// <summary>Query parameters (route values are checked by Kestrel, which refuses control characters in paths).</summary>
    internal static IApplicationBuilder UsePlainTextRule(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var errors = context.Request.Query
            .Where(q => q.Value.Any(v => v is not null && HasControlCharacters(v)))
            .ToDictionary(q => q.Key, _ => new[] { Rule });
        if (errors.Count == 0)
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new HttpValidationProblemDetails(errors)
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more query parameters are invalid.",
                Type = ProblemTypes.Validation,
            },
        });
    });

    /// <summary>Every string of every JSON body; the serializer adds the field's path to the error.</summary>
    internal sealed class Converter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.GetString();
            return value is not null && HasControlCharacters(value) ? throw new ControlCharacterException() : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    public sealed class ControlCharacterException() : JsonException(Rule);
}

/// <summary>
/// Gives text its schema back. The converter of <see cref="PlainText"/> is custom, and a custom converter's output
/// cannot be described by the framework, so every string would be documented as <c>{}</c> (anything) and every list
/// or map of strings without its element type. Strings are <c>type: string</c> (with <c>null</c> where the property
/// is nullable), lists of them have string <c>items</c>, maps of them string <c>additionalProperties</c>.
/// </summary>
public sealed class TextSchemaTransformer : Microsoft.AspNetCore.OpenApi.IOpenApiSchemaTransformer
{
    private static readonly System.Reflection.NullabilityInfoContext Nullability = new();

    public Task TransformAsync(Microsoft.OpenApi.OpenApiSchema schema, Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context,
        CancellationToken cancellationToken)
    {
        var info = context.JsonTypeInfo;
        if (info.Type == typeof(string) && schema.Type is null && schema.OneOf is null && schema.AnyOf is null && schema.AllOf is null)
        {
            schema.Type = Microsoft.OpenApi.JsonSchemaType.String;
            if (IsNullable(context)) schema.Type |= Microsoft.OpenApi.JsonSchemaType.Null;
        }
        else if (info.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable && info.ElementType == typeof(string) &&
                 schema.Items is null)
        {
            schema.Items = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String };
        }
        else if (info.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary && info.ElementType == typeof(string) &&
                 schema.AdditionalProperties is null)
        {
            schema.AdditionalProperties = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String };
        }
        return Task.CompletedTask;
    }

    /// <summary>A property annotated <c>string?</c> may be null; a query or route parameter is text or absent, never null.</summary>
    private static bool IsNullable(Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context) =>
        context.JsonPropertyInfo is { } property && (property.IsGetNullable || property.IsSetNullable);
}
