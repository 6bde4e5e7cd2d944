using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SegKit.Interop.Pickle;
using SegKit.Onnx;

namespace SegKit.Interop.Cellpose;

/// <summary>
/// Cellpose's size model as its train_size saves it beside a model (MODEL_size.npy): np.save of the dict {A, smean,
/// diam_mean, ymean}, a pickled 0-d object array. Its regression is the one SegKit's card holds:
/// diameter = exp(A . (style - smean) + log(diam_mean) + ymean), so A, smean and ymean become
/// <see cref="SizeModelParameters"/> as they are. The pickle is read by <see cref="PickleReader"/>: nothing runs.
/// </summary>
public static class CellposeSizeModelFile
{
    /// <summary>The suffix Cellpose's train_size appends to the model's path.</summary>
    public const string Suffix = "_size.npy";

    private const int MaxBytes = 16 << 20;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The size-model file Cellpose would have written beside <paramref name="modelPath"/>.</summary>
    public static string PathFor(string modelPath) => modelPath + Suffix;

    /// <summary>Reads the parameters and the diam_mean they were fitted for.</summary>
    /// <exception cref="ModelFileException">Not a Cellpose size model, damaged, or unsafe.</exception>
    public static (SizeModelParameters Parameters, double DiameterMean) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ModelFileException("size model file not found", path);
        }

        long length = new FileInfo(path).Length;
        if (length > MaxBytes)
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"is {length} bytes; a Cellpose size model is a few kilobytes"), path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        int payload = PayloadStart(bytes, path);
        object? root = PickleReader.Read(bytes[payload..], path, ".npy payload");
        if (root is not NumpyArray { Built: true, Objects: [PickleDictionary dict] })
        {
            throw new ModelFileException($"holds a {Torch.TorchArchive.Describe(root)}, not Cellpose's size-model dict {{A, smean, diam_mean, ymean}}", path);
        }

        float[] coefficients = Vector(dict, "A", path);
        float[] styleMean = Vector(dict, "smean", path);
        double diameterMean = Number(dict, "diam_mean", path);
        double meanLogRatio = Number(dict, "ymean", path);
        if (coefficients.Length != styleMean.Length)
        {
            throw new ModelFileException($"A has {coefficients.Length} values but smean {styleMean.Length}", path);
        }

        if (!(diameterMean > 0) || !double.IsFinite(diameterMean))
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"diam_mean is {diameterMean}, not a positive finite diameter"), path);
        }

        // Both end up in log(diam_mean) + ymean, where a non-finite value fails later, far from the file.
        if (!double.IsFinite(meanLogRatio))
        {
            throw new ModelFileException(string.Create(CultureInfo.InvariantCulture, $"ymean is {meanLogRatio}, not a finite number"), path);
        }

        try
        {
            // Cellpose does not record how many styles it fitted on; 0 says "unknown".
            return (new SizeModelParameters(styleMean, coefficients, meanLogRatio, samples: 0), diameterMean);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException($"not a usable size model: {e.Message}", path, e);
        }
    }

    /// <summary>Checks the .npy header (a 0-d object array) and returns where the pickle starts.</summary>
    private static int PayloadStart(byte[] bytes, string path)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new ModelFileException("not a .npy file (no \\x93NUMPY magic)", path);
        }

        int major = bytes[6];
        (int headerLength, int start) = major switch
        {
            1 => (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8, 2)), 10),
            2 or 3 when bytes.Length >= 12 => ((int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8, 4)), int.MaxValue), 12),
            _ => throw new ModelFileException($".npy format version {major} is not supported", path),
        };
        if (headerLength > bytes.Length - start)
        {
            throw new ModelFileException("the .npy header is truncated", path);
        }

        string header = Encoding.Latin1.GetString(bytes, start, headerLength);
        if (!header.Contains("'descr': '|O'", StringComparison.Ordinal) || !header.Contains("'shape': ()", StringComparison.Ordinal))
        {
            throw new ModelFileException($"is not a pickled dict saved by np.save (header {header.Trim()})", path);
        }

        return start + headerLength;
    }

    private static float[] Vector(PickleDictionary dict, string key, string path)
    {
        if (!dict.TryGetValue(key, out object? value) || value is not NumpyArray { Built: true, Data: { } data, DType: { } dtype, Shape: [long count] })
        {
            throw new ModelFileException($"'{key}' is missing or not a one-dimensional numpy array", path);
        }

        bool big = dtype.ByteOrder == '>';
        int size = dtype.Code switch
        {
            "f4" => 4,
            "f8" => 8,
            _ => throw new ModelFileException($"'{key}' has dtype {UntrustedText.Quote(dtype.Code)}; a size model holds floats", path),
        };
        if (count < 1 || count > data.Length / size || data.Length != count * size)
        {
            throw new ModelFileException($"'{key}' claims {count} values but holds {data.Length} bytes", path);
        }

        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<byte> element = data.AsSpan(i * size, size);
            values[i] = size == 4
                ? (big ? BinaryPrimitives.ReadSingleBigEndian(element) : BinaryPrimitives.ReadSingleLittleEndian(element))
                : (float)(big ? BinaryPrimitives.ReadDoubleBigEndian(element) : BinaryPrimitives.ReadDoubleLittleEndian(element));
        }

        return values;
    }

    private static double Number(PickleDictionary dict, string key, string path) =>
        dict.TryGetValue(key, out object? value) && value is double or long
            ? Convert.ToDouble(value, CultureInfo.InvariantCulture)
            : throw new ModelFileException($"'{key}' is missing or not a number", path);
}
