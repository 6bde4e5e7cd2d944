namespace SegKit.Training.Training;

/// <summary>
/// One optimiser step's patches as flat C-order arrays: the input [N, C, P, P] and the targets of the model's family
/// (Cellpose: flows [N, 2, P, P] and cell probability [N, P, P]; U-Net: classes and the loss weight map [N, P, P]).
/// </summary>
internal sealed record TrainingBatch(int Count, int Channels, float[] Input, float[]? Flows, float[]? CellProbability, long[]? Classes, float[]? Weights);
