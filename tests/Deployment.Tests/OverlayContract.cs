using System.Text.Json.Nodes;

namespace Platform.Deployment.Tests;

/// <summary>What every overlay must satisfy; each overlay's test class adds what is particular to it.</summary>
public abstract class OverlayContract(string overlay)
{
    public const string Namespace = "medassist";
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    protected RenderedOverlay Rendered { get; } = RenderedOverlay.Of(overlay);

    /// <summary>Whether a secret and key referenced by a workload will exist when the overlay is applied.</summary>
    protected abstract bool SecretWillExist(string name, string? key);

    /// <summary>The keys of a secret a workload imports whole (envFrom), as far as the overlay knows them.</summary>
    protected abstract IEnumerable<string> SecretKeys(string name);

    [Fact]
    public void Renders_the_gateway_and_every_service_at_least()
    {
        Assert.Superset(new HashSet<string> { "gateway", "intake", "cases", "clinics", "billing", "repatriation", "oms", "console" }, Rendered.Deployables.Select(d => d.Name).ToHashSet());
    }

    [Fact]
    public void Every_deployable_is_built_from_a_project_the_Dockerfile_can_publish()
    {
        foreach (var deployable in Rendered.Deployables)
        {
            // The Dockerfile publishes src/$SERVICE/$SERVICE.csproj and runs $SERVICE.dll.
            var csproj = Path.Combine(deployable.ProjectDirectory, deployable.ProjectName + ".csproj");
            Assert.True(File.Exists(csproj), $"{deployable}: {csproj} does not exist.");
            var assemblyName = System.Xml.Linq.XDocument.Load(csproj).Descendants("AssemblyName").FirstOrDefault()?.Value;
            Assert.True(assemblyName is null || assemblyName == deployable.ProjectName,
                $"{deployable}: assembly {assemblyName}.dll is not the {deployable.ProjectName}.dll the Dockerfile starts.");
        }
    }

    [Fact]
    public void Every_web_project_under_src_is_deployed()
    {
        var web = Directory.EnumerateDirectories(Repository.PathOf("src"))
            .Where(dir => Directory.EnumerateFiles(dir, "*.csproj").Any(f => File.ReadAllText(f).Contains("Microsoft.NET.Sdk.Web")))
            .Select(dir => "src/" + Path.GetFileName(dir))
            .ToHashSet();
        Assert.Subset(Rendered.Deployables.Select(d => d.SourcePath).ToHashSet(), web);
    }

    [Fact]
    public void Probes_use_the_health_endpoints_the_services_serve()
    {
        Assert.Superset(new HashSet<string> { LivePath, ReadyPath }, SourceReads.HealthEndpoints().ToHashSet());

        foreach (var deployable in Rendered.Deployables)
        foreach (var container in deployable.Pod.MainContainers)
        {
            var where = $"{deployable}/{container["name"].Str()}";
            var httpPorts = Env(container, "ASPNETCORE_HTTP_PORTS");
            Assert.True(httpPorts is not null, $"{where}: ASPNETCORE_HTTP_PORTS is not set.");

            foreach (var (probe, path) in new[] { ("livenessProbe", LivePath), ("readinessProbe", ReadyPath), ("startupProbe", LivePath) })
            {
                var httpGet = container[probe]?["httpGet"];
                Assert.True(httpGet is not null, $"{where}: no HTTP {probe}.");
                Assert.Equal(path, httpGet["path"].Str());

                var port = ResolvePort(container, httpGet["port"].Str());
                Assert.True(port is not null, $"{where}: {probe} port {httpGet["port"].Str()} is not a declared container port.");
                Assert.Equal(httpPorts, port);
            }
        }
    }

    [Fact]
    public void Services_target_a_port_the_pods_they_select_declare()
    {
        foreach (var service in Rendered.OfKind("Service"))
        {
            var name = service["metadata"]?["name"].Str();
            var selected = Rendered.Selected(service["spec"]?["selector"].StringMap() ?? []).ToList();
            Assert.True(selected.Count > 0, $"Service {name} selects no pods.");

            foreach (var port in service["spec"]?["ports"].Objects() ?? [])
            {
                var target = port["targetPort"].Str() ?? port["port"].Str();
                foreach (var pod in selected)
                    Assert.True(pod.MainContainers.Any(c => ResolvePort(c, target) is not null),
                        $"Service {name} targets port {target}, which {pod} does not declare.");
            }
        }
    }

    [Fact]
    public void Each_deployable_gets_every_setting_its_code_reads()
    {
        foreach (var deployable in Rendered.Deployables)
        {
            var expected = SourceReads.RequiredEnvironment(deployable.ProjectDirectory);
            // Guard against a scan that silently finds nothing: every service owns a database.
            Assert.True(expected.Any(e => e.StartsWith("ConnectionStrings__", StringComparison.Ordinal)),
                $"Found no connection string read by {deployable.SourcePath}; found only {string.Join(", ", expected)}.");

            var container = deployable.Pod.MainContainers.Single();
            var provided = EnvironmentNames(container);
            var missing = expected.Where(e => !provided.Contains(e)).ToList();
            Assert.True(missing.Count == 0, $"{deployable} reads {string.Join(", ", missing)}, which its Deployment does not set.");
            // Set, but to nothing (a config map key left empty): the service would refuse to start all the same.
            var empty = expected.Where(e => EnvValue(container, e) is "").ToList();
            Assert.True(empty.Count == 0, $"{deployable} needs {string.Join(", ", empty)}, which its Deployment sets empty.");
            Assert.Contains("OTEL_SERVICE_NAME", provided);
        }
    }

    [Fact]
    public void Each_setting_a_deployable_gets_is_one_its_code_reads()
    {
        foreach (var deployable in Rendered.Deployables)
        {
            var settings = SourceReads.Settings(deployable.ProjectDirectory);
            // Configuration keys are the names with a section separator; the rest (ASPNETCORE_*, OTEL_*) are read by the
            // runtime and the OpenTelemetry SDK.
            var unread = EnvironmentNames(deployable.Pod.MainContainers.Single())
                .Where(name => name.Contains("__", StringComparison.Ordinal) && !settings.Reads(name))
                .Order()
                .ToList();
            Assert.True(unread.Count == 0, $"{deployable} is given {string.Join(", ", unread)}, which its code does not read (a typo?).");
        }
    }

    [Fact]
    public void Connection_strings_and_signing_keys_come_from_secrets()
    {
        foreach (var deployable in Rendered.Deployables)
        foreach (var env in deployable.Pod.MainContainers.SelectMany(c => c["env"].Objects()))
        {
            var name = env["name"].Str()!;
            if (!name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) &&
                !name.Contains("SigningKey", StringComparison.OrdinalIgnoreCase) &&
                !name.Contains("Password", StringComparison.OrdinalIgnoreCase)) continue;
            Assert.True(env["valueFrom"]?["secretKeyRef"] is not null, $"{deployable}: {name} is not read from a Secret.");
        }
    }

    [Fact]
    public void Every_secret_and_config_map_reference_resolves()
    {
        foreach (var pod in Rendered.PodTemplates)
        {
            foreach (var container in pod.Containers)
            {
                foreach (var env in container["env"].Objects())
                {
                    if (env["valueFrom"]?["secretKeyRef"] is JsonObject secret)
                        Assert.True(SecretWillExist(secret["name"].Str()!, secret["key"].Str()),
                            $"{pod}: {env["name"].Str()} refers to secret {secret["name"].Str()} key {secret["key"].Str()}, which will not exist.");
                    if (env["valueFrom"]?["configMapKeyRef"] is JsonObject config)
                        Assert.True(ConfigMapHas(config["name"].Str()!, config["key"].Str()),
                            $"{pod}: {env["name"].Str()} refers to config map {config["name"].Str()} key {config["key"].Str()}, which is not rendered.");
                }
                foreach (var from in container["envFrom"].Objects())
                {
                    if (from["secretRef"]?["name"].Str() is { } secretName)
                        Assert.True(SecretWillExist(secretName, null), $"{pod}: envFrom secret {secretName} will not exist.");
                    if (from["configMapRef"]?["name"].Str() is { } configName)
                        Assert.True(ConfigMapHas(configName, null), $"{pod}: envFrom config map {configName} is not rendered.");
                }
            }
            foreach (var volume in pod.Spec["volumes"].Objects())
            {
                if (volume["secret"]?["secretName"].Str() is { } secretName)
                    Assert.True(SecretWillExist(secretName, null), $"{pod}: volume secret {secretName} will not exist.");
                if (volume["configMap"]?["name"].Str() is { } configName)
                    Assert.True(ConfigMapHas(configName, null), $"{pod}: volume config map {configName} is not rendered.");
            }
        }
        foreach (var ingress in Rendered.OfKind("Ingress"))
        foreach (var tls in ingress["spec"]?["tls"].Objects() ?? [])
            if (tls["secretName"].Str() is { } secretName)
                Assert.True(SecretWillExist(secretName, null), $"Ingress TLS secret {secretName} will not exist.");
    }

    [Fact]
    public void Gateway_scales_on_CPU_through_a_HorizontalPodAutoscaler()
    {
        var gateway = Rendered.Gateway;
        var hpa = Assert.Single(Rendered.OfKind("HorizontalPodAutoscaler"),
            h => h["spec"]?["scaleTargetRef"]?["kind"].Str() == "Deployment" &&
                 h["spec"]?["scaleTargetRef"]?["name"].Str() == gateway.Name);
        Assert.Equal("autoscaling/v2", hpa["apiVersion"].Str());
        Assert.Contains(hpa["spec"]?["metrics"].Objects() ?? [],
            m => m["type"].Str() == "Resource" && m["resource"]?["name"].Str() == "cpu");
        Assert.True(int.Parse(hpa["spec"]!["minReplicas"].Str()!) <= int.Parse(hpa["spec"]!["maxReplicas"].Str()!));
        // The HPA owns the replica count: a replicas field would reset it on every apply.
        Assert.Null(gateway.Deployment["spec"]?["replicas"]);
    }

    [Fact]
    public void Every_container_requests_cpu_and_memory_and_has_a_memory_limit()
    {
        foreach (var pod in Rendered.PodTemplates)
        foreach (var container in pod.Containers)
        {
            var resources = container["resources"];
            var where = $"{pod}/{container["name"].Str()}";
            Assert.True(resources?["requests"]?["cpu"] is not null, $"{where} requests no CPU.");
            Assert.True(resources?["requests"]?["memory"] is not null, $"{where} requests no memory.");
            Assert.True(resources?["limits"]?["memory"] is not null, $"{where} has no memory limit.");
        }
    }

    [Fact]
    public void Deployables_run_as_non_root_on_a_read_only_root_without_capabilities()
    {
        foreach (var deployable in Rendered.Deployables)
        foreach (var container in deployable.Pod.MainContainers)
        {
            var where = $"{deployable}/{container["name"].Str()}";
            var context = container["securityContext"];
            Assert.True(context?["runAsNonRoot"].Str() == "true" || deployable.Pod.Spec["securityContext"]?["runAsNonRoot"].Str() == "true",
                $"{where} may run as root.");
            Assert.True(context?["readOnlyRootFilesystem"].Str() == "true", $"{where} has a writable root file system.");
            Assert.True(context?["allowPrivilegeEscalation"].Str() == "false", $"{where} allows privilege escalation.");
            Assert.Contains("ALL", context?["capabilities"]?["drop"].Strings() ?? []);

            var tmp = Assert.Single(container["volumeMounts"].Objects(), m => m["mountPath"].Str() == "/tmp");
            Assert.Contains(deployable.Pod.Spec["volumes"].Objects(),
                v => v["name"].Str() == tmp["name"].Str() && v["emptyDir"] is not null);
        }
    }

    [Fact]
    public void Only_the_gateway_can_reach_the_internal_services()
    {
        var gateway = Rendered.Gateway;
        foreach (var service in Rendered.Deployables.Where(d => d != gateway))
        {
            var policies = Rendered.OfKind("NetworkPolicy")
                .Where(p => RenderedOverlay.Matches(p["spec"]?["podSelector"]?["matchLabels"].StringMap() ?? [], service.Pod.Labels))
                .ToList();
            Assert.Contains(policies, p => p["spec"]?["policyTypes"].Strings().Contains("Ingress") == true);

            foreach (var rule in policies.SelectMany(p => p["spec"]?["ingress"].Objects() ?? []))
            {
                var peers = rule["from"].Objects().ToList();
                Assert.True(peers.Count > 0, $"A policy lets anything reach {service}.");
                foreach (var peer in peers)
                {
                    Assert.True(peer["namespaceSelector"] is null && peer["ipBlock"] is null,
                        $"A policy lets other namespaces or addresses reach {service}.");
                    var selector = peer["podSelector"]?["matchLabels"].StringMap() ?? [];
                    var reached = Rendered.Selected(selector).ToList();
                    Assert.True(reached.Count > 0 && reached.All(p => p.Workload == gateway.Deployment),
                        $"A policy lets {string.Join(", ", reached)} reach {service}, not only the gateway.");
                }
                var ports = rule["ports"].Objects().ToList();
                Assert.True(ports.Count > 0, $"A policy opens every port of {service}.");
                foreach (var port in ports)
                    Assert.Equal(Env(service.Pod.MainContainers.Single(), "ASPNETCORE_HTTP_PORTS"),
                        ResolvePort(service.Pod.MainContainers.Single(), port["port"].Str()));
            }
        }
    }

    [Fact]
    public void Only_the_gateway_is_exposed_outside_the_cluster()
    {
        var gateway = Rendered.Gateway;
        foreach (var service in Rendered.OfKind("Service").Where(s => s["spec"]?["type"].Str() is "LoadBalancer" or "NodePort"))
            Assert.All(Rendered.Selected(service["spec"]?["selector"].StringMap() ?? []), p => Assert.Same(gateway.Deployment, p.Workload));

        foreach (var ingress in Rendered.OfKind("Ingress"))
        {
            var backends = (ingress["spec"]?["rules"].Objects() ?? [])
                .SelectMany(r => r["http"]?["paths"].Objects() ?? [])
                .Select(p => p["backend"]?["service"]?["name"].Str())
                .Append(ingress["spec"]?["defaultBackend"]?["service"]?["name"].Str())
                .OfType<string>();
            foreach (var backend in backends)
            {
                var service = Rendered.Find("Service", backend);
                Assert.True(service is not null, $"Ingress backend {backend} is not a rendered Service.");
                Assert.All(Rendered.Selected(service["spec"]?["selector"].StringMap() ?? []), p => Assert.Same(gateway.Deployment, p.Workload));
            }
        }
    }

    [Fact]
    public void Every_deployable_has_a_disruption_budget()
    {
        foreach (var deployable in Rendered.Deployables)
            Assert.Contains(Rendered.OfKind("PodDisruptionBudget"),
                b => RenderedOverlay.Matches(b["spec"]?["selector"]?["matchLabels"].StringMap() ?? [], deployable.Pod.Labels));
    }

    [Fact]
    public void Everything_lives_in_the_medassist_namespace()
    {
        Assert.NotNull(Rendered.Find("Namespace", Namespace));
        foreach (var obj in Rendered.Objects.Where(o => o["kind"].Str() is not ("Namespace" or "ClusterRole" or "ClusterRoleBinding")))
            Assert.True(obj["metadata"]?["namespace"].Str() == Namespace,
                $"{obj["kind"].Str()}/{obj["metadata"]?["name"].Str()} is not in {Namespace}.");
    }

    protected IEnumerable<string> RenderedSecretKeys(string name) =>
        Rendered.Find("Secret", name) is { } secret
            ? secret["data"].StringMap().Keys.Concat(secret["stringData"].StringMap().Keys)
            : [];

    private bool ConfigMapHas(string name, string? key) =>
        Rendered.Find("ConfigMap", name) is { } map &&
        (key is null || map["data"].StringMap().ContainsKey(key) || map["binaryData"].StringMap().ContainsKey(key));

    private HashSet<string> EnvironmentNames(JsonObject container)
    {
        var names = new HashSet<string>(container["env"].Objects().Select(e => e["name"].Str()!), StringComparer.OrdinalIgnoreCase);
        foreach (var from in container["envFrom"].Objects())
        {
            var prefix = from["prefix"].Str() ?? "";
            if (from["configMapRef"]?["name"].Str() is { } map)
                names.UnionWith(Rendered.Find("ConfigMap", map)?["data"].StringMap().Keys.Select(k => prefix + k) ?? []);
            if (from["secretRef"]?["name"].Str() is { } secret)
                names.UnionWith(SecretKeys(secret).Select(k => prefix + k));
        }
        return names;
    }

    protected static string? Env(JsonObject container, string name) =>
        container["env"].Objects().FirstOrDefault(e => e["name"].Str() == name)?["value"].Str();

    /// <summary>The value a container gets for <paramref name="name"/>: given inline or taken from a rendered config map.</summary>
    protected string? EnvValue(JsonObject container, string name)
    {
        var env = container["env"].Objects().FirstOrDefault(e => e["name"].Str() == name);
        if (env?["valueFrom"]?["configMapKeyRef"] is JsonObject reference)
            return Rendered.Find("ConfigMap", reference["name"].Str()!)?["data"].StringMap().GetValueOrDefault(reference["key"].Str()!);
        return env?["value"].Str();
    }

    /// <summary>The deployables whose code connects to the broker, with the Messaging__QuorumQueues each gets (null: unset).</summary>
    protected IReadOnlyList<(Deployable Deployable, string? QuorumQueues)> MessagingDeployables()
    {
        var messaging = Rendered.Deployables.Where(d => SourceReads.UsesMessaging(d.ProjectDirectory))
            .Select(d => (d, EnvValue(d.Pod.MainContainers.Single(), "Messaging__QuorumQueues")))
            .ToList();
        // Guard against a scan that silently finds nothing.
        Assert.Superset(new HashSet<string> { "intake", "cases", "clinics", "billing", "repatriation" }, messaging.Select(m => m.d.Name).ToHashSet());
        return messaging;
    }

    /// <summary>The container port a named or numbered port refers to, if the container declares it.</summary>
    protected static string? ResolvePort(JsonObject container, string? port) =>
        container["ports"].Objects()
            .FirstOrDefault(p => p["name"].Str() == port || p["containerPort"].Str() == port)?["containerPort"].Str();
}
