using System.Globalization;
using System.Text;
using BitMiracle.LibTiff.Classic;

namespace SegKit.Imaging;

/// <summary>
/// LibTiff.NET reports problems through one process-wide handler, which by default prints them: this one keeps the
/// last message of the calling thread instead, so readers and writers can put it in their own typed errors.
/// </summary>
internal sealed class TiffMessages : TiffErrorHandler
{
    [ThreadStatic]
    private static string? _last;

    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>Installs the handler (once per process).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (!_installed)
            {
                Tiff.SetErrorHandler(new TiffMessages());
                _installed = true;
            }
        }
    }

    /// <summary>The last error of this thread since the last call, or a fallback.</summary>
    public static string TakeLast(string fallback)
    {
        string message = _last ?? fallback;
        _last = null;
        return message;
    }

    public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) => _last = Format(format, args);

    public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) => _last = Format(format, args);

    public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
    {
    }

    public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
    {
    }

    private static string Format(string format, object[] args)
    {
        try
        {
            return string.Format(CultureInfo.InvariantCulture, format, args);
        }
        catch (FormatException)
        {
            var text = new StringBuilder(format);
            foreach (object a in args)
            {
                text.Append(' ').Append(a);
            }

            return text.ToString();
        }
    }
}
