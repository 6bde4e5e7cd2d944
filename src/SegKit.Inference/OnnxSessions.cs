using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using SegKit.Onnx;

namespace SegKit.Inference;

/// <summary>
/// Opens ONNX Runtime sessions on the requested device. CUDA is used only when it really starts, else the session runs on
/// the CPU with one logged warning: the CPU package lists only CPUExecutionProvider and throws EntryPointNotFoundException
/// when CUDA is appended; the GPU package (-p:SegKitGpu=true) lists CUDAExecutionProvider even where CUDA's libraries or
/// a device are missing, and fails only when the provider is appended or a session starts on it.
/// </summary>
public static class OnnxSessions
{
    public const string CudaProvider = "CUDAExecutionProvider";

    private static readonly ConcurrentDictionary<int, Lazy<string?>> CudaProblems = new();

    private static readonly Lazy<byte[]> CudaProbeModel = new(() =>
    {
        var graph = new GraphBuilder("cuda-probe");
        string x = graph.Input("x", OnnxElementType.Float, 1);
        graph.Node("Identity", [x], ["y"]);
        graph.Output("y", OnnxElementType.Float, 1);
        return OnnxWriter.ToBytes(graph.ToModel());
    });

    public static InferenceSession Open(string path, ExecutionDevice device = ExecutionDevice.Cpu, int intraOpThreads = 0, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ModelLoadException("model file not found", path);
        }

        return Open(File.ReadAllBytes(path), path, device, intraOpThreads, logger);
    }

    /// <param name="source">Names the model in messages (a path, or a description for in-memory models).</param>
    public static InferenceSession Open(byte[] model, string source, ExecutionDevice device = ExecutionDevice.Cpu, int intraOpThreads = 0, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        logger ??= NullLogger.Instance;
        if (intraOpThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(intraOpThreads), intraOpThreads, "0 lets ONNX Runtime choose; otherwise a positive thread count");
        }

        // Without the memory pattern the arena holds what one batch needs (about 160 MB less for a batch of eight
        // 224 x 224 tiles of the nuclei model) at no measurable cost in time.
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, EnableMemoryPattern = false };
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        if (ResolveDevice(device, logger) == ExecutionDevice.Cuda)
        {
            options.AppendExecutionProvider_CUDA(0);
        }

        try
        {
            return new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            options.Dispose();
            throw new ModelLoadException($"ONNX Runtime cannot load this model: {FirstLine(e.Message)}", source, e);
        }
    }

    /// <summary>
    /// True when this ONNX Runtime build has the CUDA execution provider (the GPU package). Whether CUDA can run here is
    /// known only by starting it: see <see cref="CudaProblem"/>.
    /// </summary>
    public static bool CudaAvailable() => OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider);

    /// <summary>
    /// The device a session asked for <paramref name="requested"/> runs on: CUDA when it starts, otherwise the CPU, with one
    /// warning that says why.
    /// </summary>
    public static ExecutionDevice ResolveDevice(ExecutionDevice requested, ILogger? logger = null)
    {
        if (requested != ExecutionDevice.Cuda)
        {
            return ExecutionDevice.Cpu;
        }

        string? problem = CudaProblem(0);
        if (problem is null)
        {
            return ExecutionDevice.Cuda;
        }

        (logger ?? NullLogger.Instance).LogWarning("CUDA was requested but {Problem}; running on the CPU", problem);
        return ExecutionDevice.Cpu;
    }

    /// <summary>
    /// Null when a session can run on CUDA device <paramref name="deviceId"/>; otherwise why not. Found once per device and
    /// process by starting a one-node session there: appending the provider fails where CUDA's libraries are missing, and
    /// only a session start finds a missing device or a driver too old for them.
    /// </summary>
    public static string? CudaProblem(int deviceId = 0)
    {
        if (deviceId < 0)
        {
            return $"{deviceId} is not a GPU device id";
        }

        if (!CudaAvailable())
        {
            return "this ONNX Runtime build has no CUDA execution provider (the CPU package; build with -p:SegKitGpu=true for the GPU one)";
        }

        return CudaProblems.GetOrAdd(deviceId, id => new Lazy<string?>(() => StartCuda(id), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    private static string? StartCuda(int deviceId)
    {
        try
        {
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(deviceId);
            using var session = new InferenceSession(CudaProbeModel.Value, options);
            return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or OnnxRuntimeException or DllNotFoundException)
        {
            return $"CUDA could not be started on device {deviceId} ({FirstLine(e.Message)})";
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
