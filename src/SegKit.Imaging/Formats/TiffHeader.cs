using System.Buffers.Binary;

namespace SegKit.Imaging.Formats;

/// <summary>
/// Walks a TIFF's chain of image file directories (classic and BigTIFF, either byte order) and reads the tags
/// that describe each page. It also checks that every strip or tile lies inside the file, which catches
/// truncated files before the native decoder sees them (libtiff would otherwise read short strips).
/// </summary>
internal static class TiffHeader
{
    private const ushort ImageWidth = 256;
    private const ushort ImageLength = 257;
    private const ushort BitsPerSample = 258;
    private const ushort Compression = 259;
    private const ushort Photometric = 262;
    private const ushort StripOffsets = 273;
    private const ushort SamplesPerPixel = 277;
    private const ushort RowsPerStrip = 278;
    private const ushort StripByteCounts = 279;
    private const ushort PlanarConfiguration = 284;
    private const ushort TileOffsets = 324;
    private const ushort TileByteCounts = 325;
    private const ushort SampleFormat = 339;

    /// <summary>OpenCV's limit on channels per matrix (CV_CN_MAX is 512, exclusive).</summary>
    private const int MaxSamplesPerPixel = 511;

    public static bool HasSignature(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && ((start[0] == 'I' && start[1] == 'I' && start[2] is 42 or 43 && start[3] == 0)
                           || (start[0] == 'M' && start[1] == 'M' && start[2] == 0 && start[3] is 42 or 43));

    public static TiffStructure Read(HeaderReader reader)
    {
        Span<byte> head = stackalloc byte[4];
        reader.ReadExactly(0, head, "the TIFF header");
        reader.LittleEndian = head[0] == 'I';
        bool bigTiff = reader.ReadUInt16(2, "the TIFF header") == 43;
        long next = bigTiff ? CheckedOffset(reader, reader.ReadUInt64(8, "the BigTIFF header")) : reader.ReadUInt32(4, "the TIFF header");

        var pages = new List<TiffPage>();
        var seen = new HashSet<long>();
        while (next != 0)
        {
            if (!seen.Add(next))
            {
                throw reader.Corrupt("TIFF", $"the page chain loops back to the directory at byte {next}");
            }

            pages.Add(ReadPage(reader, bigTiff, pages.Count, next, out next));
        }

        if (pages.Count == 0)
        {
            throw reader.Corrupt("TIFF", "it holds no page");
        }

        return new TiffStructure(reader.LittleEndian, bigTiff, pages);
    }

    private static TiffPage ReadPage(HeaderReader reader, bool bigTiff, int index, long offset, out long next)
    {
        string where = $"TIFF page {index}'s directory";
        long count = bigTiff ? CheckedOffset(reader, reader.ReadUInt64(offset, where)) : reader.ReadUInt16(offset, where);
        int countSize = bigTiff ? 8 : 2;
        int entrySize = bigTiff ? 20 : 12;
        int pointerSize = bigTiff ? 8 : 4;
        long blockLength = (count * entrySize) + pointerSize;
        if (offset + countSize + blockLength > reader.Length)
        {
            throw reader.Truncated(where, offset + countSize + blockLength);
        }

        var block = new byte[blockLength];
        reader.ReadExactly(offset + countSize, block, where);

        long width = -1, height = -1;
        int bits = 1, samples = 1, format = 1, photometric = 1, compression = 1, planar = 1;
        long rowsPerStrip = uint.MaxValue;
        bool tiled = false;
        long[]? dataOffsets = null, dataCounts = null;
        for (int i = 0; i < count; i++)
        {
            var entry = new Entry(block.AsSpan(i * entrySize, entrySize), bigTiff, reader.LittleEndian);
            switch (entry.Tag)
            {
                case ImageWidth: width = First(reader, entry, where); break;
                case ImageLength: height = First(reader, entry, where); break;
                case BitsPerSample: bits = (int)First(reader, entry, where); break;
                case Compression: compression = (int)First(reader, entry, where); break;
                case Photometric: photometric = (int)First(reader, entry, where); break;
                case SamplesPerPixel: samples = (int)First(reader, entry, where); break;
                case SampleFormat: format = (int)First(reader, entry, where); break;
                case RowsPerStrip: rowsPerStrip = First(reader, entry, where); break;
                case PlanarConfiguration: planar = (int)First(reader, entry, where); break;
                case StripOffsets: dataOffsets = Values(reader, entry, where); break;
                case TileOffsets: dataOffsets = Values(reader, entry, where); tiled = true; break;
                case StripByteCounts or TileByteCounts: dataCounts = Values(reader, entry, where); break;
            }
        }

        ReadOnlySpan<byte> pointer = block.AsSpan((int)(count * entrySize), pointerSize);
        next = bigTiff
            ? CheckedOffset(reader, reader.LittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(pointer) : BinaryPrimitives.ReadUInt64BigEndian(pointer))
            : reader.LittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(pointer) : BinaryPrimitives.ReadUInt32BigEndian(pointer);

        if (width < 0 || height < 0)
        {
            throw reader.Corrupt("TIFF", $"page {index} has no image width or length tag");
        }

        ImageDimensions.Check((ulong)width, (ulong)height, reader.Path);
        if (samples is < 1 or > MaxSamplesPerPixel)
        {
            throw reader.Corrupt("TIFF", $"page {index} has {samples} samples per pixel (1..{MaxSamplesPerPixel} can be read)");
        }

        if (dataOffsets is null)
        {
            throw reader.Corrupt("TIFF", $"page {index} has no strip or tile offsets");
        }

        CheckDataInsideFile(reader, index, dataOffsets, dataCounts);
        var layout = new TiffDataLayout(dataOffsets, dataCounts, (int)Math.Clamp(rowsPerStrip, 1, height), planar, tiled);
        return new TiffPage(offset, (int)width, (int)height, samples, bits, format, photometric, compression, layout);
    }

    private static void CheckDataInsideFile(HeaderReader reader, int index, long[] offsets, long[]? counts)
    {
        if (counts is null || counts.Length != offsets.Length)
        {
            return; // libtiff estimates missing byte counts; nothing reliable to check here
        }

        for (int i = 0; i < offsets.Length; i++)
        {
            // Offsets and counts are at most long.MaxValue each, so compare without adding first.
            if (offsets[i] > reader.Length || counts[i] > reader.Length - offsets[i])
            {
                long end = offsets[i] > long.MaxValue - counts[i] ? long.MaxValue : offsets[i] + counts[i];
                throw reader.Truncated($"the pixel data of TIFF page {index}", end);
            }
        }
    }

    private static long First(HeaderReader reader, Entry entry, string where)
    {
        if (entry.Count == 0)
        {
            throw reader.Corrupt("TIFF", $"{where} has tag {entry.Tag} with no value");
        }

        return ReadValue(reader, entry, 0, where);
    }

    private static long[] Values(HeaderReader reader, Entry entry, string where)
    {
        int size = TypeSize(reader, entry);
        if (entry.Count > reader.Length / size)
        {
            throw reader.Corrupt("TIFF", $"{where} says tag {entry.Tag} has {entry.Count} values, more than the file can hold");
        }

        int count = (int)entry.Count;
        ReadOnlySpan<byte> raw;
        if (count * size <= entry.ValueField.Length)
        {
            raw = entry.ValueField;
        }
        else
        {
            // One read for the whole array: stacks can have thousands of strips per page.
            var buffer = new byte[count * size];
            reader.ReadExactly(Decode(entry.ValueField, entry.ValueField.Length, reader.LittleEndian), buffer, where);
            raw = buffer;
        }

        var values = new long[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Decode(raw.Slice(i * size, size), size, reader.LittleEndian);
        }

        return values;
    }

    /// <summary>Value i of an integer tag, from the entry itself when it fits there, otherwise from the file.</summary>
    private static long ReadValue(HeaderReader reader, Entry entry, long i, string where)
    {
        int size = TypeSize(reader, entry);
        bool inline = entry.Count * size <= entry.ValueField.Length;
        if (inline)
        {
            ReadOnlySpan<byte> v = entry.ValueField.Slice((int)(i * size), size);
            return Decode(v, size, reader.LittleEndian);
        }

        long at = (long)Decode(entry.ValueField, entry.ValueField.Length, reader.LittleEndian) + (i * size);
        Span<byte> buffer = stackalloc byte[8];
        reader.ReadExactly(at, buffer[..size], where);
        return Decode(buffer[..size], size, reader.LittleEndian);
    }

    private static long Decode(ReadOnlySpan<byte> v, int size, bool littleEndian) => size switch
    {
        1 => v[0],
        2 => littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(v) : BinaryPrimitives.ReadUInt16BigEndian(v),
        4 => littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(v) : BinaryPrimitives.ReadUInt32BigEndian(v),
        _ => (long)Math.Min(long.MaxValue, littleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(v) : BinaryPrimitives.ReadUInt64BigEndian(v)),
    };

    /// <summary>Byte size of the integer field types (BYTE, SHORT, LONG, IFD, LONG8, IFD8).</summary>
    private static int TypeSize(HeaderReader reader, Entry entry) => entry.Type switch
    {
        1 => 1,
        3 => 2,
        4 or 13 => 4,
        16 or 18 => 8,
        _ => throw reader.Corrupt("TIFF", $"tag {entry.Tag} has field type {entry.Type}, not an unsigned integer"),
    };

    private static long CheckedOffset(HeaderReader reader, ulong value) =>
        value <= (ulong)reader.Length ? (long)value : throw reader.Truncated("a TIFF directory", value > long.MaxValue ? long.MaxValue : (long)value);

    /// <summary>One 12-byte (classic) or 20-byte (BigTIFF) directory entry.</summary>
    private readonly ref struct Entry
    {
        public Entry(ReadOnlySpan<byte> bytes, bool bigTiff, bool littleEndian)
        {
            Tag = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes);
            Type = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[2..]) : BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
            ulong count = bigTiff
                ? (littleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(bytes[4..]) : BinaryPrimitives.ReadUInt64BigEndian(bytes[4..]))
                : (littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]) : BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]));
            Count = (long)Math.Min(count, int.MaxValue);
            ValueField = bigTiff ? bytes.Slice(12, 8) : bytes.Slice(8, 4);
        }

        public ushort Tag { get; }

        public ushort Type { get; }

        public long Count { get; }

        public ReadOnlySpan<byte> ValueField { get; }
    }
}
