using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SegKit.Core.IO;

/// <summary>
/// Reads and writes NumPy .npy files (format versions 1-3, little-endian, C order), the exchange format of
/// Cellpose (flows, probabilities) and bioimage.io test tensors.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    // Where the stream cannot say how much is left: far above any real header (numpy itself reads at most 10,000 bytes).
    private const uint MaxUnseekableHeader = 1 << 20;

    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new InvalidImageException("file not found", path);
        }

        try
        {
            using var stream = File.OpenRead(path);
            return Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidImageException($"not a valid .npy file: {e.Message}", path, e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidImageException("truncated .npy file", path, e);
        }
    }

    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException("missing the \\x93NUMPY magic");
        }

        int major = prefix[6];
        long headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            stream.ReadExactly(len);
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            stream.ReadExactly(len);
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(len);
        }
        else
        {
            throw new InvalidDataException($"unsupported format version {major}");
        }

        // The length is untrusted: it may not make us allocate more than the file holds.
        long limit = stream.CanSeek ? stream.Length - stream.Position : MaxUnseekableHeader;
        if (headerLength > limit)
        {
            throw new InvalidDataException(stream.CanSeek
                ? $"the header claims {headerLength} bytes, more than the {limit} bytes left in the file"
                : $"the header claims {headerLength} bytes, more than {MaxUnseekableHeader} bytes, the most read from a stream of unknown length");
        }

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        string descr = Field(DescrPattern(), header, "descr");
        if (Field(FortranPattern(), header, "fortran_order") == "True")
        {
            throw new InvalidDataException("Fortran-order arrays are not supported");
        }

        string shapeText = Field(ShapePattern(), header, "shape");
        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int d)
                ? d
                : throw new InvalidDataException($"the shape ({shapeText.Trim()}) has '{s}', not a whole number that fits 32 bits"))
            .ToArray();
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new InvalidDataException($"the shape ({shapeText.Trim()}) has a negative dimension");
            }

            count = count * d > Array.MaxLength ? Array.MaxLength + 1L : count * d;
        }

        if (count > Array.MaxLength)
        {
            throw new InvalidDataException($"the shape ({shapeText.Trim()}) is too large for one array");
        }

        Array values = descr switch
        {
            "<f4" => ReadValues<float>(stream, count),
            "<f8" => ReadValues<double>(stream, count),
            "<i4" => ReadValues<int>(stream, count),
            "<u4" => ReadValues<uint>(stream, count),
            "<i8" => ReadValues<long>(stream, count),
            "<u8" => ReadValues<ulong>(stream, count),
            "<i2" => ReadValues<short>(stream, count),
            "<u2" => ReadValues<ushort>(stream, count),
            "|u1" or "<u1" => ReadValues<byte>(stream, count),
            "|i1" or "<i1" => ReadValues<sbyte>(stream, count),
            "|b1" => ReadValues<byte>(stream, count).Select(b => b != 0).ToArray(),
            _ => throw new InvalidDataException($"unsupported dtype '{descr}' (little-endian numeric types only)"),
        };
        return new NpyArray(descr, shape, values);
    }

    public static void Write(string path, ReadOnlySpan<float> values, params int[] shape) => WriteTyped(path, "<f4", values, shape);

    public static void Write(string path, ReadOnlySpan<double> values, params int[] shape) => WriteTyped(path, "<f8", values, shape);

    public static void Write(string path, ReadOnlySpan<int> values, params int[] shape) => WriteTyped(path, "<i4", values, shape);

    public static void Write(string path, ReadOnlySpan<ushort> values, params int[] shape) => WriteTyped(path, "<u2", values, shape);

    /// <summary>Writes to a stream in format version 1.0 (header padded so data starts on a 64-byte boundary).</summary>
    public static void Write<T>(Stream stream, string dtype, ReadOnlySpan<T> values, params int[] shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
        }

        if (count != values.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill shape [{string.Join(", ", shape)}]", nameof(shape));
        }

        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int padding = (64 - (unpadded % 64)) % 64;
        string header = dict + new string(' ', padding) + "\n";
        Span<byte> prefix = stackalloc byte[10];
        Magic.CopyTo(prefix);
        prefix[6] = 1;
        prefix[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(prefix[8..], checked((ushort)header.Length));
        stream.Write(prefix);
        stream.Write(Encoding.Latin1.GetBytes(header));
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("big-endian hosts are not supported");
        }

        stream.Write(MemoryMarshal.AsBytes(values));
    }

    private static void WriteTyped<T>(string path, string dtype, ReadOnlySpan<T> values, int[] shape)
        where T : unmanaged
    {
        T[] copy = values.ToArray();
        AtomicFile.Write(path, s => Write<T>(s, dtype, copy, shape));
    }

    private static T[] ReadValues<T>(Stream stream, long count)
        where T : unmanaged
    {
        // The header is untrusted: a few bytes must not make us allocate gigabytes they cannot fill.
        long bytes = count * Unsafe.SizeOf<T>();
        if (stream.CanSeek && stream.Length - stream.Position < bytes)
        {
            throw new InvalidDataException($"the header says {count} values ({bytes} bytes) but only {stream.Length - stream.Position} bytes follow");
        }

        var values = new T[count];
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static string Field(Regex pattern, string header, string name)
    {
        Match m = pattern.Match(header);
        if (!m.Success)
        {
            throw new InvalidDataException($"header has no '{name}' entry: {header.Trim()}");
        }

        return m.Groups[1].Value;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
