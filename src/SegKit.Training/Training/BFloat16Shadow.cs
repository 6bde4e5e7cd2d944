using TorchSharp;
using static TorchSharp.torch;

namespace SegKit.Training.Training;

/// <summary>
/// Mixed-precision training by hand (TorchSharp has no autocast): a bf16 working copy of the fp32 master network.
/// Each step copies the master weights in, runs forward and backward in bf16 (batch normalisation stays fp32: LibTorch's
/// CPU batch norm takes bf16 input with fp32 statistics), then hands the gradients and the updated running statistics
/// back to the master, where the optimiser steps in fp32. Checkpoints, validation and export only ever see the master.
/// </summary>
public sealed class BFloat16Shadow : IDisposable
{
    private readonly TorchSharp.Modules.Parameter[] _masterParameters;
    private readonly TorchSharp.Modules.Parameter[] _workingParameters;
    private readonly Tensor[] _masterBuffers;
    private readonly Tensor[] _workingBuffers;

    public BFloat16Shadow(nn.Module master, nn.Module working)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(working);
        Working = working;
        Working.to(ScalarType.BFloat16);
        foreach (var module in Working.modules())
        {
            if (module is TorchSharp.Modules.BatchNorm2d or TorchSharp.Modules.BatchNorm1d)
            {
                module.to(ScalarType.Float32);
            }
        }

        _masterParameters = [.. master.parameters()];
        _workingParameters = [.. Working.parameters()];
        _masterBuffers = [.. master.buffers()];
        _workingBuffers = [.. Working.buffers()];
        if (_masterParameters.Length != _workingParameters.Length || _masterBuffers.Length != _workingBuffers.Length)
        {
            throw new ArgumentException("the working copy must have the master network's architecture", nameof(working));
        }

        Working.train(master.training);
    }

    /// <summary>The bf16 network a step runs through.</summary>
    public nn.Module Working { get; }

    /// <summary>Copies the master's weights and statistics into the working copy (rounded to bf16 where it is bf16).</summary>
    public void Pull()
    {
        using var noGrad = torch.no_grad();
        for (int i = 0; i < _masterParameters.Length; i++)
        {
            _workingParameters[i].copy_(_masterParameters[i]);
            _workingParameters[i].grad?.zero_();
        }

        for (int i = 0; i < _masterBuffers.Length; i++)
        {
            _workingBuffers[i].copy_(_masterBuffers[i]);
        }
    }

    /// <summary>Gives the master the working copy's gradients (as fp32) and its updated batch-norm statistics.</summary>
    public void Push()
    {
        using var noGrad = torch.no_grad();
        for (int i = 0; i < _masterParameters.Length; i++)
        {
            Tensor? grad = _workingParameters[i].grad;
            _masterParameters[i].grad = grad?.to(ScalarType.Float32);
        }

        for (int i = 0; i < _masterBuffers.Length; i++)
        {
            _masterBuffers[i].copy_(_workingBuffers[i]);
        }
    }

    public void Dispose() => Working.Dispose();
}
