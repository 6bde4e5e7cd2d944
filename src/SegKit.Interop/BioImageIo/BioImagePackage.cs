using System.IO.Compression;
using System.Security.Cryptography;

namespace SegKit.Interop.BioImageIo;

/// <summary>
/// A bioimage.io model package as it arrives: a folder or a .zip holding rdf.yaml (or bioimageio.yaml) and the files it
/// names. Files are read by their name in the rdf only, never by a path that leaves the package, and never beyond a
/// size limit, whatever a zip entry claims.
/// </summary>
public sealed class BioImagePackage : IDisposable
{
    /// <summary>The largest file read from a package (weights included).</summary>
    public const long MaxFileBytes = 1L << 30;

    private readonly ZipArchive? _zip;
    private readonly string? _folder;

    private BioImagePackage(string path, string? folder, ZipArchive? zip, string descriptionName)
    {
        Path = path;
        _folder = folder;
        _zip = zip;
        DescriptionName = descriptionName;
    }

    /// <summary>The folder or .zip as given.</summary>
    public string Path { get; }

    /// <summary>rdf.yaml, or bioimageio.yaml where a package uses that name.</summary>
    public string DescriptionName { get; }

    /// <summary>Opens a package folder or .zip.</summary>
    /// <exception cref="ModelFileException">Neither a folder nor a readable zip, or no rdf.yaml in it.</exception>
    public static BioImagePackage Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            string? name = new[] { "rdf.yaml", "bioimageio.yaml" }.FirstOrDefault(n => Present(System.IO.Path.Combine(path, n)));
            return new BioImagePackage(path, path, null, name ?? throw new ModelFileException("has no rdf.yaml (a bioimage.io package folder holds its model description as rdf.yaml)", path));
        }

        if (!File.Exists(path))
        {
            throw new ModelFileException("not found (give a bioimage.io package: a folder or a .zip with an rdf.yaml)", path);
        }

        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new ModelFileException($"is neither a folder nor a readable zip ({e.Message})", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"cannot be read ({e.Message})", path, e);
        }

        try
        {
            string? name = new[] { "rdf.yaml", "bioimageio.yaml" }.FirstOrDefault(n => zip.GetEntry(n) is not null);
            return new BioImagePackage(path, null, zip, name ?? throw new ModelFileException("is a zip without rdf.yaml at its top (not a bioimage.io model package)", path));
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>How a file in the package is named in messages: "package.zip/weights.onnx".</summary>
    public string NameOf(string relative) => $"{Path.TrimEnd('/')}/{UntrustedText.Quote(relative)}";

    /// <summary>Whether the package holds <paramref name="relative"/> (an rdf's "source"). URLs are not fetched: false.</summary>
    public bool Contains(string relative) => Locate(relative) is not null;

    /// <summary>Reads a file of the package whole, at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="ModelFileException">The name leaves the package or is a URL, the file is missing, too large or damaged.</exception>
    public byte[] Read(string relative, long maxBytes = MaxFileBytes)
    {
        string name = NameOf(relative);
        object location = Locate(relative) ?? throw new ModelFileException(
            IsUrl(relative) ? "is a URL; SegKit reads packages offline, so every file must be inside the package"
            : LeavesFolder(relative) ? "is a link that leads out of the package folder (or through a linked folder); SegKit reads only the package's own files"
            : "is named in the rdf but missing from the package",
            name);
        try
        {
            if (location is string file)
            {
                return ReadFile(file, maxBytes, name);
            }

            var entry = (ZipArchiveEntry)location;
            if (entry.Length > maxBytes)
            {
                throw new ModelFileException($"claims {entry.Length} bytes, more than the {maxBytes} SegKit reads from a package", name);
            }

            // Deflate expands at most about 1032-fold: a larger claim is a lie, refused before its buffer is allocated.
            if (entry.Length > (entry.CompressedLength * 1100) + 4096)
            {
                throw new ModelFileException($"claims {entry.Length} bytes from {entry.CompressedLength} compressed, more than deflate can expand to", name);
            }

            // The entry's stated length may still lie: read no more than it states, and refuse data that stops short or runs on.
            var bytes = new byte[entry.Length];
            using Stream stream = entry.Open();
            stream.ReadExactly(bytes);
            if (stream.ReadByte() >= 0)
            {
                throw new ModelFileException("holds more data than its zip entry states", name);
            }

            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"cannot be read from the package ({e.Message})", name, e);
        }
    }

    /// <summary>Reads a file and checks its SHA-256 against the rdf's, when the rdf gives one.</summary>
    /// <exception cref="ModelFileException">The file is missing or unreadable, or its SHA-256 differs.</exception>
    public byte[] ReadVerified(string relative, string? sha256, long maxBytes = MaxFileBytes)
    {
        byte[] bytes = Read(relative, maxBytes);
        if (sha256 is not null)
        {
            string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!actual.Equals(sha256.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelFileException($"has SHA-256 {actual} but the rdf says {UntrustedText.Quote(sha256)} (damaged or replaced)", NameOf(relative));
            }
        }

        return bytes;
    }

    public void Dispose() => _zip?.Dispose();

    private static bool IsUrl(string relative) => relative.Contains("://", StringComparison.Ordinal);

    /// <summary>A file path or zip entry for a package-relative name; null when absent or not a plain relative name.</summary>
    private object? Locate(string relative)
    {
        string normalized = relative.Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }

        if (normalized.Length == 0 || IsUrl(normalized) || normalized.StartsWith('/') || normalized.Split('/').Any(part => part is ".." or "")
            || normalized.Contains(':', StringComparison.Ordinal))
        {
            return null;
        }

        if (_zip is not null)
        {
            return _zip.GetEntry(normalized);
        }

        return InsideFolder(normalized);
    }

    /// <summary>
    /// The file a package-relative name reaches, following links, when every step stays inside the package folder and
    /// ends at an existing file; else null. A link may lead anywhere (/dev/zero, a user's keys), so the name alone does
    /// not keep a read inside the package.
    /// </summary>
    private string? InsideFolder(string normalized)
    {
        string root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(_folder!));
        string inside = root + System.IO.Path.DirectorySeparatorChar;
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, normalized));
        for (int hop = 0; hop < 16; hop++)
        {
            if (!path.StartsWith(inside, StringComparison.Ordinal))
            {
                return null;
            }

            for (string? folder = System.IO.Path.GetDirectoryName(path); folder is not null && folder.Length > root.Length; folder = System.IO.Path.GetDirectoryName(folder))
            {
                if (new DirectoryInfo(folder).LinkTarget is not null)
                {
                    return null;
                }
            }

            var info = new FileInfo(path);
            if (info.LinkTarget is not { } target)
            {
                return info.Exists ? path : null;
            }

            path = System.IO.Path.GetFullPath(target, System.IO.Path.GetDirectoryName(path)!);
        }

        return null;
    }

    /// <summary>Whether a name that <see cref="Locate"/> refused is there in the folder, as a link or behind one.</summary>
    private bool LeavesFolder(string relative) =>
        _folder is not null && !relative.Contains("..", StringComparison.Ordinal)
        && Present(System.IO.Path.Combine(_folder, relative));

    /// <summary>Whether a file is there, or a link is, even one whose target is missing or outside the package.</summary>
    private static bool Present(string path) => File.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>
    /// Reads a regular file of at most <paramref name="maxBytes"/>. Links out of the package are refused before this, and
    /// a named pipe or a device states a length of 0: refused here before it is opened, since opening a pipe waits for a
    /// writer that may never come and reading a device may never end. Every file SegKit reads from a package (the rdf,
    /// weights, test tensors) holds data.
    /// </summary>
    private static byte[] ReadFile(string file, long maxBytes, string name)
    {
        long length = new FileInfo(file).Length;
        if (length == 0)
        {
            throw new ModelFileException("is empty, or not a regular file (a named pipe, a device); SegKit reads only regular files from a package", name);
        }

        return length > maxBytes
            ? throw new ModelFileException($"is {length} bytes, more than the {maxBytes} SegKit reads from a package", name)
            : File.ReadAllBytes(file);
    }
}
