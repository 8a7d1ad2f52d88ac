using Microsoft.Extensions.Configuration;

namespace Redwood.SharedKernel.Modules;

/// <summary>Reads the <c>Redwood:Modules</c> flags.</summary>
public static class ModuleFlags
{
    /// <summary>Whether <c>Redwood:Modules:&lt;name&gt;:Enabled</c> is on (default true).</summary>
    public static bool IsEnabled(IConfiguration configuration, string name)
    {
        var key = $"Redwood:Modules:{name}:Enabled";
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return true;
        }

        return bool.TryParse(raw, out var enabled)
            ? enabled
            : throw new InvalidOperationException($"Setting '{key}' must be true or false, not '{raw}'.");
    }
}
