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
    public static SortedSet<string> RequiredEnvironment(string projectDir)
    {
        var project = Read(projectDir);
        var libraries = ReferencedProjects(projectDir).Append(ServiceDefaultsDirectory).Distinct().Select(Read).ToList();
        var defaults = AppSettings(projectDir);

        var keys = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ConnectionStringsRead(project, libraries))
            keys.Add($"ConnectionStrings:{name}");
        foreach (var key in ServiceEndpointsRead(project, defaults))
            keys.Add(key);
        // Keys read by name, here or in a library every service uses (ServiceDefaults reads OTEL_EXPORTER_OTLP_ENDPOINT).
        foreach (var key in new[] { project }.Concat(libraries).SelectMany(ConfigurationKeysRead))
            if (!defaults.ContainsKey(key)) keys.Add(key);
        foreach (var key in RequiredOptions(project, libraries))
            if (!defaults.ContainsKey(key)) keys.Add(key);

        return new SortedSet<string>(keys.Select(k => k.Replace(":", "__")), StringComparer.OrdinalIgnoreCase);
    }

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
    private static IEnumerable<string> ServiceEndpointsRead(string project, IReadOnlyDictionary<string, string> appsettings)
    {
        foreach (Match m in ServiceEndpointKey().Matches(project))
            yield return $"services:{m.Groups["name"].Value}:{m.Groups["endpoint"].Value}:{m.Groups["index"].Value}";
        foreach (var (_, value) in appsettings)
            if (DiscoveryAddress().Match(value) is { Success: true } m)
                yield return $"services:{m.Groups["name"].Value}:http:0";
    }

    private static IEnumerable<string> ConfigurationKeysRead(string source) =>
        ConfigurationKey().Matches(source).Select(m => m.Groups["key"].Value)
            .Where(k => !k.StartsWith("services:", StringComparison.OrdinalIgnoreCase) &&
                        !k.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase));

    /// <summary>Options bound to a section whose members are <c>required</c> or <c>[Required]</c>.</summary>
    private static IEnumerable<string> RequiredOptions(string project, IReadOnlyList<string> libraries)
    {
        var all = string.Join('\n', libraries.Prepend(project));
        foreach (Match bind in BindSection().Matches(project))
        {
            var type = bind.Groups["type"].Value;
            var section = bind.Groups["section"].Value;
            var declaration = TypeDeclaration(type).Match(all);
            if (!declaration.Success) continue;
            var body = Body(all, declaration.Index + declaration.Length - 1);
            foreach (Match member in RequiredMember().Matches(body))
                yield return $"{section}:{member.Groups["name"].Value}";
            foreach (Match positional in RequiredPositional().Matches(declaration.Groups["parameters"].Value))
                yield return $"{section}:{positional.Groups["name"].Value}";
        }
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

    /// <summary>appsettings.json flattened to configuration keys (only values that are set).</summary>
    private static Dictionary<string, string> AppSettings(string projectDir)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var file = Path.Combine(projectDir, "appsettings.json");
        if (!File.Exists(file)) return result;
        var root = JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        Flatten(root, "", result);
        return result;
    }

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

    [GeneratedRegex("""GetConnectionString\(\s*(?:"(?<literal>[^"]+)"|(?<identifier>\w+))\s*\)""")]
    private static partial Regex GetConnectionString();

    [GeneratedRegex("""public\s+static\s+[\w<>\[\]?,\s]+?\s(?<method>\w+)\s*(?:<[^>]*>)?\s*\((?<parameters>[^)]*)\)""")]
    private static partial Regex PublicStaticMethod();

    private static Regex Call(string method) => new($"""\.{Regex.Escape(method)}\s*(?:<[^>]*>)?\(\s*(?:"(?<first>[^"]+)")?""");

    private static Regex StringParameter(string name) => new($"""string\??\s+{Regex.Escape(name)}\s*(?:=\s*"(?<default>[^"]*)")?""");

    private static Regex TypeDeclaration(string type) =>
        new($"""(?:class|record|struct)\s+{Regex.Escape(type)}\b(?:\s*\((?<parameters>[^)]*)\))?[^{{;]*\{{""");

    [GeneratedRegex("""(?:\[Required[^\]]*\]\s*public\s+[\w<>\[\]?]+\s+(?<name>\w+)|public\s+required\s+[\w<>\[\]?]+\s+(?<name>\w+))""")]
    private static partial Regex RequiredMember();

    [GeneratedRegex("""\[property:\s*Required[^\]]*\]\s*[\w<>\[\]?]+\s+(?<name>\w+)""")]
    private static partial Regex RequiredPositional();

    [GeneratedRegex("""(?:AddOptions<(?<type>\w+)>\(\)\s*\.BindConfiguration\(\s*"(?<section>[^"]+)"|Configure<(?<type>\w+)>\([^;]*?GetSection\(\s*"(?<section>[^"]+)"\s*\))""")]
    private static partial Regex BindSection();

    [GeneratedRegex("""(?:Configuration|config|configuration)\s*(?:\[\s*"(?<key>[^"]+)"\s*\]|\.GetValue<[^>]+>\(\s*"(?<key>[^"]+)"|\.GetRequiredValue(?:<[^>]+>)?\(\s*"(?<key>[^"]+)")""")]
    private static partial Regex ConfigurationKey();

    [GeneratedRegex("""["']services:(?<name>[\w-]+):(?<endpoint>[\w-]+):(?<index>\d+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex ServiceEndpointKey();

    [GeneratedRegex("""^(?:https\+)?http://(?<name>[a-z][a-z0-9-]*)/?$""")]
    private static partial Regex DiscoveryAddress();

    [GeneratedRegex("""MapHealthChecks\(\s*"(?<path>[^"]+)"""")]
    private static partial Regex MapHealthChecks();

    [GeneratedRegex("""<ProjectReference\s+Include="(?<path>[^"]+)"""")]
    private static partial Regex ProjectReference();
}
