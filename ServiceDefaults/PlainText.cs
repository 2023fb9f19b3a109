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
