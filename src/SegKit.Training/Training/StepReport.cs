namespace SegKit.Training.Training;

/// <summary>One optimiser step done: which epoch (from 1), which step of how many, and its loss.</summary>
public sealed record StepReport(int Epoch, int Step, int Steps, double Loss);
