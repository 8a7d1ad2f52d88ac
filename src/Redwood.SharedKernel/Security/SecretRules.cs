using System.Text;
using Microsoft.Extensions.Hosting;

namespace Redwood.SharedKernel.Security;

/// <summary>Shared-secret rules both the Director and the Realm enforce at start-up.</summary>
public static class SecretRules
{
    /// <summary>The realm secret shipped in the defaults: fine on a developer machine only.</summary>
    public const string DevRealmSecret = "dev-realm-secret";

    /// <summary>Shortest secret accepted in Production (256 bits of UTF-8).</summary>
    public const int MinimumProductionBytes = 32;

    /// <summary>
    /// In the Production environment refuses the shipped development secret and any secret shorter than
    /// <see cref="MinimumProductionBytes"/> bytes with a message naming <paramref name="setting"/>, whatever the
    /// deployment shape. Other environments (Development included) keep starting with the defaults.
    /// </summary>
    public static void EnsureFitForEnvironment(IHostEnvironment environment, string setting, string secret)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(secret);
        if (!environment.IsProduction())
        {
            return;
        }

        if (secret == DevRealmSecret)
        {
            throw new InvalidOperationException(
                $"Setting '{setting}' is the shipped development secret; set a random secret of at least {MinimumProductionBytes} bytes before running in Production (the Development environment accepts it).");
        }

        if (Encoding.UTF8.GetByteCount(secret) < MinimumProductionBytes)
        {
            throw new InvalidOperationException(
                $"Setting '{setting}' must be at least {MinimumProductionBytes} bytes long in Production.");
        }
    }
}
