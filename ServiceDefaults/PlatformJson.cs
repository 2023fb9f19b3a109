using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The platform's one JSON configuration: API answers, problem documents, webhook bodies, timeline data, outbox messages
/// and anything else the platform writes as JSON. Web defaults (camelCase, case-insensitive reading), and:
/// <list type="bullet">
/// <item>Text as it is: Cyrillic, <c>+</c> in phone numbers, quotes and ampersands are written as UTF-8, not as
/// <c>\u0417</c> or <c>\u002B</c>. <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> escapes only what JSON
/// itself requires (quotes, backslashes, control characters); <c>JavaScriptEncoder.Create(UnicodeRanges.All)</c> would
/// still escape <c>+ &lt; &gt; &amp; '</c> and backticks, which matter only when JSON is pasted into an HTML page. Ours
/// is served as application/json (and sent to webhook endpoints as such), never inlined into HTML, so that
/// "unsafe" does not apply.</item>
/// <item>Numbers are JSON numbers: strings such as <c>"12.5"</c> are refused where a number is expected (the web
/// defaults accept them, and then the OpenAPI documents type every number as <c>["number","string"]</c> with a
/// pattern, which no client should have to code against).</item>
/// </list>
/// The HTTP options add the input rules of requests on top (<see cref="PlainText"/>, <see cref="NoNullElements"/>).
/// </summary>
public static class PlatformJson
{
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>For serialising outside the HTTP pipeline: webhook bodies, stored JSON, messages. Read-only.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the platform's settings to <paramref name="options"/> (the HTTP options, a test client's).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.Encoder = Encoder;
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }

    private static JsonSerializerOptions Create()
    {
        var options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    internal static IServiceCollection AddPlatformJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => Apply(o.SerializerOptions));
}
