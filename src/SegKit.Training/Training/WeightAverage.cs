using static TorchSharp.torch;

namespace SegKit.Training.Training;

/// <summary>
/// The running mean of a network's weights and BatchNorm statistics over a run's epochs (stochastic weight averaging,
/// Izmailov et al. 2018): at a constant learning rate the epochs' weights scatter around a wide optimum, and their mean
/// lies nearer its centre than any of them. The mean is held in a network of the same architecture, in its own float32,
/// so that a resumed run continues it exactly; integer buffers (BatchNorm's step counters) take the latest epoch's value.
/// </summary>
internal sealed class WeightAverage(nn.Module holder) : IDisposable
{
    /// <summary>How many epochs the mean holds.</summary>
    public int Count { get; private set; }

    /// <summary>Adds one epoch's weights to the mean.</summary>
    public void Add(nn.Module model)
    {
        Count++;
        using var noGrad = no_grad();
        var mean = holder.state_dict();
        foreach (var (name, tensor) in model.state_dict())
        {
            Tensor target = mean[name];
            if (is_floating_point(tensor))
            {
                using Tensor step = tensor.sub(target).div_(Count);
                target.add_(step);
            }
            else
            {
                target.copy_(tensor);
            }
        }
    }

    /// <summary>Continues a mean of <paramref name="count"/> epochs saved by <see cref="Save"/> (a resumed run).</summary>
    public void Restore(string path, int count)
    {
        Checkpoint.Load(path, holder, null);
        Count = count;
    }

    /// <summary>Writes the mean as a checkpoint without optimiser state: export and evaluation read it like best.ckpt.</summary>
    public void Save(string path, Checkpoint header) => Checkpoint.Save(path, header, holder, null);

    public void Dispose() => holder.Dispose();
}
