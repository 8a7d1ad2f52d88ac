using System.Globalization;
using System.Text;
using System.Text.Json;
using FluentValidation;
using Redwood.SharedKernel.Text;

namespace Redwood.Realm.Domain;

/// <summary>Validation rules shared by the character and proxy slices.</summary>
internal static class FieldRules
{
    /// <summary>
    /// A display name: required, at most <paramref name="maxLength"/> characters (text elements, so accents and
    /// emoji count once), no surrounding whitespace, and only characters <see cref="DisplayText.IsAllowed"/> accepts
    /// (the rule usernames and JWT names follow): control, format (bidi, zero-width), separator, private-use and
    /// unassigned characters make names that look identical but differ, or break chat and logs.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> DisplayName<T>(this IRuleBuilderInitial<T, string?> rule, string what, int maxLength) =>
        rule.Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage($"{what} is required")
            .Must(n => n!.Trim().Length == n.Length).WithMessage($"{what} must not start or end with spaces")
            .Must(n => new StringInfo(n!.Normalize(NormalizationForm.FormC)).LengthInTextElements <= maxLength)
            .WithMessage($"{what} must be at most {maxLength} characters")
            .Must(n => DisplayText.IsAllowed(n!))
            .WithMessage($"{what} contains characters that are not allowed (control, format, private-use or unassigned)");

    /// <summary>
    /// An optional JSON value that must be an object of at most <paramref name="maxBytes"/> UTF-8 bytes and contain
    /// no NUL character or lone surrogate (PostgreSQL <c>jsonb</c> cannot store them, so SQLite refuses them too).
    /// </summary>
    public static IRuleBuilderOptions<T, JsonElement?> JsonObject<T>(this IRuleBuilderInitial<T, JsonElement?> rule, string field, int maxBytes) =>
        rule.Cascade(CascadeMode.Stop)
            .Must(v => v is null || v.Value.ValueKind == JsonValueKind.Object).WithMessage($"{field} must be a JSON object")
            .Must(v => v is null || ByteSize(v.Value) <= maxBytes)
            .WithMessage($"{field} is too large (at most {maxBytes} bytes)")
            .Must(v => v is null || !HasInvalidText(v.Value)).WithMessage($"{field} must not contain NUL characters or invalid Unicode");

    /// <summary>UTF-8 size of the element's JSON text.</summary>
    public static int ByteSize(JsonElement value) => Encoding.UTF8.GetByteCount(value.GetRawText());

    /// <summary>UTF-8 size of a stored JSON text or name.</summary>
    public static int ByteSize(string value) => Encoding.UTF8.GetByteCount(value);

    private static bool HasInvalidText(JsonElement value)
    {
        try
        {
            return ContainsNul(value);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (\ud800) cannot be transcoded; jsonb refuses it as well.
            return true;
        }
    }

    private static bool ContainsNul(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString()!.Contains('\0', StringComparison.Ordinal);
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (ContainsNul(item))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (property.Name.Contains('\0', StringComparison.Ordinal) || ContainsNul(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
