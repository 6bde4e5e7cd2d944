namespace SegKit.Build.Tasks;

/// <summary>
/// Pairs validation images with their masks by file name exactly as <c>segkit eval</c> does: a mask's stem may carry
/// one of the suffixes _cp_masks, _masks, _labels or _mask (x_masks.tif pairs with x.png). Every image must have
/// exactly one mask and every mask one image.
/// </summary>
internal static class ValidationPairs
{
    private static readonly string[] Extensions = [".png", ".tif", ".tiff", ".jpg", ".jpeg"];
    private static readonly string[] Suffixes = ["_cp_masks", "_masks", "_labels", "_mask"];

    /// <returns>(name, image, mask) in name order.</returns>
    public static IReadOnlyList<(string Name, string Image, string Mask)> Pair(string identity, string imagesFolder, string masksFolder)
    {
        foreach (var (folder, option) in new[] { (imagesFolder, "ValidationImages"), (masksFolder, "ValidationMasks") })
        {
            if (!Directory.Exists(folder))
                throw new SegKitBuildException(ErrorCodes.MissingValidationFolder, identity, $"{option} folder {folder} does not exist");
        }

        var images = Index(identity, imagesFolder, "images");
        var masks = Index(identity, masksFolder, "masks");
        var lonelyImages = images.Keys.Where(k => !masks.ContainsKey(k)).Select(k => images[k]).ToList();
        var lonelyMasks = masks.Keys.Where(k => !images.ContainsKey(k)).Select(k => masks[k]).ToList();
        if (lonelyImages.Count > 0 || lonelyMasks.Count > 0)
        {
            var parts = new List<string>();
            if (lonelyImages.Count > 0)
                parts.Add($"{lonelyImages.Count} image(s) without a mask in {masksFolder} ({Few(lonelyImages)})");
            if (lonelyMasks.Count > 0)
                parts.Add($"{lonelyMasks.Count} mask(s) without an image in {imagesFolder} ({Few(lonelyMasks)})");
            throw new SegKitBuildException(ErrorCodes.ImageMaskMismatch, identity, $"validation images and masks do not pair by file name: {string.Join("; ", parts)}");
        }

        if (images.Count == 0)
            throw new SegKitBuildException(ErrorCodes.ImageMaskMismatch, identity, $"no validation images (PNG, TIFF, JPEG) in {imagesFolder}");
        return images.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => (k, images[k], masks[k])).ToList();
    }

    private static Dictionary<string, string> Index(string identity, string folder, string what)
    {
        var byKey = new Dictionary<string, string>(StringComparer.Ordinal);
        // Hidden files (macOS's ._x.png resource forks, editors' temporaries) are skipped, as segkit eval's listing skips them.
        foreach (var file in Directory.GetFiles(folder).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal))
        {
            var key = Key(file);
            if (byKey.TryGetValue(key, out var other))
                throw new SegKitBuildException(ErrorCodes.ImageMaskMismatch, identity, $"two validation {what} pair under the name '{key}': {other} and {file}");
            byKey[key] = file;
        }

        return byKey;
    }

    private static string Key(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        foreach (var suffix in Suffixes)
        {
            if (stem.EndsWith(suffix, StringComparison.Ordinal) && stem.Length > suffix.Length)
                return stem.Substring(0, stem.Length - suffix.Length);
        }

        return stem;
    }

    private static string Few(List<string> files) =>
        string.Join(", ", files.Take(3).Select(Path.GetFileName)) + (files.Count > 3 ? ", ..." : "");
}
