using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Redwood.DeployTests;

/// <summary>One YAML document of a manifest file, as nested dictionaries, lists and strings.</summary>
internal sealed record Manifest(string File, Dictionary<object, object?> Root)
{
    public string Kind => Root.Str("kind") ?? string.Empty;

    public string ApiVersion => Root.Str("apiVersion") ?? string.Empty;

    public string Name => Root.Map("metadata").Str("name") ?? string.Empty;

    public override string ToString() => $"{Kind} {Name} ({File})";
}

/// <summary>Reads the YAML files under <c>deploy/</c>.</summary>
internal static class Manifests
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();

    public static IEnumerable<string> YamlFiles() =>
        Directory.EnumerateFiles(Repository.Deploy, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>Every document of a file (a parse error throws, naming the file and position).</summary>
    public static List<Manifest> Parse(string file)
    {
        var documents = new List<Manifest>();
        var parser = new Parser(new StringReader(File.ReadAllText(file)));
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = Yaml.Deserialize<object?>(parser);
            if (document is Dictionary<object, object?> map)
            {
                documents.Add(new Manifest(Path.GetRelativePath(Repository.Root, file), map));
            }
            else if (document is not null)
            {
                throw new InvalidDataException($"{file}: a document is not a mapping");
            }
        }

        return documents;
    }

    /// <summary>The Kubernetes objects of the base (every file but the kustomization).</summary>
    public static List<Manifest> Base() =>
        [.. Directory.EnumerateFiles(Path.Combine(Repository.Deploy, "k8s", "base"), "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .SelectMany(Parse)];
}

/// <summary>Navigation over deserialized YAML.</summary>
internal static class Yaml
{
    public static Dictionary<object, object?> Map(this Dictionary<object, object?>? node, string key) =>
        node is not null && node.TryGetValue(key, out var value) && value is Dictionary<object, object?> map ? map : [];

    public static List<object?> List(this Dictionary<object, object?>? node, string key) =>
        node is not null && node.TryGetValue(key, out var value) && value is List<object?> list ? list : [];

    public static IEnumerable<Dictionary<object, object?>> Maps(this Dictionary<object, object?>? node, string key) =>
        node.List(key).OfType<Dictionary<object, object?>>();

    public static string? Str(this Dictionary<object, object?>? node, string key) =>
        node is not null && node.TryGetValue(key, out var value) ? value as string : null;

    public static Dictionary<string, string> Strings(this Dictionary<object, object?>? node, string key) =>
        node.Map(key).ToDictionary(p => (string)p.Key, p => p.Value as string ?? string.Empty, StringComparer.Ordinal);

    /// <summary>The pod spec of a Deployment (<c>spec.template.spec</c>) or of a Fleet's GameServer template.</summary>
    public static Dictionary<object, object?> PodSpec(this Manifest manifest) => manifest.Kind switch
    {
        "Deployment" => manifest.Root.Map("spec").Map("template").Map("spec"),
        "Fleet" => manifest.Root.Map("spec").Map("template").Map("spec").Map("template").Map("spec"),
        _ => [],
    };

    public static Dictionary<string, string> PodLabels(this Manifest manifest) =>
        manifest.Root.Map("spec").Map("template").Map("metadata").Strings("labels");
}
