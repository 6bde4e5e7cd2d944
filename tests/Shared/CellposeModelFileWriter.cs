using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SegKit.Interop.Cellpose;
using SegKit.Training.Models;
using static TorchSharp.torch;

namespace SegKit.Testing;

/// <summary>
/// Writes files in the format of Cellpose's model files (torch.save of a state dict: a stored zip with NAME/data.pkl, a
/// protocol-2 pickle as PyTorch writes it, and NAME/data/N raw little-endian storages), from a SegKit CellposeNet's
/// weights or from hand-made tensors, so the default tests cover the reader without the 26 MB real file. The pickle is
/// built opcode by opcode here, the way torch's pickler lays it out, independently of the reader under test.
/// Linked into the test projects that read Cellpose files.
/// </summary>
internal static class CellposeModelFileWriter
{
    /// <summary>One state-dict entry: floats (stored as FloatStorage) or integers (LongStorage).</summary>
    public sealed record Entry(string Name, long[] Shape, float[]? Floats = null, long[]? Integers = null);

    /// <summary>A small CellposeNet (2 input channels, widths 4-8) with random weights and batch-norm statistics.</summary>
    public static CellposeNet TinyNetwork(int seed, IReadOnlyList<int>? widths = null)
    {
        SegKit.Training.TorchRuntime.EnsureLoaded();
        manual_seed(seed);
        var net = new CellposeNet(new CellposeNetOptions { Widths = widths ?? [4, 8], DiameterMean = 17 });
        using (no_grad())
        {
            // Fresh batch norms are the identity; random statistics make a wrong mapping visible in the output.
            foreach (var (name, tensor) in net.state_dict())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal))
                {
                    tensor.copy_(randn(tensor.shape) * 0.1);
                }
                else if (name.EndsWith("running_var", StringComparison.Ordinal))
                {
                    tensor.copy_(rand(tensor.shape) + 0.5);
                }
            }
        }

        net.eval();
        return net;
    }

    /// <summary>The state dict Cellpose would save for <paramref name="net"/>: diameters first, then every tensor under its Cellpose name.</summary>
    public static List<Entry> Entries(CellposeNet net, float diameterMean = 17, float? diameterLabels = 21.5f)
    {
        var entries = new List<Entry> { new("diam_mean", [1], [diameterMean]) };
        if (diameterLabels is float labels)
        {
            entries.Add(new("diam_labels", [1], [labels]));
        }

        foreach (var (name, tensor) in net.state_dict())
        {
            string cellposeName = CellposeKeyMap.ToCellpose(name) ?? throw new InvalidOperationException($"no Cellpose name for {name}");
            entries.Add(tensor.dtype == ScalarType.Int64
                ? new Entry(cellposeName, tensor.shape, Integers: tensor.data<long>().ToArray())
                : new Entry(cellposeName, tensor.shape, Floats: tensor.contiguous().data<float>().ToArray()));
        }

        return entries;
    }

    public static void Write(string path, IReadOnlyList<Entry> entries, string archiveName = "tiny_model") =>
        File.WriteAllBytes(path, ToBytes(entries, archiveName));

    public static byte[] ToBytes(IReadOnlyList<Entry> entries, string archiveName = "tiny_model") =>
        Archive(archiveName, StateDictPickle(entries), entries.Select(Storage).ToList());

    /// <summary>A torch.save zip around any pickle (e.g. one that holds code) and storages data/0, data/1, ...</summary>
    public static byte[] Archive(string archiveName, byte[] pickle, IReadOnlyList<byte[]> storages)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, $"{archiveName}/data.pkl", pickle);
            Add(zip, $"{archiveName}/byteorder", Encoding.ASCII.GetBytes("little"));
            for (int i = 0; i < storages.Count; i++)
            {
                Add(zip, $"{archiveName}/data/{i}", storages[i]);
            }

            Add(zip, $"{archiveName}/version", Encoding.ASCII.GetBytes("3\n"));
        }

        return buffer.ToArray();
    }

    /// <summary>The protocol-2 pickle of an OrderedDict of tensors, storage i holding entry i, as torch.save lays it out.</summary>
    public static byte[] StateDictPickle(IReadOnlyList<Entry> entries)
    {
        var p = new PickleBytes();
        p.Proto(2);
        p.Global("collections", "OrderedDict");
        p.Op(')').Op('R');
        p.Op('(');
        for (int i = 0; i < entries.Count; i++)
        {
            Entry e = entries[i];
            long count = e.Shape.Aggregate(1L, (a, b) => a * b);
            p.Unicode(e.Name);
            p.Global("torch._utils", "_rebuild_tensor_v2");
            p.Op('(');
            p.Op('(').Unicode("storage").Global("torch", e.Integers is null ? "FloatStorage" : "LongStorage").Unicode(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Unicode("cpu").Int(count).Op('t');
            p.Op('Q');
            p.Int(0);
            p.Tuple(e.Shape);
            p.Tuple(Strides(e.Shape));
            p.Byte(0x89); // False: requires_grad
            p.Global("collections", "OrderedDict").Op(')').Op('R');
            p.Op('t').Op('R');
        }

        p.Op('u').Op('.');
        return p.ToArray();
    }

    public static byte[] Storage(Entry e)
    {
        if (e.Integers is { } integers)
        {
            var bytes = new byte[integers.Length * 8];
            for (int i = 0; i < integers.Length; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), integers[i]);
            }

            return bytes;
        }

        float[] floats = e.Floats!;
        var data = new byte[floats.Length * 4];
        for (int i = 0; i < floats.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), floats[i]);
        }

        return data;
    }

    /// <summary>
    /// Cellpose's MODEL_size.npy: np.save (format 1.0, pickle protocol 3) of {A: float64[n], smean: float32[n],
    /// diam_mean: float, ymean: numpy.float32}, laid out as numpy writes it.
    /// </summary>
    public static byte[] SizeModelNpy(double[] a, float[] smean, double diameterMean, float ymean)
    {
        var p = new PickleBytes();
        p.Proto(3);
        // The 0-d object array around the dict.
        p.Global("numpy.core.multiarray", "_reconstruct").Global("numpy", "ndarray").Int(0).Op(0x85).ShortBytes([(byte)'b']).Op(0x87).Op('R');
        p.Op('(').Int(1).Op(')').Dtype("O", '|').Byte(0x89);
        p.Op(']').Op('}');
        p.Op('(');
        p.Unicode("A").Array(a.SelectMany(v => BitConverter.GetBytes(v)).ToArray(), a.Length, "f8");
        p.Unicode("smean").Array(smean.SelectMany(v => BitConverter.GetBytes(v)).ToArray(), smean.Length, "f4");
        p.Unicode("diam_mean").Float(diameterMean);
        p.Unicode("ymean").Global("numpy.core.multiarray", "scalar").Dtype("f4", '<').ShortBytes(BitConverter.GetBytes(ymean)).Op(0x86).Op('R');
        p.Op('u').Op('a');
        p.Op('t').Op('b').Op('.');
        byte[] pickle = p.ToArray();

        string header = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        var npy = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xff), (byte)(header.Length >> 8) };
        npy.AddRange(Encoding.ASCII.GetBytes(header));
        npy.AddRange(pickle);
        return npy.ToArray();
    }

    private static long[] Strides(long[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= shape[d];
        }

        return strides;
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using Stream stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }

    /// <summary>Pickle opcodes, written by hand.</summary>
    public sealed class PickleBytes
    {
        private readonly List<byte> bytes = [];

        public byte[] ToArray() => [.. bytes];

        public PickleBytes Op(char op) => Byte((byte)op);

        public PickleBytes Op(int op) => Byte((byte)op);

        public PickleBytes Byte(byte b)
        {
            bytes.Add(b);
            return this;
        }

        public PickleBytes Raw(ReadOnlySpan<byte> raw)
        {
            bytes.AddRange(raw.ToArray());
            return this;
        }

        public PickleBytes Proto(byte version) => Byte(0x80).Byte(version);

        public PickleBytes Global(string module, string name) => Op('c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

        public PickleBytes Unicode(string text)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
            return Op('X').Raw(length).Raw(utf8);
        }

        public PickleBytes ShortBytes(byte[] data) => Op('C').Byte((byte)data.Length).Raw(data);

        public PickleBytes Bytes(byte[] data)
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, data.Length);
            return Op('B').Raw(length).Raw(data);
        }

        public PickleBytes Float(double value)
        {
            Span<byte> v = stackalloc byte[8];
            BinaryPrimitives.WriteDoubleBigEndian(v, value);
            return Op('G').Raw(v);
        }

        public PickleBytes Int(long value)
        {
            if (value is >= 0 and < 256)
            {
                return Op('K').Byte((byte)value);
            }

            if (value is >= int.MinValue and <= int.MaxValue)
            {
                Span<byte> v = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(v, (int)value);
                return Op('J').Raw(v);
            }

            Span<byte> l = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(l, value);
            return Byte(0x8a).Byte(8).Raw(l);
        }

        public PickleBytes Tuple(long[] values)
        {
            Op('(');
            foreach (long v in values)
            {
                Int(v);
            }

            return Op('t');
        }

        /// <summary>numpy.dtype(code, False, True) with BUILD state (3, order, None, None, None, -1, -1, 0).</summary>
        public PickleBytes Dtype(string code, char order)
        {
            Global("numpy", "dtype").Unicode(code).Byte(0x89).Byte(0x88).Op(0x87).Op('R');
            return Op('(').Int(3).Unicode(order.ToString()).Op('N').Op('N').Op('N').Int(-1).Int(-1).Int(0).Op('t').Op('b');
        }

        /// <summary>A one-dimensional numpy array of <paramref name="count"/> values of <paramref name="code"/>, little-endian.</summary>
        public PickleBytes Array(byte[] data, int count, string code)
        {
            Global("numpy.core.multiarray", "_reconstruct").Global("numpy", "ndarray").Int(0).Op(0x85).ShortBytes([(byte)'b']).Op(0x87).Op('R');
            Op('(').Int(1).Int(count).Op(0x85).Dtype(code, '<').Byte(0x89).Bytes(data).Op('t').Op('b');
            return this;
        }
    }
}
