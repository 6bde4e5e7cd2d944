using System.Diagnostics;
using SegKit.Testing;

namespace SegKit.Onnx.Tests;

/// <summary>
/// A model file from elsewhere (a bioimage.io package, a download) is untrusted input to both readers: damaged,
/// truncated and crafted bytes must end in an <see cref="OnnxFormatException"/> that names the file, quickly, without an
/// allocation the file's size does not justify; never another exception, a hang or a crash.
/// </summary>
public sealed class UntrustedOnnxFileTests
{
    /// <summary>Objects a read may allocate per byte of file (lists of dims or attributes grow by doubling), plus a fixed allowance.</summary>
    private const long AllocationPerByte = 48;
    private const long AllocationAllowance = 1 << 20;

    private const int Trials = 1500;

    /// <summary>The start of a real model: header, metadata (the card), graph inputs and outputs, the first nodes and weights.</summary>
    private static byte[] RealHead(int length) =>
        File.ReadAllBytes(Path.Combine(RepositoryLayout.Root, "models", "membranes.onnx")).AsSpan(0, length).ToArray();

    [Fact]
    public void Mutated_and_truncated_real_model_bytes_give_a_typed_error_naming_the_file()
    {
        // The shipped U-Net's first 64 KB, closed off as a model by re-encoding what parses: every field kind a real
        // exporter writes, at real sizes, in a file small enough for thousands of cases.
        byte[] model = ClosedModel(RealHead(1 << 20));
        var random = new Random(20261207);
        int refused = 0;
        var clock = Stopwatch.StartNew();
        for (int trial = 0; trial < Trials; trial++)
        {
            byte[] bytes = (trial % 4) switch
            {
                0 => Flip(model, random, 1 + random.Next(4)),
                1 => model[..random.Next(model.Length)],
                2 => Lying(model, random),
                _ => Flip(model, random, 1 + random.Next(4))[..random.Next(1, model.Length)],
            };
            refused += Read(bytes, $"trial {trial}") ? 0 : 1;
        }

        Assert.True(refused > Trials / 3, $"only {refused} of {Trials} damaged models were refused; the mutations are not reaching the reader");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"{Trials} cases took {clock.Elapsed}");
    }

    [Fact]
    public void Oversize_dimensions_are_refused_before_anything_trusts_them()
    {
        // 2^62 + 1 floats need 2^64 + 4 bytes, which wraps to 4 in long arithmetic: 4 bytes of data must not pass for it.
        string message = Refused(Model(Tensor("w", [(1L << 62) + 1], new byte[4])));
        Assert.Contains("tensor 'w' has dims [4611686018427387905]", message);

        Assert.Contains("more elements than any file can hold", Refused(Model(Tensor("w", [1L << 40, 1L << 40], new byte[4]))));
        Assert.Contains("negative dimension", Refused(Model(Tensor("w", [-1, -4], new byte[16]))));
        Assert.Contains("but 8 bytes of data", Refused(Model(Tensor("w", [1_000_000_000], new byte[8]))));
    }

    [Fact]
    public void Lying_lengths_are_refused_without_allocating_what_they_claim()
    {
        // A graph field that claims 2^62 bytes, and a metadata string that claims 2 GB, in a file of a few bytes.
        var graph = new List<byte> { 0x08, 0x08, 0x3A };
        graph.AddRange(Varint(1UL << 62));
        Assert.Contains("runs past the end", Refused([.. graph]));

        var metadata = new List<byte> { 0x08, 0x08, 0x72 };
        metadata.AddRange(Varint(0x7fffffff));
        metadata.AddRange(new byte[32]);
        Assert.Contains("runs past the end", Refused([.. metadata]));
    }

    [Fact]
    public void Deep_nesting_is_skipped_without_recursion()
    {
        // 50,000 length-delimited fields nested in an unknown field of the model: protobuf says skip them, and skipping
        // must not recurse. The model still lacks a graph, which is the refusal.
        byte[] inner = [];
        for (int depth = 0; depth < 50_000; depth++)
        {
            inner = [0x7A, .. Varint((ulong)inner.Length), .. inner]; // field 15, wire type 2
        }

        Assert.Contains("no graph", Refused([0x08, 0x08, 0xFA, 0x01, .. Varint((ulong)inner.Length), .. inner]));
    }

    /// <summary>Reads with both readers; false when refused (typed, naming the file), true when read.</summary>
    private static bool Read(byte[] bytes, string what)
    {
        string name = "untrusted.onnx";
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        bool read = true;
        foreach (Action reader in new Action[] { () => OnnxReader.Read(bytes, name), () => OnnxModelInfo.Read(new MemoryStream(bytes), name) })
        {
            try
            {
                reader();
            }
            catch (OnnxFormatException e)
            {
                Assert.True(e.FilePath == name && e.Message.StartsWith(name + ": ", StringComparison.Ordinal), $"{what}: {e.Message}");
                read = false;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name} escaped: {e}");
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{what}: took {clock.Elapsed}");
        Assert.True(allocated < (AllocationPerByte * bytes.Length) + AllocationAllowance, $"{what}: a {bytes.Length}-byte file allocated {allocated} bytes");
        return read;
    }

    private static string Refused(byte[] bytes)
    {
        Assert.False(Read(bytes, "crafted"), "a crafted file was read");
        return Assert.Throws<OnnxFormatException>(() => OnnxReader.Read(bytes, "untrusted.onnx")).Message;
    }

    /// <summary>A model of the fields of <paramref name="head"/> that parse whole, so mutations start from a valid file.</summary>
    private static byte[] ClosedModel(byte[] head)
    {
        // Top-level fields are copied while they fit; the graph (field 7) is cut to its own fields that fit.
        var result = new List<byte>();
        int at = 0;
        while (at < head.Length)
        {
            int start = at;
            ulong tag = ReadVarint(head, ref at);
            if ((tag & 7) != 2)
            {
                ReadVarint(head, ref at);
                result.AddRange(head.AsSpan(start, at - start).ToArray());
                continue;
            }

            ulong length = ReadVarint(head, ref at);
            if (at + (long)length <= head.Length)
            {
                result.AddRange(head.AsSpan(start, at - start + (int)length).ToArray());
                at += (int)length;
                continue;
            }

            Assert.Equal(7UL, tag >> 3);
            byte[] graph = WholeFields(head.AsSpan(at).ToArray());
            result.AddRange([0x3A, .. Varint((ulong)graph.Length), .. graph]);
            break;
        }

        byte[] model = [.. result];
        Assert.True(OnnxReader.Read(model, "head").Graph.Nodes.Count > 10, "the real model's head holds nodes");
        return model;
    }

    private static byte[] WholeFields(byte[] message)
    {
        int at = 0;
        int end = 0;
        while (at < message.Length)
        {
            ulong tag = ReadVarint(message, ref at);
            ulong length = (tag & 7) == 2 ? ReadVarint(message, ref at) : 0;
            if ((tag & 7) == 0)
            {
                ReadVarint(message, ref at);
            }

            if (at + (long)length > message.Length)
            {
                break;
            }

            at += (int)length;
            end = at;
        }

        return message[..end];
    }

    private static ulong ReadVarint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; at < data.Length; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        return value;
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    private static byte[] Model(OnnxTensor initializer)
    {
        var builder = new GraphBuilder("crafted");
        string x = builder.Input("x", OnnxElementType.Float, 1);
        builder.Node("Add", [x, builder.Initializer(initializer)], "y");
        builder.Output("y", OnnxElementType.Float, 1);
        return OnnxWriter.ToBytes(builder.ToModel());
    }

    /// <summary>A tensor as a file would state it: any dims, any bytes (the public constructors check; a file does not).</summary>
    private static OnnxTensor Tensor(string name, long[] dims, byte[] raw) => new(name, OnnxElementType.Float, dims, raw);

    private static byte[] Flip(byte[] source, Random random, int count)
    {
        byte[] bytes = (byte[])source.Clone();
        for (int i = 0; i < count; i++)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return bytes;
    }

    /// <summary>A varint somewhere in the model replaced by a huge or negative one: lengths, dims and counts lie.</summary>
    private static byte[] Lying(byte[] model, Random random)
    {
        int at = random.Next(model.Length - 10);
        byte[] huge = Varint(random.Next(3) switch { 0 => 0x7fffffffUL, 1 => 1UL << 62, _ => ulong.MaxValue - 3 });
        byte[] bytes = [.. model[..at], .. huge, .. model[Math.Min(model.Length, at + 1 + random.Next(4))..]];
        return bytes;
    }
}
