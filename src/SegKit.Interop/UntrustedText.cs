using System.Globalization;
using System.Text;

namespace SegKit.Interop;

/// <summary>
/// Names read from an untrusted file, made safe to put in an error message: control characters (a terminal escape
/// sequence, a newline that would fake a second line) are written as \xNN and long names are cut.
/// </summary>
internal static class UntrustedText
{
    private const int MaxLength = 120;

    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var safe = new StringBuilder(Math.Min(text.Length, MaxLength) + 2);
        foreach (char c in text.Length > MaxLength ? text[..MaxLength] : text)
        {
            if (char.IsControl(c) || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029')
            {
                safe.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                safe.Append(c);
            }
        }

        return text.Length > MaxLength ? safe.Append("...").ToString() : safe.ToString();
    }
}
