namespace SegKit.Onnx;

/// <summary>OperatorSetIdProto: an operator set a model uses; the default ONNX domain is the empty string.</summary>
public readonly record struct OnnxOpsetImport(string Domain, long Version);
