using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SegKit.Build.Tasks;

/// <summary>
/// A digest of everything a validation result depends on: the model's bytes, each validation file's name, size and
/// time stamp, the settings (IoU threshold and minimum AP) and the validator itself. Equal digests mean the last
/// passing result still holds.
/// </summary>
internal static class ValidationFingerprint
{
    public static string Compute(string modelPath, IReadOnlyList<(string Name, string Image, string Mask)> pairs, ValidationSettings settings, string validatorPath)
    {
        using var sha = SHA256.Create();
        var text = new StringBuilder();
        using (var model = File.OpenRead(modelPath))
            text.Append("model ").Append(Hex(sha.ComputeHash(model))).Append('\n');
        text.Append("iou ").Append(settings.IoUThreshold.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        text.Append("minimum ").Append(settings.MinimumAveragePrecision.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        text.Append("validator ").Append(Stamp(validatorPath)).Append('\n');
        foreach (var (name, image, mask) in pairs)
            text.Append("pair ").Append(name).Append(' ').Append(Stamp(image)).Append(' ').Append(Stamp(mask)).Append('\n');
        return Hex(sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Stamp(string path)
    {
        var info = new FileInfo(path);
        return string.Format(CultureInfo.InvariantCulture, "{0}:{1}:{2}", Path.GetFileName(path), info.Length, info.LastWriteTimeUtc.Ticks);
    }

    private static string Hex(byte[] bytes) => string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
