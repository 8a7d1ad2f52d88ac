using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Redwood.Director;

/// <summary>The validated <c>Redwood:Director</c> settings; a bad value throws a message that names the setting.</summary>
internal sealed record DirectorSettings(
    AuthSettings Auth,
    AdminSettings Admin,
    IReadOnlyList<ConfiguredRealm> Realms,
    TimeSpan HandoffTokenLifetime,
    int MaxOutstandingHandoffTokens = 5)
{
    public const string Section = "Redwood:Director";

    /// <summary>The realm secret both modules default to, fine on a developer machine only.</summary>
    public const string DevRealmSecret = "dev-realm-secret";

    public static DirectorSettings Read(IConfiguration configuration)
    {
        var reader = new SettingsReader(configuration, Section);
        return new DirectorSettings(
            AuthSettings.Read(reader.Child("Auth")),
            new AdminSettings(reader.String("Admin:Username"), reader.String("Admin:Password")),
            ReadRealms(configuration.GetSection(Section + ":Realms")),
            reader.Duration("HandoffTokenLifetime", TimeSpan.FromSeconds(60)),
            reader.Int("MaxOutstandingHandoffTokens", 5, 1, 1000));
    }

    private static List<ConfiguredRealm> ReadRealms(IConfigurationSection section)
    {
        var realms = new List<ConfiguredRealm>();
        foreach (var child in section.GetChildren())
        {
            var key = child.Path;
            var id = child["Id"];
            if (string.IsNullOrWhiteSpace(id) || id.Contains(':', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Setting '{key}:Id' is required and must not contain ':'.");
            }

            if (realms.Any(r => r.Id == id))
            {
                throw new InvalidOperationException($"Setting '{key}:Id' repeats the realm id '{id}'.");
            }

            var uri = child["Uri"];
            if (!IsRealmUri(uri))
            {
                throw new InvalidOperationException($"Setting '{key}:Uri' must be a ws:// or wss:// URI, not '{uri}'.");
            }

            var secret = child["Secret"];
            if (string.IsNullOrEmpty(secret))
            {
                throw new InvalidOperationException($"Setting '{key}:Secret' is required.");
            }

            var listedRaw = child["Listed"];
            var listed = true;
            if (!string.IsNullOrWhiteSpace(listedRaw) && !bool.TryParse(listedRaw, out listed))
            {
                throw new InvalidOperationException($"Setting '{key}:Listed' must be true or false, not '{listedRaw}'.");
            }

            var name = child["Name"];
            realms.Add(new ConfiguredRealm(id, string.IsNullOrWhiteSpace(name) ? id : name, uri!, listed, secret));
        }

        if (realms.Count == 0)
        {
            realms.Add(new ConfiguredRealm("default", "Default", "ws://localhost:3011", true, DevRealmSecret));
        }

        return realms;
    }

    public static bool IsRealmUri(string? uri) =>
        System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme is "ws" or "wss";
}

/// <summary>Accounts, passwords, sessions and login limits (<c>Redwood:Director:Auth</c>).</summary>
internal sealed record AuthSettings(
    int Pbkdf2Iterations,
    int Pbkdf2HashLength,
    int HashConcurrency,
    int UsernameMinLength,
    int UsernameMaxLength,
    string UsernameSymbols,
    int PasswordMinLength,
    int PasswordMaxLength,
    bool PasswordRequireLetter,
    bool PasswordRequireDigit,
    TimeSpan SessionLifetime,
    TimeSpan TokenRotationGrace,
    TimeSpan TokenPurgeInterval,
    int MaxFailedLoginsPerUsername,
    int MaxFailedLoginsPerAddress,
    TimeSpan FailedLoginWindow,
    IReadOnlyList<string> AllowedProviders,
    JwtSettings Jwt,
    int HashQueueLimit = 0,
    int MaxRegistrationsPerAddress = 20,
    TimeSpan RegistrationWindow = default)
{
    public const int DefaultPbkdf2Iterations = 210_000;
    public const int DefaultPbkdf2HashLength = 64;

    /// <summary>
    /// Hashes that run at once by default: one core fewer than the machine has (at least one), so that a flood of
    /// logins leaves a core to the sockets and every other request (busy answers stay instant).
    /// </summary>
    public static int DefaultHashConcurrency => Math.Max(1, Environment.ProcessorCount - 1);

    public static AuthSettings Read(SettingsReader reader)
    {
        var providers = reader.String("AllowedProviders") is { } raw
            ? raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => p.ToLowerInvariant()).Distinct().ToList()
            : reader.List("AllowedProviders") is { Count: > 0 } list ? list.Select(p => p.ToLowerInvariant()).Distinct().ToList() : [LoginProviders.Local, LoginProviders.Jwt];
        foreach (var provider in providers.Where(p => !LoginProviders.Known.Contains(p)))
        {
            throw new InvalidOperationException(
                $"Setting '{reader.Path("AllowedProviders")}' names the unknown provider '{provider}'; known: {string.Join(", ", LoginProviders.Known)}.");
        }

        var usernameMin = reader.Int("UsernameMinLength", 3, 1, 64);
        var passwordMin = reader.Int("PasswordMinLength", 8, 1, 1024);
        var symbols = reader.String("UsernameSymbols") ?? "_.-";
        if (symbols.Contains(':', StringComparison.Ordinal) || symbols.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException($"Setting '{reader.Path("UsernameSymbols")}' must not contain ':' or white space.");
        }

        return new AuthSettings(
            reader.Int("Pbkdf2Iterations", DefaultPbkdf2Iterations, 1, int.MaxValue),
            reader.Int("Pbkdf2HashLength", DefaultPbkdf2HashLength, 16, 1024),
            reader.Int("HashConcurrency", DefaultHashConcurrency, 1, 1024),
            usernameMin,
            reader.Int("UsernameMaxLength", 32, usernameMin, 64),
            symbols,
            passwordMin,
            reader.Int("PasswordMaxLength", 128, passwordMin, 4096),
            reader.Bool("PasswordRequireLetter", false),
            reader.Bool("PasswordRequireDigit", false),
            reader.Duration("SessionLifetime", TimeSpan.FromDays(30)),
            reader.Duration("TokenRotationGrace", TimeSpan.FromSeconds(60), allowZero: true),
            reader.Duration("TokenPurgeInterval", TimeSpan.FromHours(1)),
            reader.Int("MaxFailedLoginsPerUsername", 10, 1, int.MaxValue),
            reader.Int("MaxFailedLoginsPerAddress", 50, 1, int.MaxValue),
            reader.Duration("FailedLoginWindow", TimeSpan.FromMinutes(5)),
            providers,
            JwtSettings.Read(reader.Child("Jwt")),
            reader.Int("HashQueueLimit", 0, 0, 1_000_000),
            reader.Int("MaxRegistrationsPerAddress", 20, 1, int.MaxValue),
            reader.Duration("RegistrationWindow", TimeSpan.FromHours(1)));
    }
}

/// <summary>The <c>jwt</c> login provider (<c>Redwood:Director:Auth:Jwt</c>); off while no secret is set.</summary>
internal sealed record JwtSettings(string? Secret, string Claim, string? Issuer, string? Audience, TimeSpan MaxLifetime = default)
{
    public static readonly TimeSpan DefaultMaxLifetime = TimeSpan.FromHours(24);

    /// <summary>HS256 needs a key of at least 256 bits.</summary>
    public const int MinimumSecretBytes = 32;

    public bool Enabled => Secret is not null;

    public static JwtSettings Read(SettingsReader reader)
    {
        var secret = reader.String("Secret");
        if (secret is not null && System.Text.Encoding.UTF8.GetByteCount(secret) < MinimumSecretBytes)
        {
            throw new InvalidOperationException(
                $"Setting '{reader.Path("Secret")}' must be at least {MinimumSecretBytes} bytes long (HS256 key).");
        }

        return new JwtSettings(secret, reader.String("Claim") ?? "sub", reader.String("Issuer"), reader.String("Audience"),
            reader.Duration("MaxLifetime", DefaultMaxLifetime));
    }

    /// <summary>
    /// With the provider on, a token must name its issuer and audience: any other service holding the key could
    /// otherwise mint logins. A missing one stops start-up in every environment, naming the setting.
    /// </summary>
    public static void EnsureComplete(JwtSettings settings)
    {
        foreach (var (name, value) in new[] { ("Issuer", settings.Issuer), ("Audience", settings.Audience) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"Setting '{DirectorSettings.Section}:Auth:Jwt:{name}' is required when the jwt login provider is on (Auth:Jwt:Secret is set).");
            }
        }
    }
}

/// <summary>The administrator account created on first start when both values are set.</summary>
internal sealed record AdminSettings(string? Username, string? Password)
{
    public bool Configured => Username is not null && Password is not null;
}

/// <summary>A realm the Director knows (<c>Redwood:Director:Realms</c>).</summary>
internal sealed record ConfiguredRealm(string Id, string Name, string Uri, bool Listed, string Secret);

/// <summary>Login provider names as the plugin sends them.</summary>
internal static class LoginProviders
{
    public const string Local = "local";
    public const string Jwt = "jwt";

    /// <summary>Providers the plugin knows; only <c>local</c> and <c>jwt</c> are built here.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal) { Local, Jwt };
}

/// <summary>Reads typed values under one configuration section, with errors that name the full key.</summary>
internal sealed class SettingsReader(IConfiguration configuration, string prefix)
{
    public string Path(string key) => prefix + ":" + key;

    public SettingsReader Child(string key) => new(configuration, Path(key));

    public string? String(string key) => configuration[Path(key)] is { Length: > 0 } value ? value : null;

    public List<string>? List(string key) =>
        configuration.GetSection(Path(key)).GetChildren().Select(c => c.Value).OfType<string>().Where(v => v.Length > 0).ToList();

    public int Int(string key, int fallback, int min, int max)
    {
        var raw = String(key);
        if (raw is null)
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"Setting '{Path(key)}' must be a whole number from {min} to {max}, not '{raw}'.");
    }

    public bool Bool(string key, bool fallback)
    {
        var raw = String(key);
        if (raw is null)
        {
            return fallback;
        }

        return bool.TryParse(raw, out var value)
            ? value
            : throw new InvalidOperationException($"Setting '{Path(key)}' must be true or false, not '{raw}'.");
    }

    public TimeSpan Duration(string key, TimeSpan fallback, bool allowZero = false)
    {
        var raw = String(key);
        if (raw is null)
        {
            return fallback;
        }

        return TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value) && (value > TimeSpan.Zero || (allowZero && value == TimeSpan.Zero))
            ? value
            : throw new InvalidOperationException($"Setting '{Path(key)}' must be a positive duration such as 00:05:00, not '{raw}'.");
    }
}
