using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using SegKit.Interop.Pickle;

namespace SegKit.Interop.Torch;

/// <summary>
/// Reads what torch.save wrote since PyTorch 1.6: a zip archive holding NAME/data.pkl (the pickled object) and
/// NAME/data/KEY (each storage's raw little-endian bytes). The pickle goes through <see cref="PickleReader"/>, so
/// nothing in the file is ever executed; the object must be a dict of tensors (a state dict). Every size in the file
/// is checked against the bytes really there before anything is allocated for it.
/// </summary>
public static class TorchArchive
{
    /// <summary>The largest data.pkl read; a state dict's pickle is a few hundred kilobytes.</summary>
    public const int MaxPickleBytes = 64 << 20;

    private static readonly byte[] LocalHeader = [(byte)'P', (byte)'K', 3, 4];

    /// <summary>Reads a state dict: tensor name to tensor, in the file's order.</summary>
    /// <exception cref="ModelFileException">The file is missing, not a torch.save archive, damaged, or holds something other than named tensors.</exception>
    public static IReadOnlyList<KeyValuePair<string, TorchTensor>> ReadStateDictionary(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ModelFileException("model file not found", path);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            CheckSignature(stream, path);
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            return Read(zip, stream.Length, path);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or NotSupportedException or ArgumentException or IOException && e is not FileNotFoundException)
        {
            throw new ModelFileException($"not a readable PyTorch archive: {e.Message}", path, e);
        }
    }

    private static void CheckSignature(FileStream stream, string path)
    {
        Span<byte> head = stackalloc byte[4];
        if (stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4 || !head.SequenceEqual(LocalHeader))
        {
            throw new ModelFileException(
                "not a PyTorch model archive (a zip written by torch.save); files saved by PyTorch before 1.6 in the legacy format are not read: load and save the model again with a newer PyTorch",
                path);
        }

        stream.Position = 0;
    }

    private static List<KeyValuePair<string, TorchTensor>> Read(ZipArchive zip, long fileLength, string path)
    {
        var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToList();
        if (pickles.Count != 1)
        {
            throw new ModelFileException($"a PyTorch archive has one NAME/data.pkl entry; this zip has {pickles.Count}", path);
        }

        string prefix = pickles[0].FullName[..^"data.pkl".Length];
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            if (!entries.TryAdd(entry.FullName, entry))
            {
                throw new ModelFileException($"the archive holds entry {UntrustedText.Quote(entry.FullName)} twice", path);
            }
        }

        if (entries.TryGetValue(prefix + "byteorder", out ZipArchiveEntry? byteOrder))
        {
            string order = System.Text.Encoding.ASCII.GetString(ReadEntry(byteOrder, 16, fileLength, path)).Trim();
            if (order != "little")
            {
                throw new ModelFileException($"the tensors are stored {order}-endian; SegKit reads little-endian files", path);
            }
        }

        object? root = PickleReader.Read(ReadEntry(pickles[0], MaxPickleBytes, fileLength, path), path, UntrustedText.Quote(pickles[0].FullName));
        if (root is not PickleDictionary dict)
        {
            throw new ModelFileException($"holds a {Describe(root)}, not a state dict (a dict of named tensors)", path);
        }

        var storages = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var tensors = new List<KeyValuePair<string, TorchTensor>>(dict.Count);
        foreach (var (key, value) in dict.Entries)
        {
            if (key is not string name)
            {
                throw new ModelFileException($"a state-dict key is a {Describe(key)}, not a name", path);
            }

            if (value is not TorchTensorReference reference)
            {
                throw new ModelFileException($"state-dict entry '{UntrustedText.Quote(name)}' is a {Describe(value)}, not a tensor", path);
            }

            TorchStorageReference storage = reference.Storage;
            if (!storages.TryGetValue(storage.Key, out byte[]? bytes))
            {
                string entryName = prefix + "data/" + storage.Key;
                if (!entries.TryGetValue(entryName, out ZipArchiveEntry? entry))
                {
                    throw new ModelFileException($"tensor '{UntrustedText.Quote(name)}' refers to storage '{UntrustedText.Quote(storage.Key)}', which the archive lacks ({UntrustedText.Quote(entryName)})", path);
                }

                int elementSize = TorchDataTypes.Size(storage.DataType);
                long expected = storage.ElementCount <= fileLength / elementSize ? storage.ElementCount * elementSize : long.MaxValue;
                if (entry.Length != expected)
                {
                    throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"storage '{UntrustedText.Quote(storage.Key)}' of tensor '{UntrustedText.Quote(name)}' should hold {storage.ElementCount} {storage.DataType} values ({expected} bytes) but its entry has {entry.Length} bytes"), path);
                }

                bytes = ReadEntry(entry, int.MaxValue, fileLength, path);
                storages[storage.Key] = bytes;
            }

            tensors.Add(new(name, Materialise(name, reference, bytes, path)));
        }

        return tensors;
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, int limit, long fileLength, string path)
    {
        // A stored entry cannot be larger than the file; a compressed one claiming more would be a zip bomb.
        if (entry.Length > limit || entry.Length > fileLength)
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"archive entry {UntrustedText.Quote(entry.FullName)} claims {entry.Length} bytes, more than the file ({fileLength} bytes) or this reader's limit ({limit}) allows"), path);
        }

        var bytes = new byte[entry.Length];
        using Stream stream = entry.Open();
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read != bytes.Length)
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"archive entry {UntrustedText.Quote(entry.FullName)} is truncated: {read} of {bytes.Length} bytes"), path);
        }

        return bytes;
    }

    private static TorchTensor Materialise(string name, TorchTensorReference reference, byte[] bytes, string path)
    {
        TorchStorageReference storage = reference.Storage;
        long count = 1;
        long last = reference.Offset;
        try
        {
            for (int d = 0; d < reference.Shape.Length; d++)
            {
                count = checked(count * reference.Shape[d]);
                if (reference.Shape[d] > 0)
                {
                    last = checked(last + ((reference.Shape[d] - 1) * reference.Stride[d]));
                }
            }
        }
        catch (OverflowException)
        {
            throw new ModelFileException($"tensor '{UntrustedText.Quote(name)}' has an impossible shape [{string.Join(", ", reference.Shape)}]", path);
        }

        // A tensor holds no more elements than its storage (no zero-stride broadcasting in a state dict), so its values
        // never need more memory than the file's bytes. The bound is the bytes read, not this reference's claim: a second
        // reference to a storage already read may claim more elements (or a wider type) than the first was checked for.
        int size = TorchDataTypes.Size(storage.DataType);
        long elements = bytes.Length / size;
        if (count > elements || (count > 0 && last >= elements))
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"tensor '{UntrustedText.Quote(name)}' of shape [{string.Join(", ", reference.Shape)}] reaches element {last} of a storage of {elements}"), path);
        }

        float[]? floats = TorchDataTypes.IsFloatingPoint(storage.DataType) ? new float[count] : null;
        long[]? integers = floats is null ? new long[count] : null;
        var index = new long[reference.Shape.Length];
        long offset = reference.Offset;
        for (long i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> element = bytes.AsSpan(checked((int)(offset * size)), size);
            if (floats is not null)
            {
                floats[i] = storage.DataType switch
                {
                    TorchDataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(element),
                    TorchDataType.Float64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(element),
                    TorchDataType.Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(element),
                    _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element) << 16),
                };
            }
            else
            {
                integers![i] = storage.DataType == TorchDataType.Int64 ? BinaryPrimitives.ReadInt64LittleEndian(element) : BinaryPrimitives.ReadInt32LittleEndian(element);
            }

            // Advance the row-major index over the strided view.
            for (int d = index.Length - 1; d >= 0; d--)
            {
                offset += reference.Stride[d];
                if (++index[d] < reference.Shape[d])
                {
                    break;
                }

                offset -= reference.Stride[d] * reference.Shape[d];
                index[d] = 0;
            }
        }

        return new TorchTensor(reference.Shape, storage.DataType, floats, integers);
    }

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        string => "str",
        long => "int",
        double => "float",
        bool => "bool",
        byte[] => "bytes",
        PickleTuple => "tuple",
        List<object?> => "list",
        PickleDictionary => "dict",
        TorchTensorReference => "tensor",
        NumpyArray => "numpy array",
        _ => value.GetType().Name,
    };
}
