using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SegKit.Interop.Torch;

namespace SegKit.Interop.Pickle;

/// <summary>
/// A strict reader of Python pickles (protocols 2 to 5) for model files from elsewhere, which are untrusted input. It
/// is not an unpickler: it never looks anything up or calls anything. It understands the opcodes that build numbers,
/// strings, bytes, tuples, lists and dicts, and a closed list of globals (<see cref="PickleGlobalKind"/>) whose
/// meaning it implements itself: PyTorch's tensor rebuilding with persistent-id storages, OrderedDict, and numpy's
/// array reconstruction. Any other global is refused the moment its name is read (<see cref="PickleCodeException"/>);
/// any other opcode, a truncated stream, a length beyond the data or nesting beyond <see cref="MaxMarkDepth"/> raise
/// <see cref="ModelFileException"/>. Every allocation is bounded by the bytes that remain.
/// </summary>
internal sealed class PickleReader
{
    /// <summary>Open MARKs at once; torch and numpy pickles need three or four.</summary>
    public const int MaxMarkDepth = 256;

    private const int MaxGlobalNameLength = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] data;
    private readonly string filePath;
    private readonly string part;
    private readonly List<object?> stack = [];
    private readonly List<int> marks = [];
    private readonly Dictionary<long, object?> memo = [];
    private int position;
    private int opcodeStart;

    private PickleReader(byte[] data, string filePath, string part)
    {
        this.data = data;
        this.filePath = filePath;
        this.part = part;
    }

    /// <summary>Reads one pickle from <paramref name="data"/> and returns its value.</summary>
    /// <param name="filePath">The file named in errors.</param>
    /// <param name="part">Where in the file the pickle is (an archive entry), for errors.</param>
    public static object? Read(byte[] data, string filePath, string part)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new PickleReader(data, filePath, part).Run();
    }

    private object? Run()
    {
        while (true)
        {
            opcodeStart = position;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    byte protocol = ReadByte();
                    if (protocol is < 2 or > 5)
                    {
                        throw Fail($"pickle protocol {protocol} is not supported (2 to 5 are)");
                    }

                    break;
                case 0x95: // FRAME: a length hint; the data follows inline.
                    long frame = ReadInt64();
                    if (frame < 0 || frame > Remaining)
                    {
                        throw Fail($"a frame of {frame} bytes runs past the end of the data");
                    }

                    break;
                case (byte)'.': // STOP
                    if (stack.Count != 1 || marks.Count != 0)
                    {
                        throw Fail($"the pickle ends with {stack.Count} values and {marks.Count} open marks, not one value");
                    }

                    return stack[0];
                case (byte)'(': // MARK
                    if (marks.Count >= MaxMarkDepth)
                    {
                        throw Fail($"nesting deeper than {MaxMarkDepth} marks");
                    }

                    marks.Add(stack.Count);
                    break;
                case (byte)'0': // POP
                    Pop();
                    break;
                case (byte)'1': // POP_MARK
                    PopMark();
                    break;
                case (byte)'2': // DUP
                    Push(Peek());
                    break;
                case (byte)'N':
                    Push(null);
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                    break;
                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                    break;
                case 0x8a: // LONG1
                    Push(ReadLong(ReadByte()));
                    break;
                case 0x8b: // LONG4
                    Push(ReadLong(BinaryPrimitives.ReadInt32LittleEndian(Take(4))));
                    break;
                case (byte)'G': // BINFLOAT: big-endian double
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                    break;
                case (byte)'X': // BINUNICODE
                    Push(Utf8(Take(ReadLength(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(Utf8(Take(ReadByte())));
                    break;
                case 0x8d: // BINUNICODE8
                    Push(Utf8(Take(ReadLength(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))));
                    break;
                case (byte)'B': // BINBYTES
                    Push(Take(ReadLength(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))).ToArray());
                    break;
                case (byte)'C': // SHORT_BINBYTES
                    Push(Take(ReadByte()).ToArray());
                    break;
                case 0x8e: // BINBYTES8
                    Push(Take(ReadLength(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))).ToArray());
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(PickleTuple.Empty);
                    break;
                case (byte)'t': // TUPLE
                    Push(new PickleTuple(PopToMark()));
                    break;
                case 0x85: // TUPLE1
                    Push(new PickleTuple(PopMany(1)));
                    break;
                case 0x86: // TUPLE2
                    Push(new PickleTuple(PopMany(2)));
                    break;
                case 0x87: // TUPLE3
                    Push(new PickleTuple(PopMany(3)));
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;
                case (byte)'l': // LIST
                    Push(new List<object?>(PopToMark()));
                    break;
                case (byte)'a': // APPEND
                    {
                        object? item = Pop();
                        List(Peek()).Add(item);
                        break;
                    }

                case (byte)'e': // APPENDS
                    {
                        object?[] items = PopToMark();
                        List(Peek()).AddRange(items);
                        break;
                    }

                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDictionary());
                    break;
                case (byte)'d': // DICT
                    {
                        var dict = new PickleDictionary();
                        SetItems(dict, PopToMark());
                        Push(dict);
                        break;
                    }

                case (byte)'s': // SETITEM
                    {
                        object? value = Pop();
                        object? key = Pop();
                        SetItems(Dict(Peek()), [key, value]);
                        break;
                    }

                case (byte)'u': // SETITEMS
                    {
                        object?[] items = PopToMark();
                        SetItems(Dict(Peek()), items);
                        break;
                    }

                case (byte)'h': // BINGET
                    Push(Recall(ReadByte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))));
                    break;
                case (byte)'q': // BINPUT
                    memo[ReadByte()] = Peek();
                    break;
                case (byte)'r': // LONG_BINPUT
                    memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek();
                    break;
                case 0x94: // MEMOIZE
                    memo[memo.Count] = Peek();
                    break;
                case (byte)'c': // GLOBAL "module\nname\n"
                    {
                        string module = ReadLine();
                        string name = ReadLine();
                        Push(Global(module, name));
                        break;
                    }

                case 0x93: // STACK_GLOBAL
                    {
                        string name = Pop() as string ?? throw Fail("STACK_GLOBAL needs two strings");
                        string module = Pop() as string ?? throw Fail("STACK_GLOBAL needs two strings");
                        Push(Global(module, name));
                        break;
                    }

                case (byte)'R': // REDUCE
                    {
                        object? arguments = Pop();
                        object? callable = Pop();
                        Push(Reduce(callable, arguments as PickleTuple ?? throw Fail("REDUCE needs a tuple of arguments")));
                        break;
                    }

                case (byte)'b': // BUILD
                    {
                        object? state = Pop();
                        Build(Peek(), state);
                        break;
                    }

                case (byte)'Q': // BINPERSID
                    Push(PersistentStorage(Pop()));
                    break;
                default:
                    throw Fail(string.Create(CultureInfo.InvariantCulture, $"opcode 0x{op:x2} ('{Printable(op)}') is not allowed in a model file (it builds objects SegKit does not read, or runs code)"));
            }
        }
    }

    private int Remaining => data.Length - position;

    private ModelFileException Fail(string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{part} at byte {opcodeStart}: {message}"), filePath);

    private byte ReadByte()
    {
        if (position >= data.Length)
        {
            throw Fail("the pickle is truncated");
        }

        return data[position++];
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw Fail($"the pickle is truncated: {count} bytes needed, {Remaining} left");
        }

        var span = new ReadOnlySpan<byte>(data, position, count);
        position += count;
        return span;
    }

    private long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    private int ReadLength(ulong length) =>
        length <= (ulong)Remaining ? (int)length : throw Fail($"a length of {length} bytes runs past the end of the data ({Remaining} left)");

    private long ReadLong(int byteCount)
    {
        if (byteCount is < 0 or > 8)
        {
            throw Fail($"an integer of {byteCount} bytes is larger than any a model file needs");
        }

        ReadOnlySpan<byte> bytes = Take(byteCount);
        if (byteCount == 0)
        {
            return 0;
        }

        // Little-endian two's complement of byteCount bytes, sign-extended.
        long value = (sbyte)bytes[byteCount - 1];
        for (int i = byteCount - 2; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    private string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("a string is not valid UTF-8");
        }
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(data, (byte)'\n', position, Math.Min(Remaining, MaxGlobalNameLength + 1));
        if (end < 0)
        {
            throw Fail("a GLOBAL name is truncated or longer than any module name");
        }

        string line = Encoding.ASCII.GetString(data, position, end - position);
        position = end + 1;
        return line;
    }

    private void Push(object? value) => stack.Add(value);

    private object? Peek() => stack.Count > CurrentMark ? stack[^1] : throw Fail("the stack is empty");

    private int CurrentMark => marks.Count > 0 ? marks[^1] : 0;

    private object? Pop()
    {
        object? value = Peek();
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object?[] PopMany(int count)
    {
        if (stack.Count - CurrentMark < count)
        {
            throw Fail($"{count} values needed on the stack");
        }

        object?[] items = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return items;
    }

    private object?[] PopToMark()
    {
        if (marks.Count == 0)
        {
            throw Fail("no MARK to pop to");
        }

        int mark = marks[^1];
        marks.RemoveAt(marks.Count - 1);
        object?[] items = stack.GetRange(mark, stack.Count - mark).ToArray();
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private void PopMark() => PopToMark();

    private object? Recall(long index) => memo.TryGetValue(index, out object? value) ? value : throw Fail($"memo entry {index} was never stored");

    private List<object?> List(object? value) => value as List<object?> ?? throw Fail("APPEND to something that is not a list");

    private PickleDictionary Dict(object? value) => value as PickleDictionary ?? throw Fail("SETITEM on something that is not a dict");

    private void SetItems(PickleDictionary dict, object?[] items)
    {
        if (items.Length % 2 != 0)
        {
            throw Fail("a dict needs key-value pairs");
        }

        for (int i = 0; i < items.Length; i += 2)
        {
            if (!dict.TrySet(items[i], items[i + 1]))
            {
                throw Fail("a dict key is not a string or a number");
            }
        }
    }

    private PickleGlobal Global(string module, string name)
    {
        PickleGlobalKind? kind = (module, name) switch
        {
            ("collections", "OrderedDict") => PickleGlobalKind.OrderedDict,
            ("torch._utils", "_rebuild_tensor_v2") => PickleGlobalKind.RebuildTensor,
            ("torch._utils", "_rebuild_parameter") => PickleGlobalKind.RebuildParameter,
            ("torch", _) when TorchDataTypes.FromStorageName(name) is not null => PickleGlobalKind.TorchStorage,
            ("numpy.core.multiarray" or "numpy._core.multiarray", "_reconstruct") => PickleGlobalKind.NumpyReconstruct,
            ("numpy.core.multiarray" or "numpy._core.multiarray", "scalar") => PickleGlobalKind.NumpyScalar,
            ("numpy", "ndarray") => PickleGlobalKind.NumpyArrayType,
            ("numpy", "dtype") => PickleGlobalKind.NumpyDType,
            _ => null,
        };
        if (kind is null)
        {
            string full = $"{module}.{name}";
            throw new PickleCodeException(
                full,
                string.Create(CultureInfo.InvariantCulture, $"{part} at byte {opcodeStart}: refuses the pickle global '{UntrustedText.Quote(full)}': a model file may only rebuild tensors and plain containers, and this name could run code when unpickled (nothing was run)"),
                filePath);
        }

        return new PickleGlobal(kind.Value, module, name);
    }

    private object? Reduce(object? callable, PickleTuple args)
    {
        if (callable is not PickleGlobal global)
        {
            throw Fail("REDUCE calls something that is not a global");
        }

        switch (global.Kind)
        {
            case PickleGlobalKind.OrderedDict when args.Count == 0:
                return new PickleDictionary();
            case PickleGlobalKind.RebuildTensor when args.Count is 6 or 7:
                return RebuildTensor(args);
            case PickleGlobalKind.RebuildParameter when args.Count is 3 && args[0] is TorchTensorReference tensor:
                return tensor;
            case PickleGlobalKind.NumpyReconstruct when args.Count == 3 && args[0] is PickleGlobal { Kind: PickleGlobalKind.NumpyArrayType }:
                return new NumpyArray();
            case PickleGlobalKind.NumpyDType when args.Count == 3 && args[0] is string code:
                return new NumpyDType(code);
            case PickleGlobalKind.NumpyScalar when args.Count == 2 && args[0] is NumpyDType dtype && args[1] is byte[] bytes:
                return NumpyScalar(dtype, bytes);
            default:
                throw Fail($"'{global.FullName}' called with {args.Count} arguments of the wrong kind");
        }
    }

    private TorchTensorReference RebuildTensor(PickleTuple args)
    {
        if (args[0] is not TorchStorageReference storage || args[1] is not long offset || args[2] is not PickleTuple size || args[3] is not PickleTuple stride)
        {
            throw Fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
        }

        long[] shape = Integers(size, "size");
        long[] strides = Integers(stride, "stride");
        if (shape.Length != strides.Length || shape.Any(s => s < 0) || strides.Any(s => s < 0) || offset < 0)
        {
            throw Fail("a tensor with negative or mismatched sizes, strides or offset");
        }

        return new TorchTensorReference(storage, offset, shape, strides);
    }

    private long[] Integers(PickleTuple tuple, string what)
    {
        var values = new long[tuple.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = tuple[i] as long? ?? throw Fail($"a tensor {what} that is not a tuple of integers");
        }

        return values;
    }

    private TorchStorageReference PersistentStorage(object? id)
    {
        if (id is PickleTuple { Count: 5 } t && t[0] is "storage" && t[1] is PickleGlobal { Kind: PickleGlobalKind.TorchStorage } type
            && t[2] is string key && t[3] is string && t[4] is long count && count >= 0)
        {
            return new TorchStorageReference(key, TorchDataTypes.FromStorageName(type.Name)!.Value, count);
        }

        throw Fail("a persistent id that is not ('storage', torch.XStorage, key, location, numel)");
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case PickleDictionary:
                // An OrderedDict's attributes (a state dict's _metadata: module versions); nothing SegKit reads.
                if (state is not (PickleDictionary or null))
                {
                    throw Fail("BUILD of a dict with a state that is not a dict");
                }

                break;
            case NumpyDType dtype when state is PickleTuple { Count: >= 2 } t && t[1] is string order && order.Length == 1:
                dtype.ByteOrder = order[0];
                break;
            case NumpyArray { Built: false } array when state is PickleTuple { Count: 5 } t && t[1] is PickleTuple shape && t[2] is NumpyDType dtype && t[3] is bool fortran:
                array.Shape = Integers(shape, "shape");
                array.DType = dtype;
                array.FortranOrder = fortran;
                array.Data = t[4] as byte[];
                array.Objects = t[4] as List<object?>;
                if (array.Data is null && array.Objects is null)
                {
                    throw Fail("a numpy array without data");
                }

                array.Built = true;
                break;
            default:
                throw Fail("BUILD of something SegKit does not build");
        }
    }

    private double NumpyScalar(NumpyDType dtype, byte[] bytes)
    {
        bool big = dtype.ByteOrder == '>';
        return (dtype.Code, bytes.Length) switch
        {
            ("f4", 4) => big ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes),
            ("f8", 8) => big ? BinaryPrimitives.ReadDoubleBigEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            ("i8", 8) => big ? BinaryPrimitives.ReadInt64BigEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes),
            ("i4", 4) => big ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes),
            _ => throw Fail($"a numpy scalar of type '{UntrustedText.Quote(dtype.Code)}' with {bytes.Length} bytes"),
        };
    }

    private static char Printable(byte b) => b is >= 0x20 and < 0x7f ? (char)b : '?';
}
