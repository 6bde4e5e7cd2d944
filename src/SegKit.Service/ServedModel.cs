using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.Service;

/// <summary>A model the service runs: its name in the API, its file, and its one ONNX Runtime session (thread-safe, shared by all requests).</summary>
public sealed class ServedModel(string name, string path, SegmentationModel model) : IDisposable
{
    public string Name { get; } = name;

    public string Path { get; } = path;

    public SegmentationModel Model { get; } = model;

    public ModelCard Card => Model.Card;

    public void Dispose() => Model.Dispose();
}
