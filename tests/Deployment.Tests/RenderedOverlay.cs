using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Platform.Deployment.Tests;

/// <summary>A pod template of a rendered workload.</summary>
public sealed record PodTemplate(JsonObject Workload, JsonObject Template)
{
    public string Kind => Workload["kind"].Str()!;
    public string Name => Workload["metadata"]?["name"].Str()!;
    public Dictionary<string, string> Labels => Template["metadata"]?["labels"].StringMap() ?? [];
    public JsonObject Spec => Template["spec"]!.AsObject();
    public IEnumerable<JsonObject> Containers => Spec["containers"].Objects().Concat(Spec["initContainers"].Objects());
    public IEnumerable<JsonObject> MainContainers => Spec["containers"].Objects();

    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>A service of ours: a Deployment that names the project its image is built from.</summary>
public sealed record Deployable(JsonObject Deployment, PodTemplate Pod, string SourcePath)
{
    public const string SourceAnnotation = "medassist.io/source";

    public string Name => Pod.Name;
    public string ProjectName => Path.GetFileName(SourcePath);
    public string ProjectDirectory => Repository.PathOf(SourcePath.Split('/'));

    public override string ToString() => Name;
}

/// <summary>The output of <c>kubectl kustomize</c> for one overlay, parsed once per test run.</summary>
public sealed class RenderedOverlay
{
    private static readonly ConcurrentDictionary<string, Lazy<RenderedOverlay>> Cache = new();

    public string Name { get; }
    public IReadOnlyList<JsonObject> Objects { get; }

    private RenderedOverlay(string name, IReadOnlyList<JsonObject> objects) => (Name, Objects) = (name, objects);

    public static RenderedOverlay Of(string overlay) =>
        Cache.GetOrAdd(overlay, o => new Lazy<RenderedOverlay>(() => Render(o))).Value;

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => o["kind"].Str() == kind);

    public JsonObject? Find(string kind, string name) =>
        OfKind(kind).FirstOrDefault(o => o["metadata"]?["name"].Str() == name);

    public IEnumerable<PodTemplate> PodTemplates => Objects.Select(o => (o, template: o["kind"].Str() switch
        {
            "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" => o["spec"]?["template"],
            "CronJob" => o["spec"]?["jobTemplate"]?["spec"]?["template"],
            _ => null,
        }))
        .Where(x => x.template is JsonObject)
        .Select(x => new PodTemplate(x.o, x.template!.AsObject()));

    public IEnumerable<Deployable> Deployables => PodTemplates
        .Where(p => p.Kind == "Deployment")
        .Select(p => (p, source: p.Workload["metadata"]?["annotations"]?[Deployable.SourceAnnotation].Str()))
        .Where(x => x.source is not null)
        .Select(x => new Deployable(x.p.Workload, x.p, x.source!));

    public Deployable Gateway => Deployables.Single(d => d.ProjectName == "Gateway");

    /// <summary>Workloads whose pods a label selector (matchLabels only) selects.</summary>
    public IEnumerable<PodTemplate> Selected(Dictionary<string, string> selector) =>
        selector.Count == 0 ? [] : PodTemplates.Where(p => Matches(selector, p.Labels));

    public static bool Matches(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    private static RenderedOverlay Render(string overlay)
    {
        var path = Repository.PathOf("k8s", "overlays", overlay);
        var start = new ProcessStartInfo(Kubectl(), ["kustomize", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl kustomize {path} did not finish in a minute.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"kubectl kustomize {path} failed ({process.ExitCode}): {stderr.Result}");
        return new RenderedOverlay(overlay, Yaml.ReadDocuments(stdout.Result));
    }

    private static string Kubectl() =>
        Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } configured ? configured
        : (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists) ?? "/usr/bin/kubectl";
}
