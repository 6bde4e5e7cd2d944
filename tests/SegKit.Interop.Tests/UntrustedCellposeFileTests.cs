using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using SegKit.Interop.Cellpose;
using SegKit.Training.Models;
using Xunit.Abstractions;
using static SegKit.Testing.CellposeModelFileWriter;

namespace SegKit.Interop.Tests;

/// <summary>
/// A Cellpose model file from elsewhere is untrusted input. Damaged, truncated and crafted files must end in a
/// <see cref="ModelFileException"/> that names the file: never another exception, a hang, or an allocation the file's
/// size does not justify.
/// </summary>
public sealed class UntrustedCellposeFileTests : IDisposable
{
    /// <summary>
    /// Bytes a read may allocate per byte of file, plus a fixed allowance (zip directory, dictionaries, strings): linear in
    /// the file, where a 2-byte opcode pair can make a list (about 90 bytes of objects).
    /// </summary>
    private const long AllocationPerByte = 64;
    private const long AllocationAllowance = 4 << 20;

    private const int Trials = 2000;

    private readonly ITestOutputHelper output;
    private readonly Dictionary<string, int> reasons = [];
    private readonly string folder = Directory.CreateTempSubdirectory("segkit-untrusted-").FullName;
    private readonly List<Entry> entries;
    private readonly byte[] pickle;
    private readonly List<byte[]> storages;

    public UntrustedCellposeFileTests(ITestOutputHelper output)
    {
        this.output = output;
        using CellposeNet net = TinyNetwork(seed: 11);
        entries = Entries(net);
        pickle = StateDictPickle(entries);
        storages = entries.Select(Storage).ToList();
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Mutated_and_truncated_files_give_a_typed_error_naming_the_file()
    {
        byte[] file = Archive("fuzz", pickle, storages);
        var random = new Random(20261206);
        int refused = 0;
        int read = 0;
        var clock = Stopwatch.StartNew();
        for (int trial = 0; trial < Trials; trial++)
        {
            byte[] bytes;
            switch (trial % 4)
            {
                case 0:
                    // Anything in the archive: local headers, central directory, storages (the zip's CRC catches most).
                    bytes = Flip(file, random, 1 + random.Next(4));
                    break;
                case 1:
                    bytes = file[..random.Next(file.Length)];
                    break;
                case 2:
                    // The pickle itself, inside a valid archive, so the reader and not the zip's CRC meets the damage.
                    bytes = Archive("fuzz", Flip(pickle, random, 1 + random.Next(3)), storages);
                    break;
                default:
                    // A lying 4-byte field: lengths, memo indices, sizes and counts become huge or negative.
                    byte[] lying = (byte[])pickle.Clone();
                    BinaryPrimitives.WriteUInt32LittleEndian(lying.AsSpan(random.Next(lying.Length - 4)), random.Next(2) == 0 ? 0x7fffffffu : 0xfffffff0u);
                    bytes = Archive("fuzz", random.Next(2) == 0 ? lying : lying[..random.Next(lying.Length)], storages);
                    break;
            }

            string path = Path.Combine(folder, $"case{trial % 4}");
            File.WriteAllBytes(path, bytes);
            if (ReadRefused(path, bytes.Length, $"trial {trial}"))
            {
                refused++;
            }
            else
            {
                read++;
            }
        }

        output.WriteLine($"{Trials} cases: {refused} refused with a typed error, {read} still a usable network, {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var (kind, count) in reasons.OrderByDescending(r => r.Value))
        {
            output.WriteLine($"{count,5} {kind}");
        }

        Assert.True(refused > Trials / 2, $"only {refused} of {Trials} damaged files were refused; the mutations are not reaching the reader");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"{Trials} small files took {clock.Elapsed}");
    }

    [Fact]
    public void Oversize_dimensions_and_storage_counts_are_refused_before_allocating()
    {
        // A 2^40 x 2^40 tensor on a storage that claims 2^62 floats, and a plain tensor whose storage claims 10^12.
        Assert.Contains("storage '0' of tensor 'w'", Refused(Tensor("w", count: 1L << 62, shape: [1L << 40, 1L << 40], stride: [1L << 40, 1]), [new byte[16]]));
        Assert.Contains("should hold 1000000000000 Float32 values", Refused(Tensor("w", count: 1_000_000_000_000, shape: [4], stride: [1]), [new byte[16]]));

        // The storage is honest but the view reaches past it, or overflows long arithmetic.
        Assert.Contains("reaches element", Refused(Tensor("w", count: 4, shape: [2, 3], stride: [3, 1]), [new byte[16]]));
        Assert.Contains("impossible shape", Refused(Tensor("w", count: 4, shape: [1L << 40, 1L << 40, 1L << 40], stride: [0, 0, 0]), [new byte[16]]));

        // Zero strides repeat elements: a billion-element view of 4 floats would allocate 4 GB.
        Assert.Contains("reaches element", Refused(Tensor("w", count: 4, shape: [1_000_000_000], stride: [0]), [new byte[16]]));

        // A second tensor on a storage already read claims ten million elements of its 4.
        Assert.Contains("tensor 'b' of shape [10000000] reaches element 9999999 of a storage of 4", Refused(TwoTensorsOnOneStorage(10_000_000), [new byte[16]]));
    }

    private static byte[] TwoTensorsOnOneStorage(long secondCount)
    {
        var bytes = new PickleBytes().Proto(2).Op('}').Op('(');
        foreach (var (name, count) in new[] { ("a", 4L), ("b", secondCount) })
        {
            bytes = bytes.Unicode(name).Global("torch._utils", "_rebuild_tensor_v2").Op('(')
                .Op('(').Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu").Int(count).Op('t').Op('Q')
                .Int(0).Tuple([count]).Tuple([1]).Byte(0x89).Op('}').Op('t').Op('R');
        }

        return bytes.Op('u').Op('.').ToArray();
    }

    [Fact]
    public void Convolution_shapes_that_describe_an_enormous_network_are_refused_before_building_it()
    {
        // 1.8 KB: empty convolutions [65536, 0, 99999, 99999] once made CreateNetwork ask LibTorch for petabytes.
        string huge = Crafted("huge",
            new Entry("downsample.down.res_down_0.conv.conv_0.0.weight", [2], [1, 1]),
            new Entry("downsample.down.res_down_0.conv.conv_0.2.weight", [65536, 0, 99999, 99999], []),
            new Entry("downsample.down.res_down_1.conv.conv_0.2.weight", [65536, 0, 99999, 99999], []),
            new Entry("output.2.weight", [3, 0, 1, 1], []),
            new Entry("diam_mean", [1], [30]));
        Assert.Contains("'downsample.down.res_down_0.conv.conv_0.2.weight' has shape [65536, 0, 99999, 99999]", ReadAndBuildRefused(huge));

        // Honest data, but a kernel no CPnet has, and a level that does not read the previous level's width.
        string kernel = Crafted("kernel",
            new Entry("downsample.down.res_down_0.conv.conv_0.0.weight", [2], [1, 1]),
            new Entry("downsample.down.res_down_0.conv.conv_0.2.weight", [1, 2, 17, 17], new float[2 * 17 * 17]),
            new Entry("downsample.down.res_down_1.conv.conv_0.2.weight", [1, 1, 17, 17], new float[17 * 17]),
            new Entry("output.2.weight", [3, 1, 1, 1], new float[3]));
        Assert.Contains("k odd, at most 15", ReadAndBuildRefused(kernel));
        string chain = Crafted("chain",
            new Entry("downsample.down.res_down_0.conv.conv_0.0.weight", [2], [1, 1]),
            new Entry("downsample.down.res_down_0.conv.conv_0.2.weight", [1, 2, 1, 1], new float[2]),
            new Entry("downsample.down.res_down_1.conv.conv_0.2.weight", [2, 5, 1, 1], new float[10]),
            new Entry("output.2.weight", [3, 1, 1, 1], new float[3]));
        Assert.Contains("'downsample.down.res_down_1.conv.conv_0.2.weight' has shape [2, 5, 1, 1], not a square odd convolution [out, 1, k, k]", ReadAndBuildRefused(chain));

        // Every level's first convolution right, the rest of the network absent: named before anything is built.
        string partial = Crafted("partial",
            new Entry("downsample.down.res_down_0.conv.conv_0.0.weight", [2], [1, 1]),
            new Entry("downsample.down.res_down_0.conv.conv_0.2.weight", [4, 2, 3, 3], new float[72]),
            new Entry("downsample.down.res_down_1.conv.conv_0.2.weight", [8, 4, 3, 3], new float[288]),
            new Entry("output.2.weight", [3, 4, 1, 1], new float[12]),
            new Entry("diam_mean", [1], [30]));
        Assert.Contains("has no weight 'downsample.down.res_down_0.proj.0.weight' [2]", ReadAndBuildRefused(partial));
    }

    private string Crafted(string name, params Entry[] crafted)
    {
        string path = Path.Combine(folder, name + ".pth");
        Write(path, crafted);
        return path;
    }

    private static string ReadAndBuildRefused(string path)
    {
        var e = Assert.ThrowsAny<ModelFileException>(() =>
        {
            CellposeModelFile file = CellposeModelFile.Read(path);
            using CellposeNet net = CellposeModelImporter.CreateNetwork(file, 30);
        });
        Assert.Equal(path, e.FilePath);
        return e.Message;
    }

    [Fact]
    public void Lying_lengths_are_refused_without_allocating_what_they_claim()
    {
        // BINUNICODE claiming 2 GB, BINBYTES8 claiming 2^62 bytes, LONG4 of 2 GB, a FRAME past the end.
        Assert.Contains("runs past the end", Refused(new PickleBytes().Proto(2).Op('X').Raw([0xf0, 0xff, 0xff, 0x7f]).Raw(new byte[64]).ToArray(), []));
        Assert.Contains("runs past the end", Refused(new PickleBytes().Proto(4).Byte(0x8e).Raw(BitConverter.GetBytes(1L << 62)).ToArray(), []));
        Assert.Contains("larger than any a model file needs", Refused(new PickleBytes().Proto(2).Byte(0x8b).Raw([0, 0, 0, 0x7f]).ToArray(), []));
        Assert.Contains("frame of", Refused(new PickleBytes().Proto(4).Byte(0x95).Raw(BitConverter.GetBytes(1L << 40)).Op('}').Op('.').ToArray(), []));
        Assert.Contains("memo entry 4294967295 was never stored", Refused(new PickleBytes().Proto(2).Op('j').Raw([0xff, 0xff, 0xff, 0xff]).Op('.').ToArray(), []));

        // A zip entry that claims more than the whole file.
        byte[] file = Archive("lying", pickle, storages);
        int central = LastIndexOf(file, [(byte)'P', (byte)'K', 1, 2]);
        byte[] lying = (byte[])file.Clone();
        for (int at = IndexOf(file, [(byte)'P', (byte)'K', 1, 2]); at >= 0 && at <= central; at = IndexOf(file, [(byte)'P', (byte)'K', 1, 2], at + 4))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(lying.AsSpan(at + 24), 0x7ffffff0); // uncompressed size
        }

        string path = Path.Combine(folder, "lying-zip");
        File.WriteAllBytes(path, lying);
        Assert.True(ReadRefused(path, lying.Length, "zip sizes"), "an archive whose entries claim 2 GB each was read");
    }

    [Fact]
    public void Deep_nesting_neither_overflows_the_stack_nor_passes_as_a_state_dict()
    {
        // 200,000 lists nested in each other: the reader is iterative, and the result is not a dict of tensors.
        var lists = new PickleBytes().Proto(2);
        for (int i = 0; i < 200_000; i++)
        {
            lists.Op(']');
        }

        for (int i = 1; i < 200_000; i++)
        {
            lists.Op('a');
        }

        Assert.Contains("holds a list, not a state dict", Refused(lists.Op('.').ToArray(), []));

        // Marks nest only so deep.
        var marks = new PickleBytes().Proto(2);
        for (int i = 0; i < 100_000; i++)
        {
            marks.Op('(');
        }

        Assert.Contains("nesting deeper than 256 marks", Refused(marks.ToArray(), []));
    }

    [Fact]
    public void Opcodes_that_build_arbitrary_objects_are_refused_by_name()
    {
        foreach (var (op, name) in new[] { ((byte)'i', "INST"), ((byte)'o', "OBJ"), ((byte)0x81, "NEWOBJ"), ((byte)0x82, "EXT1"), ((byte)'P', "PERSID"), ((byte)'S', "STRING") })
        {
            string message = Refused(new PickleBytes().Proto(2).Byte(op).Raw(Encoding.ASCII.GetBytes("os\nsystem\n")).ToArray(), []);
            Assert.Contains($"opcode 0x{op:x2}", message);
            Assert.Contains("is not allowed", message);
            output.WriteLine($"{name}: {message}");
        }
    }

    [Fact]
    public void Names_from_the_file_cannot_put_control_characters_into_messages()
    {
        // A terminal escape (red text, clear screen) and a newline that would fake a second message line.
        string message = Refused(new PickleBytes().Proto(2).Unicode("os\u001b[2J").Unicode("sys\ntem").Op(0x93).ToArray(), []);
        Assert.Contains("refuses the pickle global 'os\\x1b[2J.sys\\x0atem'", message);
        Assert.DoesNotContain('\u001b', message);
        Assert.DoesNotContain('\n', message);

        message = Refused(Tensor("evil\u001b[31mname", count: 4, shape: [5], stride: [1]), [new byte[16]]);
        Assert.Contains("tensor 'evil\\x1b[31mname'", message);
        Assert.DoesNotContain('\u001b', message);
    }

    private byte[] Tensor(string name, long count, long[] shape, long[] stride) =>
        new PickleBytes().Proto(2).Op('}').Op('(')
            .Unicode(name).Global("torch._utils", "_rebuild_tensor_v2").Op('(')
            .Op('(').Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu").Int(count).Op('t').Op('Q')
            .Int(0).Tuple(shape).Tuple(stride).Byte(0x89).Op('}').Op('t').Op('R')
            .Op('u').Op('.').ToArray();

    /// <summary>Reads an archive around <paramref name="pickleBytes"/>, expecting refusal; returns the message.</summary>
    private string Refused(byte[] pickleBytes, IReadOnlyList<byte[]> data)
    {
        string path = Path.Combine(folder, "crafted");
        byte[] file = Archive("crafted", pickleBytes, data);
        File.WriteAllBytes(path, file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsAny<ModelFileException>(() => CellposeModelFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(path, e.FilePath);
        Assert.True(allocated < (AllocationPerByte * file.Length) + AllocationAllowance, $"reading a {file.Length}-byte file allocated {allocated} bytes");
        return e.Message;
    }

    /// <returns>True when the file was refused (typed, naming it); false when it still made a network.</returns>
    private bool ReadRefused(string path, long length, string what)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            CellposeModelFile file = CellposeModelFile.Read(path);
            using CellposeNet net = CellposeModelImporter.CreateNetwork(file, file.DiameterMean is null ? 30 : null);
            return false;
        }
        catch (ModelFileException e)
        {
            Assert.True(e.FilePath == path, $"{what}: the error names {e.FilePath}, not the file: {e.Message}");
            Assert.StartsWith(path + ": ", e.Message);
            string reason = System.Text.RegularExpressions.Regex.Replace(e.Message[(path.Length + 2)..], @"[0-9]+|'[^']*'", "#");
            reason = (e.InnerException is { } inner ? $"[{inner.GetType().Name}] " : "") + reason[..Math.Min(70, reason.Length)];
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            return true;
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name} escaped: {e}");
        }
        finally
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{what}: took {clock.Elapsed}");
            Assert.True(allocated < (AllocationPerByte * length) + AllocationAllowance + (8L << 20), $"{what}: a {length}-byte file allocated {allocated} bytes");
        }
    }

    private static byte[] Flip(byte[] source, Random random, int count)
    {
        byte[] bytes = (byte[])source.Clone();
        for (int i = 0; i < count; i++)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return bytes;
    }

    private static int IndexOf(byte[] data, byte[] pattern, int start = 0) => data.AsSpan(start).IndexOf(pattern) is var i and >= 0 ? i + start : -1;

    private static int LastIndexOf(byte[] data, byte[] pattern) => data.AsSpan().LastIndexOf(pattern);
}
