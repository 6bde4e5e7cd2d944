using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using SegKit.Inference;
using SegKit.ML.Settings;
using SegKit.Onnx;

namespace SegKit.ML.Transforms;

/// <summary>
/// One session per model and device for the whole process, opened on first use. Device selection follows ML.NET's
/// gpuDeviceId/fallbackToCpu, but handles what ML.NET (5.0.1 and 6.0.0) lets escape: with the CPU package of ONNX Runtime,
/// asking for CUDA throws EntryPointNotFoundException (not OnnxRuntimeException), so ApplyOnnxModel's fallbackToCpu never
/// falls back.
/// </summary>
internal static class NetworkCache
{
    private static readonly ConcurrentDictionary<NetworkSettings, Lazy<LoadedNetwork>> Networks = new();

    public static LoadedNetwork Get(NetworkSettings settings)
    {
        Lazy<LoadedNetwork> entry = Networks.GetOrAdd(settings, s => new Lazy<LoadedNetwork>(() => Open(s), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A Lazy keeps its exception: without this, a model file that was missing (or being replaced) when the first
            // row ran would fail every later row and engine of the process, even once the file is back.
            Networks.TryRemove(new KeyValuePair<NetworkSettings, Lazy<LoadedNetwork>>(settings, entry));
            throw;
        }
    }

    /// <summary>The SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static LoadedNetwork Open(NetworkSettings settings)
    {
        string path = settings.ModelPath;
        if (!File.Exists(path))
        {
            throw new ModelLoadException("the model file this pipeline was built with is not there (a saved pipeline refers to its ONNX model by path)", path);
        }

        if (Sha256(path) != settings.ModelSha256)
        {
            throw new PipelineSettingsException("the model file has changed since the pipeline was built (its SHA-256 differs): rebuild the pipeline for this model", path);
        }

        ExecutionDevice device = ChooseDevice(settings);
        var model = SegmentationModel.Load(path, device: ExecutionDevice.Cpu);
        try
        {
            CheckCard(model.Card, model.OutputChannels, settings, path);
            InferenceSession session = model.Session;
            if (device == ExecutionDevice.Cuda)
            {
                // SegmentationModel checked the file; the session that runs it is opened on the chosen GPU. The model stays
                // open only for its size model's encoder, which runs one window per image on the CPU.
                session = OpenCuda(path, settings.GpuDeviceId!.Value);
            }

            // The one-pass diameter estimate, as segkit segment runs it, when the card has a size model.
            OnnxStyleNetwork? style = model.Card.SizeModel is null ? null : model.StyleNetwork;
            return new LoadedNetwork(session, new OnnxTileNetwork(session, model.OutputChannels, model.InputName, model.OutputName), model.Card, path, device, style);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void CheckCard(ModelCard card, int outputChannels, NetworkSettings settings, string path)
    {
        if (card.Kind != settings.ModelKind || (card.InputChannels.Count > 0 && card.InputChannels.Count != settings.InputChannels) || outputChannels != settings.OutputChannels)
        {
            throw new PipelineSettingsException(
                $"the model's card ({card.Kind}, {card.InputChannels.Count} input and {outputChannels} output channels) does not match the pipeline's settings ({settings.ModelKind}, {settings.InputChannels} and {settings.OutputChannels})",
                path);
        }
    }

    private static ExecutionDevice ChooseDevice(NetworkSettings settings)
    {
        if (settings.GpuDeviceId is not int id)
        {
            return ExecutionDevice.Cpu;
        }

        string? problem = OnnxSessions.CudaProblem(id);
        if (problem is null)
        {
            return ExecutionDevice.Cuda;
        }

        return settings.FallbackToCpu
            ? ExecutionDevice.Cpu
            : throw new PipelineSettingsException($"GPU {id} was asked for with fallbackToCpu: false, but {problem}", settings.ModelPath);
    }

    private static InferenceSession OpenCuda(string path, int id)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.AppendExecutionProvider_CUDA(id);
        return new InferenceSession(path, options);
    }

    /// <summary>For tests and diagnostics: the device the network of these settings runs on.</summary>
    internal static ExecutionDevice DeviceOf(NetworkSettings settings) => Get(settings).Device;
}
