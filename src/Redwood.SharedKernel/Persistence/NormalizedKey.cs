using System.Text;

namespace Redwood.SharedKernel.Persistence;

/// <summary>
/// Case-insensitive uniqueness that SQLite and PostgreSQL agree on: the key is computed in C#, stored in its own
/// column and covered by a unique index.
/// </summary>
public static class NormalizedKey
{
    /// <summary>Unicode NFC, then upper-case invariant.</summary>
    public static string For(string value) => value.Normalize(NormalizationForm.FormC).ToUpperInvariant();
}
