using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Deployment.Tests;

/// <summary>
/// The settings a service's code reads, found in its sources rather than listed by hand, so a new connection string or
/// a new downstream service fails the deployment tests until the manifests provide it. Names are returned as
/// environment variables (<c>ConnectionStrings__intakedb</c>, <c>services__intake__http__0</c>, <c>Auth__Jwt__Issuer</c>).
/// </summary>
public static partial class SourceReads
{
    public static string ServiceDefaultsDirectory => Repository.PathOf("ServiceDefaults");

    /// <summary>Settings the process needs and does not get from its appsettings.json.</summary>
    public static SortedSet<string> RequiredEnvironment(string projectDir) => Settings(projectDir).Required;

    /// <summary>The settings a project's code reads.</summary>
    public static ServiceSettings Settings(string projectDir)
    {
        var project = Read(projectDir);
        var libraries = ReferencedProjects(projectDir).Append(ServiceDefaultsDirectory).Distinct().Select(Read).ToList();
        var appsettings = AppSettingsDocument(projectDir);
        var defaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Flatten(appsettings, "", defaults);

        var required = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ConnectionStringsRead(project, libraries))
            required.Add($"ConnectionStrings:{name}");
        foreach (var key in ServiceEndpointsRead(project, appsettings, defaults))
            required.Add(key);
        // Keys read by name (Configuration["x"], GetValue<T>("x", fallback)) are optional switches and tuning with a
        // fallback in code (OTEL_EXPORTER_OTLP_ENDPOINT, DevClock:Enabled, Coverage:Thresholds): a Deployment may set
        // them, and a misspelt one is still caught, but none is required.
        var optional = new[] { project }.Concat(libraries).SelectMany(ConfigurationKeysRead).ToList();
        var options = BoundOptions(project, libraries).ToList();
        foreach (var (key, hasDefault) in options)
            if (!hasDefault && !defaults.ContainsKey(key)) required.Add(key);

        return new ServiceSettings(
            new SortedSet<string>(required.Select(ToEnvironmentName), StringComparer.OrdinalIgnoreCase),
            required.Concat(optional).Concat(defaults.Keys).Concat(options.Select(o => o.Key)).Select(ToEnvironmentName).ToList());
    }

    private static string ToEnvironmentName(string key) => key.Replace(":", "__");

    /// <summary>Whether a project's code connects to the broker (calls the messaging library's <c>AddMessaging</c>).</summary>
    public static bool UsesMessaging(string projectDir) => Call("AddMessaging").IsMatch(Read(projectDir));

    /// <summary>The paths ServiceDefaults maps health checks on.</summary>
    public static IReadOnlySet<string> HealthEndpoints() =>
        MapHealthChecks().Matches(Read(ServiceDefaultsDirectory)).Select(m => m.Groups["path"].Value).ToHashSet();

    /// <summary>
    /// Connection strings read with a literal name (<c>GetConnectionString("x")</c>), and through library helpers: a
    /// helper that reads <c>GetConnectionString(name)</c> contributes the name its caller passes (or the parameter's
    /// default), one that reads a literal contributes that literal whenever it is called.
    /// </summary>
    private static IEnumerable<string> ConnectionStringsRead(string project, IReadOnlyList<string> libraries)
    {
        foreach (Match m in GetConnectionString().Matches(project))
            if (m.Groups["literal"].Success) yield return m.Groups["literal"].Value;

        foreach (var library in libraries)
        foreach (Match read in GetConnectionString().Matches(library))
        {
            var helper = PublicStaticMethod().Matches(library[..read.Index]).LastOrDefault();
            if (helper is null) continue;
            var method = helper.Groups["method"].Value;
            var calls = Call(method).Matches(project);
            if (calls.Count == 0) continue;

            if (read.Groups["literal"].Success)
            {
                yield return read.Groups["literal"].Value;
                continue;
            }
            var parameter = StringParameter(read.Groups["identifier"].Value).Match(helper.Groups["parameters"].Value);
            foreach (Match call in calls)
            {
                if (call.Groups["first"].Success) yield return call.Groups["first"].Value;
                else if (parameter.Groups["default"].Success) yield return parameter.Groups["default"].Value;
            }
        }
    }

    /// <summary>
    /// Downstream services resolved through service discovery: <c>services:{name}:{endpoint}:{index}</c> read in code, and
    /// proxy destinations written as <c>http://{name}</c> (a bare host name is a service-discovery name, not an address).
    /// </summary>
    private static IEnumerable<string> ServiceEndpointsRead(string project, JsonNode? appsettings, IReadOnlyDictionary<string, string> flat)
    {
        foreach (Match m in ServiceEndpointKey().Matches(project))
            yield return $"services:{m.Groups["name"].Value}:{m.Groups["endpoint"].Value}:{m.Groups["index"].Value}";
        foreach (var (_, value) in flat)
            if (DiscoveryAddress().Match(value) is { Success: true } m)
                yield return $"services:{m.Groups["name"].Value}:http:0";

        // The gateway's proxy clusters without destinations take their address from services:{cluster}:{endpoint}:{index}.
        if (ServiceEndpointTemplate().Match(project) is { Success: true } template &&
            appsettings?["ReverseProxy"]?["Clusters"] is JsonObject clusters)
        {
            foreach (var (cluster, config) in clusters)
                if (config?["Destinations"] is not JsonObject { Count: > 0 })
                    yield return $"services:{cluster}:{template.Groups["endpoint"].Value}:{template.Groups["index"].Value}";
        }
    }

    private static IEnumerable<string> ConfigurationKeysRead(string source) =>
        ConfigurationKey().Matches(source).Select(m => m.Groups["key"].Value)
            .Where(k => !k.StartsWith("services:", StringComparison.OrdinalIgnoreCase) &&
                        !k.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Members of options bound to a configuration section, and whether the type gives them a default (an initialiser).
    /// Whether appsettings.json supplies them is decided by the caller.
    /// </summary>
    private static IEnumerable<(string Key, bool HasDefault)> BoundOptions(string project, IReadOnlyList<string> libraries)
    {
        var all = string.Join('\n', libraries.Prepend(project));
        // Bound in the project, or in a library helper the project calls (AddGatewayIdentity binds the stamp's secret).
        var binds = BindSection().Matches(project).ToList();
        foreach (var library in libraries)
        foreach (Match bind in BindSection().Matches(library))
            if (PublicStaticMethod().Matches(library[..bind.Index]).LastOrDefault() is { } helper && Call(helper.Groups["method"].Value).IsMatch(project))
                binds.Add(bind);
        foreach (var bind in binds)
        {
            var type = bind.Groups["type"].Value;
            var body = TypeBody(all, type, out var positionalParameters);
            if (body is null) continue;

            var section = bind.Groups["section"].Success
                ? bind.Groups["section"].Value
                : TypeBody(all, bind.Groups["owner"].Value, out _) is { } owner &&
                  StringConstant(bind.Groups["constant"].Value).Match(owner) is { Success: true } constant
                    ? constant.Groups["value"].Value
                    : null;
            if (section is null) continue;

            // An option is required when it says so ([Required] or the required keyword); the rest have defaults in code.
            foreach (Match member in AutoProperty().Matches(body))
                yield return ($"{section}:{member.Groups["name"].Value}",
                    !(member.Groups["required"].Success || member.Groups["attributes"].Value.Contains("Required")));
            foreach (Match positional in PositionalParameter().Matches(positionalParameters ?? ""))
                yield return ($"{section}:{positional.Groups["name"].Value}", positional.Groups["default"].Success);
        }
    }

    private static string? TypeBody(string source, string type, out string? positionalParameters)
    {
        var declaration = TypeDeclaration(type).Match(source);
        positionalParameters = declaration.Groups["parameters"].Value;
        return declaration.Success ? Body(source, declaration.Index + declaration.Length - 1) : null;
    }

    private static string Body(string text, int openBrace)
    {
        var depth = 0;
        for (var i = openBrace; i < text.Length; i++)
        {
            if (text[i] == '{') depth++;
            else if (text[i] == '}' && --depth == 0) return text[openBrace..(i + 1)];
        }
        return text[openBrace..];
    }

    private static string Read(string projectDir) =>
        string.Join('\n', Repository.SourceFiles(projectDir).Select(File.ReadAllText));

    private static IEnumerable<string> ReferencedProjects(string projectDir)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(projectDir)]);
        while (pending.TryPop(out var dir))
        {
            foreach (var csproj in Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*.csproj") : [])
            foreach (Match m in ProjectReference().Matches(File.ReadAllText(csproj)))
            {
                var referenced = Path.GetDirectoryName(Path.GetFullPath(Path.Combine(dir, m.Groups["path"].Value.Replace('\\', '/'))))!;
                if (seen.Add(referenced)) pending.Push(referenced);
            }
        }
        return seen;
    }

    /// <summary>appsettings.json: what every environment gets (appsettings.Development.json is not loaded in a pod).</summary>
    private static JsonNode? AppSettingsDocument(string projectDir)
    {
        var file = Path.Combine(projectDir, "appsettings.json");
        return File.Exists(file)
            ? JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            })
            : null;
    }

    /// <summary>Flattens configuration to keys, keeping only values that are set.</summary>

    private static void Flatten(JsonNode? node, string prefix, Dictionary<string, string> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj) Flatten(value, prefix.Length == 0 ? key : $"{prefix}:{key}", into);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Flatten(array[i], $"{prefix}:{i}", into);
                break;
            case JsonValue value when value.ToString() is { Length: > 0 } text:
                into[prefix] = text;
                break;
        }
    }

    // Aspire's client integrations (AddNpgsqlDataSource, AddRedisClient) read ConnectionStrings:{their first argument}.
    [GeneratedRegex("""(?:GetConnectionString|AddNpgsqlDataSource|AddRedisClient)\(\s*(?:"(?<literal>[^"]+)"|(?<identifier>\w+))\s*[,)]""")]
    private static partial Regex GetConnectionString();

    [GeneratedRegex("""public\s+static\s+[\w<>\[\]?,\s]+?\s(?<method>\w+)\s*(?:<[^>]*>)?\s*\((?<parameters>[^)]*)\)""")]
    private static partial Regex PublicStaticMethod();

    private static Regex Call(string method) => new($"""\.{Regex.Escape(method)}\s*(?:<[^>]*>)?\(\s*(?:"(?<first>[^"]+)")?""");

    private static Regex StringParameter(string name) => new($"""string\??\s+{Regex.Escape(name)}\s*(?:=\s*"(?<default>[^"]*)")?""");

    private static Regex TypeDeclaration(string type) =>
        new($$"""(?:class|record|struct)\s+{{Regex.Escape(type)}}\b(?:\s*\((?<parameters>[^)]*)\))?[^{;]*\{""");

    [GeneratedRegex("""(?<attributes>(?:\[[^\]]*\]\s*)*)public\s+(?<required>required\s+)?[\w<>\[\]?,. ]+?\s+(?<name>\w+)\s*\{\s*get;\s*(?:set|init);\s*\}""")]
    private static partial Regex AutoProperty();

    private static Regex StringConstant(string name) => new($"""const\s+string\s+{Regex.Escape(name)}\s*=\s*"(?<value>[^"]*)""");

    [GeneratedRegex("""(?:\[[^\]]*\]\s*)*[\w<>\[\]?.]+\s+(?<name>\w+)\s*(?<default>=[^,]*)?(?:,|$)""")]
    private static partial Regex PositionalParameter();

    // AddOptions<T>().BindConfiguration("S"), Configure<T>(... GetSection("S")), and GetSection("S").Get<T>().
    [GeneratedRegex("""(?:AddOptions<(?<type>\w+)>\(\)\s*\.BindConfiguration\(|Configure<(?<type>\w+)>\([^;]*?GetSection\()\s*(?:"(?<section>[^"]+)"|(?<owner>\w+)\.(?<constant>\w+))|GetSection\(\s*"(?<section>[^"]+)"\s*\)\s*\.Get<(?<type>\w+)>\(""")]
    private static partial Regex BindSection();

    [GeneratedRegex("""(?:Configuration|config|configuration)\s*(?:\[\s*"(?<key>[^"]+)"\s*\]|\.GetValue<[^>]+>\(\s*"(?<key>[^"]+)"|\.GetRequiredValue(?:<[^>]+>)?\(\s*"(?<key>[^"]+)")""")]
    private static partial Regex ConfigurationKey();

    [GeneratedRegex("""["']services:(?<name>[\w-]+):(?<endpoint>[\w-]+):(?<index>\d+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex ServiceEndpointKey();

    [GeneratedRegex(@"\$""services:\{[^}]+\}:(?<endpoint>[\w-]+):(?<index>\d+)""")]
    private static partial Regex ServiceEndpointTemplate();

    [GeneratedRegex("""^(?:https\+)?http://(?<name>[a-z][a-z0-9-]*)/?$""")]
    private static partial Regex DiscoveryAddress();

    [GeneratedRegex(@"MapHealthChecks\(\s*""(?<path>[^""]+)""")]
    private static partial Regex MapHealthChecks();

    [GeneratedRegex(@"<ProjectReference\s+Include=""(?<path>[^""]+)""")]
    private static partial Regex ProjectReference();
}

/// <summary>What a service reads: settings it cannot start without, and every key it knows (to catch misspelt ones).</summary>
public sealed record ServiceSettings(SortedSet<string> Required, IReadOnlyList<string> Known)
{
    /// <summary>Whether the code reads an environment variable: a known key, or a key inside a known section or dictionary.</summary>
    public bool Reads(string environmentName) =>
        Known.Any(k => environmentName.Equals(k, StringComparison.OrdinalIgnoreCase) ||
                       environmentName.StartsWith(k + "__", StringComparison.OrdinalIgnoreCase));
}
