using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Redwood.SharedKernel.Modules;

/// <summary>
/// Reads one setting with a fallback and a range; a bad value throws a message naming the setting (its full path when
/// read from a section), so start-up stops with it.
/// </summary>
public static class SettingValues
{
    /// <summary>A trimmed text, or <paramref name="fallback"/> when unset or blank.</summary>
    public static string Text(IConfiguration configuration, string key, string fallback)
    {
        var raw = configuration[key];
        return string.IsNullOrWhiteSpace(raw) ? fallback : raw.Trim();
    }

    /// <summary>An integer between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static int Integer(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"Setting '{Name(configuration, key)}' must be an integer between {min} and {max}, not '{raw}'.");
    }

    /// <summary>A number between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static double Number(IConfiguration configuration, string key, double fallback, double min, double max)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"Setting '{Name(configuration, key)}' must be a number between {min} and {max}, not '{raw}'.");
    }

    /// <summary>A positive duration (<c>hh:mm:ss</c>).</summary>
    public static TimeSpan Duration(IConfiguration configuration, string key, TimeSpan fallback)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw new InvalidOperationException($"Setting '{Name(configuration, key)}' must be a positive duration such as '00:00:30', not '{raw}'.");
    }

    private static string Name(IConfiguration configuration, string key) =>
        configuration is IConfigurationSection section ? section.Path + ":" + key : key;
}
