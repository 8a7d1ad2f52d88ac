using System.Globalization;
using System.Text;

namespace Redwood.SocketIO.Diagnostics;

/// <summary>
/// Makes client-supplied text safe for a log line: cut to a bounded length and with control, format (bidi,
/// zero-width) and lone-surrogate characters escaped as <c>\uXXXX</c>, so a client can neither flood the log nor
/// forge lines (CR/LF) or reorder what an operator reads.
/// </summary>
public static class LogText
{
    /// <summary>The default number of characters kept from a client value.</summary>
    public const int DefaultMaxLength = 128;

    /// <summary>
    /// Returns <paramref name="value"/> escaped and cut to about <paramref name="maxLength"/> characters; a cut value
    /// ends with <c>…(+N chars)</c>. Null stays null.
    /// </summary>
    public static string? Clip(string? value, int maxLength = DefaultMaxLength)
    {
        if (value is null)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (value.Length <= maxLength && !NeedsEscaping(value))
        {
            return value;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 24);
        var index = 0;
        for (; index < value.Length && builder.Length < maxLength; index++)
        {
            var c = value[index];
            if (char.IsHighSurrogate(c) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
            {
                builder.Append(c).Append(value[index + 1]);
                index++;
            }
            else if (IsUnsafe(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (index < value.Length)
        {
            builder.Append("…(+").Append((value.Length - index).ToString(CultureInfo.InvariantCulture)).Append(" chars)");
        }

        return builder.ToString();
    }

    private static bool NeedsEscaping(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnsafe(char c)
        => char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
