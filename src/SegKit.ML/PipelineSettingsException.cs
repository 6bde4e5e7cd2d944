using SegKit.Core;

namespace SegKit.ML;

/// <summary>A pipeline's settings are damaged, contradict each other, or do not fit the model they run (its card).</summary>
public sealed class PipelineSettingsException(string message, string? filePath = null, Exception? inner = null) : SegKitException(message, filePath, inner);
