using System.Text.Json;
using System.Text.RegularExpressions;

namespace Redwood.DeployTests;

/// <summary>
/// The settings the host reads, as documented: every key of <c>appsettings.json</c> and every key of the README's
/// settings tables (section prefixes applied, <c>&lt;A/B&gt;</c> alternatives expanded, list items' <c>{Id, Name}</c>
/// fields added). List indices compare as <c>N</c>, and keys compare case-insensitively, as configuration does.
/// </summary>
internal sealed partial class Settings
{
    private readonly HashSet<string> _keys;

    private Settings(IEnumerable<string> keys, IEnumerable<string> extra) =>
        _keys = new HashSet<string>(keys.Concat(extra).Select(Normalize), StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Keys => _keys;

    /// <summary>The documented settings, plus <paramref name="extra"/> keys (configuration form).</summary>
    public static Settings Documented(params string[] extra) =>
        new(FromAppSettings(Repository.Read("appsettings.json")).Concat(FromReadme(Repository.Read("README.md"))), extra);

    /// <summary>Whether an environment variable name (<c>Redwood__Director__Port</c>) sets a documented setting.</summary>
    public bool IsSetting(string environmentVariable) => _keys.Contains(Normalize(environmentVariable.Replace("__", ":", StringComparison.Ordinal)));

    private static string Normalize(string key) =>
        string.Join(':', key.Split(':').Select(s => s.Length > 0 && s.All(char.IsAsciiDigit) ? "N" : s));

    private static IEnumerable<string> FromAppSettings(string json)
    {
        using var document = JsonDocument.Parse(json);
        var keys = new List<string>();
        Flatten(document.RootElement, string.Empty, keys);
        return keys;
    }

    private static void Flatten(JsonElement element, string path, List<string> keys)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : path + ":" + property.Name, keys);
                }

                break;
            case JsonValueKind.Array:
                if (element.GetArrayLength() == 0)
                {
                    keys.Add(path + ":N");
                }

                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, path + ":N", keys);
                }

                break;
            default:
                keys.Add(path);
                break;
        }
    }

    private static IEnumerable<string> FromReadme(string readme)
    {
        var start = readme.IndexOf("\n## Settings", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Settings' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        var prefixes = new List<string>();
        foreach (var line in section.Split('\n'))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                prefixes = [.. Backticked().Matches(line).Select(m => m.Groups[1].Value.TrimEnd('.'))];
                continue;
            }

            var cells = line.Split('|');
            if (!line.StartsWith("| `", StringComparison.Ordinal) || cells.Length < 4)
            {
                continue;
            }

            string? previous = null;
            foreach (var token in Backticked().Matches(cells[1]).Select(m => m.Groups[1].Value))
            {
                foreach (var alternative in Expand(token))
                {
                    var key = alternative;
                    if (!key.Contains(':', StringComparison.Ordinal) && previous is not null)
                    {
                        key = previous[..(previous.LastIndexOf(':') + 1)] + key;
                    }
                    else if (!key.StartsWith("Redwood:", StringComparison.Ordinal) && !key.StartsWith("ConnectionStrings:", StringComparison.Ordinal))
                    {
                        key = Qualify(key, prefixes);
                    }

                    previous = key;
                    yield return key;
                    foreach (var field in ListItemFields(cells[3]))
                    {
                        yield return key + ":N:" + field;
                    }
                }
            }
        }
    }

    /// <summary><c>Redwood:Modules:&lt;A/B&gt;:Enabled</c> → one key per alternative.</summary>
    private static IEnumerable<string> Expand(string token)
    {
        var match = Alternatives().Match(token);
        return match.Success
            ? match.Groups[1].Value.Split('/').Select(a => token.Replace(match.Value, a, StringComparison.Ordinal))
            : [token];
    }

    /// <summary>A key relative to its section (<c>Auth:SessionLifetime</c> under <c>Redwood:Director:</c>).</summary>
    private static string Qualify(string key, List<string> prefixes)
    {
        Assert.True(prefixes.Count > 0, $"README settings key '{key}' is relative but its section names no prefix");
        var first = key.Split(':')[0];
        foreach (var prefix in prefixes)
        {
            // "### Game servers (`Redwood:GameServers:...`)" lists keys as "GameServers:Provider".
            var segments = prefix.TrimEnd(':').Split(':');
            if (segments[^1] == first)
            {
                return string.Join(':', segments[..^1]) + ":" + key;
            }
        }

        return prefixes[0].TrimEnd(':') + ":" + key;
    }

    /// <summary>The fields of a list setting's items, when its meaning names them as <c>{Id, Name, Uri}</c>.</summary>
    private static IEnumerable<string> ListItemFields(string meaning) =>
        Backticked().Matches(meaning)
            .Select(m => m.Groups[1].Value)
            .Where(v => ItemFields().IsMatch(v))
            .SelectMany(v => v.Trim('{', '}').Split(',', StringSplitOptions.TrimEntries));

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex("<([A-Za-z]+(?:/[A-Za-z]+)+)>")]
    private static partial Regex Alternatives();

    [GeneratedRegex(@"^\{[A-Za-z]+(, [A-Za-z]+)+\}$")]
    private static partial Regex ItemFields();
}
