using System.Globalization;
using System.Text.RegularExpressions;

namespace Redwood.DeployTests;

/// <summary>
/// The Kubernetes manifests and Dockerfiles under <c>deploy/</c>, checked structurally (nothing here runs Docker or a
/// cluster): they parse, every setting they set exists, and ports, probes, selectors and images agree.
/// </summary>
public sealed partial class DeploymentTests
{
    private static readonly string[] Modules = ["Director", "Realm", "Matchmaking", "Sidecar"];

    private static readonly Dictionary<string, (string Setting, int Default)> FrontendPorts = new(StringComparer.Ordinal)
    {
        ["http"] = ("Redwood__Http__Port", 3000),
        ["director"] = ("Redwood__Director__Port", 3001),
        ["realm"] = ("Redwood__Realm__Port", 3011),
    };

    private readonly List<Manifest> _base = Manifests.Base();

    [Fact]
    public void Every_yaml_file_parses_and_every_kustomization_path_exists()
    {
        var files = Manifests.YamlFiles().ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var documents = Manifests.Parse(file);
            Assert.True(documents.Count > 0, file + " holds no document");
            Assert.All(documents, d => Assert.False(string.IsNullOrEmpty(d.Kind), $"{file}: a document without kind"));
        }

        foreach (var kustomization in files.Where(f => Path.GetFileName(f) == "kustomization.yaml"))
        {
            var root = Manifests.Parse(kustomization).Single().Root;
            var directory = Path.GetDirectoryName(kustomization)!;
            var paths = root.List("resources").OfType<string>()
                .Concat(root.Maps("patches").Select(p => p.Str("path")).OfType<string>());
            foreach (var path in paths)
            {
                var full = Path.GetFullPath(Path.Combine(directory, path));
                Assert.True(File.Exists(full) || File.Exists(Path.Combine(full, "kustomization.yaml")), $"{kustomization}: '{path}' does not exist");
            }
        }
    }

    [Fact]
    public void The_settings_check_knows_real_settings_and_refuses_misspelt_ones()
    {
        var settings = Settings.Documented();
        Assert.True(settings.IsSetting("Redwood__Director__Port"));
        Assert.True(settings.IsSetting("Redwood__Director__Realms__0__Secret"));
        Assert.True(settings.IsSetting("Redwood__Director__Auth__Pbkdf2Iterations"));
        Assert.True(settings.IsSetting("Redwood__Modules__Sidecar__Enabled"));
        Assert.True(settings.IsSetting("Redwood__GameServers__Local__Arguments__0"));
        Assert.True(settings.IsSetting("ConnectionStrings__Redwood"));
        Assert.False(settings.IsSetting("Redwood__Director__Prot"));
        Assert.False(settings.IsSetting("Redwood__Director__Realms__0__Secrte"));
        Assert.False(settings.IsSetting("Redwood__Modules__Sidecars__Enabled"));
        Assert.False(settings.IsSetting("Redwood__Director"));
        Assert.True(settings.IsSetting("Redwood__Sidecar__Mode"));
        Assert.False(settings.IsSetting("Redwood__Sidecar__Mdoe"));
    }

    [Fact]
    public void Every_environment_variable_the_manifests_set_is_a_real_setting()
    {
        var settings = Settings.Documented();
        var names = new List<(string Name, string Where)>();
        foreach (var manifest in Manifests.YamlFiles().SelectMany(Manifests.Parse))
        {
            switch (manifest.Kind)
            {
                case "ConfigMap":
                    names.AddRange(manifest.Root.Strings("data").Keys.Select(k => (k, manifest.ToString())));
                    break;
                case "Secret":
                    names.AddRange(manifest.Root.Strings("stringData").Keys.Concat(manifest.Root.Strings("data").Keys).Select(k => (k, manifest.ToString())));
                    break;
            }

            foreach (var container in Containers(manifest))
            {
                names.AddRange(container.Maps("env").Select(e => (e.Str("name")!, $"{manifest} container {container.Str("name")}")));
            }
        }

        Assert.NotEmpty(names);
        var unknown = names
            .Where(n => n.Name.Contains("__", StringComparison.Ordinal)
                ? !n.Name.StartsWith("Logging__", StringComparison.Ordinal) && !settings.IsSetting(n.Name)
                : !n.Name.StartsWith("DOTNET_", StringComparison.Ordinal) && !n.Name.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            .Select(n => $"{n.Name} ({n.Where})")
            .ToList();
        Assert.True(unknown.Count == 0, "Not a setting of the host (README settings tables or appsettings.json):\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void Configuration_references_name_config_maps_secrets_and_keys_that_exist()
    {
        foreach (var manifest in _base)
        {
            foreach (var container in Containers(manifest))
            {
                foreach (var source in container.Maps("envFrom"))
                {
                    if (source.Map("configMapRef").Str("name") is { } configMap)
                    {
                        Assert.NotNull(Find("ConfigMap", configMap));
                    }

                    if (source.Map("secretRef").Str("name") is { } secret)
                    {
                        Assert.NotNull(Find("Secret", secret));
                    }
                }

                foreach (var variable in container.Maps("env"))
                {
                    var from = variable.Map("valueFrom");
                    foreach (var (reference, kind, field) in new[] { ("configMapKeyRef", "ConfigMap", "data"), ("secretKeyRef", "Secret", "stringData") })
                    {
                        if (from.Map(reference) is { Count: > 0 } keyRef)
                        {
                            var target = Find(kind, keyRef.Str("name")!);
                            Assert.True(target is not null, $"{manifest}: {kind} {keyRef.Str("name")} does not exist");
                            Assert.True(target.Root.Strings(field).ContainsKey(keyRef.Str("key")!), $"{manifest}: {kind} {target.Name} has no key {keyRef.Str("key")}");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Each_module_has_a_deployment_of_its_own_exposing_the_ports_its_settings_bind()
    {
        foreach (var module in new[] { "Director", "Realm", "Matchmaking" })
        {
            var deployments = _base.Where(m => m.Kind == "Deployment" && EnabledModules(m, Container(m, "redwood")).SequenceEqual([module])).ToList();
            Assert.True(deployments.Count == 1, $"one Deployment runs only the {module} module (found {deployments.Count})");
        }

        foreach (var deployment in _base.Where(m => m.Kind == "Deployment"))
        {
            var container = Assert.Single(Containers(deployment));
            var enabled = EnabledModules(deployment, container);
            var environment = Environment(deployment, container);
            var ports = ContainerPorts(container);
            foreach (var (name, (setting, fallback)) in FrontendPorts)
            {
                var listens = name == "http" || enabled.Contains(name, StringComparer.OrdinalIgnoreCase);
                Assert.True(listens == ports.ContainsKey(name), $"{deployment}: container port '{name}' {(listens ? "missing" : "declared but that listener is off")}");
                if (listens)
                {
                    var bound = environment.TryGetValue(setting, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
                    Assert.True(bound == ports[name], $"{deployment}: port '{name}' is {ports[name]} but {setting} binds {bound}");
                }
            }

            var selector = deployment.Root.Map("spec").Map("selector").Strings("matchLabels");
            Assert.NotEmpty(selector);
            Assert.True(Selects(selector, deployment.PodLabels()), $"{deployment}: the selector does not match its pod labels");
        }
    }

    [Fact]
    public void Every_redwood_container_is_probed_on_ready_and_health_through_its_http_port()
    {
        var probed = 0;
        foreach (var manifest in _base)
        {
            foreach (var container in Containers(manifest).Where(c => c.Maps("env").Any(e => e.Str("name")!.StartsWith("Redwood__Modules__", StringComparison.Ordinal))))
            {
                var ports = ContainerPorts(container);
                Assert.True(ports.ContainsKey("http"), $"{manifest}: container {container.Str("name")} declares no 'http' port");
                var readiness = container.Map("readinessProbe").Map("httpGet");
                var liveness = container.Map("livenessProbe").Map("httpGet");
                Assert.Equal("/ready", readiness.Str("path"));
                Assert.Equal("/health", liveness.Str("path"));
                foreach (var probe in new[] { readiness, liveness })
                {
                    var port = probe.Str("port")!;
                    Assert.True(port == "http" || port == ports["http"].ToString(CultureInfo.InvariantCulture), $"{manifest}: a probe on port {port}, not the HTTP port");
                }

                var http = Environment(manifest, container).TryGetValue("Redwood__Http__Port", out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : 3000;
                Assert.Equal(http, ports["http"]);
                probed++;
            }
        }

        Assert.Equal(4, probed);
    }

    [Fact]
    public void Services_select_deployments_that_expose_their_target_ports()
    {
        var services = _base.Where(m => m.Kind == "Service").ToList();
        Assert.Contains(services, s => TargetPorts(s).Contains("director"));
        Assert.Contains(services, s => TargetPorts(s).Contains("realm"));
        Assert.Contains(services, s => TargetPorts(s).Contains("http"));
        foreach (var service in services)
        {
            var selector = service.Root.Map("spec").Strings("selector");
            Assert.NotEmpty(selector);
            var selected = _base.Where(m => m.Kind == "Deployment" && Selects(selector, m.PodLabels())).ToList();
            Assert.True(selected.Count > 0, $"{service} selects no Deployment");
            foreach (var target in TargetPorts(service))
            {
                foreach (var deployment in selected)
                {
                    var ports = Containers(deployment).SelectMany(c => ContainerPorts(c)).ToList();
                    Assert.True(
                        ports.Any(p => p.Key == target || p.Value.ToString(CultureInfo.InvariantCulture) == target),
                        $"{service} targets port '{target}' that {deployment} does not expose");
                }
            }
        }
    }

    [Fact]
    public void The_fleet_runs_the_game_server_beside_a_sidecar_only_host_on_the_port_the_server_dials()
    {
        var fleet = Assert.Single(_base, m => m.Kind == "Fleet");
        Assert.Equal("agones.dev/v1", fleet.ApiVersion);
        var gameServer = fleet.Root.Map("spec").Map("template").Map("spec");
        var gameContainer = Container(fleet, gameServer.Str("container")!);
        Assert.Equal("true", gameContainer.Str("stdin"));
        var arguments = gameContainer.List("args").OfType<string>().ToList();
        Assert.Contains("-server", arguments);
        var gamePort = Assert.Single(gameServer.Maps("ports"));
        Assert.Equal(gameServer.Str("container"), gamePort.Str("container"));
        Assert.Equal($"-port={gamePort.Str("containerPort")}", Assert.Single(arguments, a => a.StartsWith("-port=", StringComparison.Ordinal)));
        Assert.Contains(ContainerPorts(gameContainer).Values, p => p.ToString(CultureInfo.InvariantCulture) == gamePort.Str("containerPort"));

        var sidecar = Assert.Single(Containers(fleet), c => c != gameContainer);
        Assert.Equal(["Sidecar"], EnabledModules(fleet, sidecar));
        Assert.Equal(HostImage(), sidecar.Str("image"));
        var environment = Environment(fleet, sidecar);
        Assert.Equal("standalone", environment["Redwood__Sidecar__Mode"]);
        Assert.Equal($"-SidecarPort={environment["Redwood__Sidecar__Port"]}", Assert.Single(arguments, a => a.StartsWith("-SidecarPort=", StringComparison.Ordinal)));
        Assert.True(environment.ContainsKey("Redwood__Redis__Configuration"), "the Sidecar reaches the Realm over Redis");
    }

    [Fact]
    public void The_realm_allocates_from_the_fleet_by_name_and_by_its_realm_label_in_the_namespace_it_runs_in()
    {
        var fleet = Assert.Single(_base, m => m.Kind == "Fleet");
        var realm = Assert.Single(_base, m => m.Kind == "Deployment" && EnabledModules(m, Container(m, "redwood")).SequenceEqual(["Realm"]));
        var environment = Environment(realm, Container(realm, "redwood"));
        Assert.Equal("agones", environment["Redwood__GameServers__Provider"]);
        Assert.Equal(fleet.Name, environment["Redwood__GameServers__Agones__Fleet"]);
        var labels = fleet.Root.Map("spec").Map("template").Map("metadata").Strings("labels");
        Assert.Equal(environment["Redwood__Realm__Id"], labels[environment["Redwood__GameServers__Agones__RealmLabel"]]);

        var overlay = Path.Combine(Repository.Deploy, "k8s", "overlays", "example");
        var kustomization = Manifests.Parse(Path.Combine(overlay, "kustomization.yaml")).Single().Root;
        var patched = Manifests.Parse(Path.Combine(overlay, "config.yaml")).Single().Root.Strings("data");
        Assert.Equal(kustomization.Str("namespace"), patched["Redwood__GameServers__Agones__Namespace"]);
    }

    [Fact]
    public void The_fleet_autoscaler_keeps_a_buffer_of_ready_servers_of_the_fleet()
    {
        var fleet = Assert.Single(_base, m => m.Kind == "Fleet");
        var autoscaler = Assert.Single(_base, m => m.Kind == "FleetAutoscaler");
        Assert.Equal("autoscaling.agones.dev/v1", autoscaler.ApiVersion);
        var spec = autoscaler.Root.Map("spec");
        Assert.Equal(fleet.Name, spec.Str("fleetName"));
        Assert.Equal("Buffer", spec.Map("policy").Str("type"));
        var buffer = spec.Map("policy").Map("buffer");
        var min = int.Parse(buffer.Str("minReplicas")!, CultureInfo.InvariantCulture);
        var max = int.Parse(buffer.Str("maxReplicas")!, CultureInfo.InvariantCulture);
        Assert.True(int.Parse(buffer.Str("bufferSize")!, CultureInfo.InvariantCulture) <= max && min <= max);
    }

    [Fact]
    public void The_overlay_patches_objects_of_the_base_and_pins_the_images_it_uses()
    {
        var overlay = Path.Combine(Repository.Deploy, "k8s", "overlays", "example");
        var kustomization = Manifests.Parse(Path.Combine(overlay, "kustomization.yaml")).Single().Root;
        Assert.Contains("../../base", kustomization.List("resources").OfType<string>());
        foreach (var patch in kustomization.Maps("patches"))
        {
            foreach (var target in Manifests.Parse(Path.Combine(overlay, patch.Str("path")!)))
            {
                Assert.True(Find(target.Kind, target.Name) is not null, $"{target} patches nothing in the base");
            }
        }

        var used = _base.SelectMany(Containers).Select(c => c.Str("image")!).ToHashSet(StringComparer.Ordinal);
        var pinned = kustomization.Maps("images").Select(i => i.Str("name")!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(used.Order(), pinned.Order());
    }

    [Fact]
    public void Dockerfiles_build_projects_that_exist_into_non_root_dotnet_10_images_the_manifests_use()
    {
        var dockerfiles = Directory.GetFiles(Path.Combine(Repository.Deploy, "docker"), "*.Dockerfile");
        Assert.Equal(2, dockerfiles.Length);
        var built = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dockerfile in dockerfiles)
        {
            var text = File.ReadAllText(dockerfile);
            var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
            Assert.Equal("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", stages[0]);
            Assert.Matches("^FROM mcr.microsoft.com/dotnet/(aspnet|runtime):10.0$", stages[^1]);

            var final = lines.Skip(lines.LastIndexOf(stages[^1])).ToList();
            var user = Assert.Single(final, l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Trim();
            Assert.DoesNotContain(user, new[] { "root", "0" });

            foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
            {
                var sources = copy[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
                Assert.All(sources, s => Assert.True(File.Exists(Repository.PathOf(s)) || Directory.Exists(Repository.PathOf(s)), $"{dockerfile}: COPY {s} does not exist"));
            }

            var projects = DotnetProject().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
            var published = Assert.Single(projects);
            Assert.True(File.Exists(Repository.PathOf(published)), $"{dockerfile}: {published} does not exist");
            var entry = Assert.Single(final, l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
            Assert.Contains($"\"{Path.GetFileNameWithoutExtension(published)}.dll\"", entry, StringComparison.Ordinal);

            built.Add(BuiltImage().Match(text).Groups[1].Value);
        }

        var used = _base.SelectMany(Containers).Select(c => c.Str("image")!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(used.Order(), built.Order());
    }

    private static IEnumerable<Dictionary<object, object?>> Containers(Manifest manifest) => manifest.PodSpec().Maps("containers");

    private static Dictionary<object, object?> Container(Manifest manifest, string name) =>
        Assert.Single(Containers(manifest), c => c.Str("name") == name);

    /// <summary>The one image every module Deployment runs.</summary>
    private string HostImage() =>
        Assert.Single(_base.Where(m => m.Kind == "Deployment").SelectMany(Containers).Select(c => c.Str("image")!).Distinct());

    private static Dictionary<string, int> ContainerPorts(Dictionary<object, object?> container) =>
        container.Maps("ports").ToDictionary(p => p.Str("name") ?? string.Empty, p => int.Parse(p.Str("containerPort")!, CultureInfo.InvariantCulture));

    private static List<string> TargetPorts(Manifest service) =>
        [.. service.Root.Map("spec").Maps("ports").Select(p => p.Str("targetPort") ?? p.Str("port")!)];

    private static bool Selects(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private Manifest? Find(string kind, string name) => _base.FirstOrDefault(m => m.Kind == kind && m.Name == name);

    /// <summary>What a container's process sees: its ConfigMaps and Secrets (envFrom), then its own env.</summary>
    private Dictionary<string, string> Environment(Manifest manifest, Dictionary<object, object?> container)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.Maps("envFrom"))
        {
            if (source.Map("configMapRef").Str("name") is { } configMap && Find("ConfigMap", configMap) is { } map)
            {
                Merge(environment, map.Root.Strings("data"));
            }

            if (source.Map("secretRef").Str("name") is { } secretName && Find("Secret", secretName) is { } secret)
            {
                Merge(environment, secret.Root.Strings("stringData"));
            }
        }

        foreach (var variable in container.Maps("env"))
        {
            var from = variable.Map("valueFrom");
            environment[variable.Str("name")!] = variable.Str("value")
                ?? (from.Map("configMapKeyRef") is { Count: > 0 } c ? Find("ConfigMap", c.Str("name")!)?.Root.Strings("data").GetValueOrDefault(c.Str("key")!) : null)
                ?? (from.Map("secretKeyRef") is { Count: > 0 } s ? Find("Secret", s.Str("name")!)?.Root.Strings("stringData").GetValueOrDefault(s.Str("key")!) : null)
                ?? throw new InvalidDataException($"{manifest}: {variable.Str("name")} has no value");
        }

        return environment;
    }

    private static void Merge(Dictionary<string, string> into, Dictionary<string, string> values)
    {
        foreach (var (key, value) in values)
        {
            into[key] = value;
        }
    }

    /// <summary>The modules a container runs; every module flag must be set explicitly (the defaults are all on).</summary>
    private List<string> EnabledModules(Manifest manifest, Dictionary<object, object?> container)
    {
        var environment = Environment(manifest, container);
        foreach (var module in Modules)
        {
            Assert.True(environment.ContainsKey($"Redwood__Modules__{module}__Enabled"), $"{manifest}: Redwood__Modules__{module}__Enabled is not set");
        }

        return [.. Modules.Where(m => bool.Parse(environment[$"Redwood__Modules__{m}__Enabled"]))];
    }

    [GeneratedRegex(@"dotnet (?:restore|publish) (\S+\.csproj)")]
    private static partial Regex DotnetProject();

    [GeneratedRegex(@"docker build -f \S+ -t (\S+) \.")]
    private static partial Regex BuiltImage();
}
