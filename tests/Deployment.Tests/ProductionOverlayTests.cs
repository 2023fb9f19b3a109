namespace Platform.Deployment.Tests;

public sealed class Production_overlay() : OverlayContract("production")
{
    /// <summary>
    /// The secrets the operator creates before applying the overlay, with their keys. k8s/README.md documents the same
    /// list; a test below keeps the two in step.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> OperatorSecrets = new Dictionary<string, string[]>
    {
        ["platform-connections"] = ["gatewaydb", "intakedb", "casesdb", "clinicsdb", "billingdb", "repatriationdb", "omsdb", "rabbitmq", "redis", "mail", "sms"],
        ["gateway-identity"] = ["identity-secret"],
        ["clinics-guarantees"] = ["link-secret"],
        ["repatriation-bookings"] = ["link-secret"],
        ["console-oidc"] = ["client-secret"],
        ["gateway-tls"] = ["tls.crt", "tls.key"],
    };

    protected override bool SecretWillExist(string name, string? key) =>
        OperatorSecrets.TryGetValue(name, out var keys) && (key is null || keys.Contains(key));

    protected override IEnumerable<string> SecretKeys(string name) =>
        OperatorSecrets.TryGetValue(name, out var keys) ? keys : [];

    [Fact]
    public void Staff_tokens_come_from_an_identity_provider_over_https_and_no_signing_key_is_given()
    {
        var gateway = Rendered.Gateway.Pod.MainContainers.Single();
        Assert.DoesNotContain(gateway["env"].Objects(), e => e["name"].Str() == "Auth__Jwt__SigningKey");
        var authority = gateway["env"].Objects().Single(e => e["name"].Str() == "Auth__Oidc__Authority")["valueFrom"]?["configMapKeyRef"];
        var config = Rendered.Find("ConfigMap", authority?["name"].Str()!)?["data"].StringMap() ?? [];
        Assert.StartsWith("https://", config.GetValueOrDefault("Auth__Oidc__Authority"));
    }

    [Fact]
    public void Runs_no_database_broker_or_cache_in_the_cluster()
    {
        Assert.Empty(Rendered.OfKind("StatefulSet"));
        Assert.Empty(Rendered.OfKind("PersistentVolumeClaim"));
        foreach (var pod in Rendered.PodTemplates)
        foreach (var container in pod.Containers)
        {
            var repository = container["image"].Str()!.Split('@')[0].Split('/')[^1].Split(':')[0];
            Assert.DoesNotMatch("^(postgres|postgresql|rabbitmq|redis|valkey)$", repository);
        }
    }

    [Fact]
    public void Generates_no_secrets_and_documents_every_one_the_operator_must_create()
    {
        Assert.Empty(Rendered.OfKind("Secret"));

        var readme = File.ReadAllLines(Repository.PathOf("k8s", "README.md"));
        foreach (var (name, keys) in OperatorSecrets)
        foreach (var key in keys)
            Assert.True(readme.Any(line => line.Contains($"`{name}`") && line.Contains($"`{key}`")),
                $"k8s/README.md does not document secret {name} key {key}.");

        // And nothing documented is stale: each listed secret is referenced by the overlay.
        var referenced = Rendered.PodTemplates
            .SelectMany(p => p.Containers)
            .SelectMany(c => c["env"].Objects())
            .Select(e => e["valueFrom"]?["secretKeyRef"]?["name"].Str())
            .Concat(Rendered.OfKind("Ingress").SelectMany(i => i["spec"]?["tls"].Objects() ?? []).Select(t => t["secretName"].Str()))
            .OfType<string>()
            .ToHashSet();
        Assert.Equal(OperatorSecrets.Keys.Order(), referenced.Order());
    }

    [Fact]
    public void Runs_at_least_two_replicas_of_every_deployable()
    {
        foreach (var deployable in Rendered.Deployables)
        {
            var hpa = Rendered.OfKind("HorizontalPodAutoscaler")
                .FirstOrDefault(h => h["spec"]?["scaleTargetRef"]?["name"].Str() == deployable.Name);
            var minimum = hpa?["spec"]?["minReplicas"].Str() ?? deployable.Deployment["spec"]?["replicas"].Str() ?? "1";
            Assert.True(int.Parse(minimum) >= 2, $"{deployable} runs {minimum} replica(s).");
        }
    }

    [Fact]
    public void Images_are_pinned_to_a_release()
    {
        foreach (var deployable in Rendered.Deployables)
        {
            var image = deployable.Pod.MainContainers.Single()["image"].Str()!;
            var lastSegment = image.Split('/')[^1];
            var pinned = image.Contains("@sha256:") ||
                         (lastSegment.Split(':') is [_, var tag] && tag is not ("latest" or "dev" or ""));
            Assert.True(pinned, $"{deployable} runs {image}, which is not pinned to a release.");
        }
    }

    [Fact]
    public void Gateway_is_served_over_TLS_by_an_Ingress()
    {
        var ingress = Assert.Single(Rendered.OfKind("Ingress"));
        var tlsHosts = ingress["spec"]?["tls"].Objects().SelectMany(t => t["hosts"].Strings()).ToHashSet() ?? [];
        var rules = ingress["spec"]?["rules"].Objects().ToList() ?? [];
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            Assert.Contains(rule["host"].Str() ?? "", tlsHosts);
            foreach (var path in rule["http"]?["paths"].Objects() ?? [])
                Assert.Equal(Rendered.Gateway.Name, path["backend"]?["service"]?["name"].Str());
        }
    }

    [Fact]
    public void Every_service_on_the_broker_uses_quorum_queues()
    {
        // The production broker is a cluster: a queue must survive the loss of a node. All services must agree, since
        // RabbitMQ refuses to redeclare a queue with another type.
        foreach (var (deployable, quorumQueues) in MessagingDeployables())
            Assert.True(quorumQueues == "true", $"{deployable} gets Messaging__QuorumQueues={quorumQueues ?? "(unset)"}, not true.");
    }

    [Fact]
    public void Enforces_the_restricted_pod_security_standard()
    {
        var ns = Rendered.Find("Namespace", Namespace);
        Assert.Equal("restricted", ns?["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"].Str());
    }
}
