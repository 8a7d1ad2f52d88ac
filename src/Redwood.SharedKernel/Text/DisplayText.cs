using System.Globalization;
using System.Text;

namespace Redwood.SharedKernel.Text;

/// <summary>Which characters a name shown to other players may contain.</summary>
public static class DisplayText
{
    /// <summary>
    /// False when <paramref name="value"/> holds a control, format (bidi overrides, zero-width), line or paragraph
    /// separator, private-use, unassigned or lone surrogate character: they let a name look like another or reorder
    /// the text around it. The replacement character U+FFFD is refused too: it is what a lone surrogate becomes once
    /// text has been decoded lossily, so a name holding it is mangled.
    /// </summary>
    public static bool IsAllowed(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done
                || rune == Rune.ReplacementChar)
            {
                return false;
            }

            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.Surrogate:
                    return false;
            }

            i += consumed;
        }

        return true;
    }
}
