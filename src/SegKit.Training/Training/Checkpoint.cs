using System.Text;
using System.Text.Json;
using SegKit.Core;
using SegKit.Core.IO;
using static TorchSharp.torch;

namespace SegKit.Training.Training;

/// <summary>
/// A training checkpoint in one file, written atomically: a JSON header (kind, epoch, best metric, options), then the
/// model's state dict, then the optimiser's state (moments, step counts), so a resumed run continues exactly.
/// </summary>
public sealed record Checkpoint(string Kind, int Epoch, double? BestMetric, int? BestEpoch, string OptionsJson)
{
    private const string Magic = "SEGKIT-CKPT-1";

    /// <summary>Writes the checkpoint; without <paramref name="optimizer"/> it holds weights only (it exports, but does not resume).</summary>
    public static void Save(string path, Checkpoint header, nn.Module model, optim.Optimizer? optimizer)
    {
        ArgumentNullException.ThrowIfNull(header);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(header));
            model.save(writer);
            if (optimizer is TorchSharp.Modules.AdamW adam)
            {
                adam.save_state_dict(writer);
            }
            else if (optimizer is TorchSharp.Modules.SGD sgd)
            {
                sgd.save_state_dict(writer);
            }
        });
    }

    /// <summary>Reads the header only (to choose the model before loading its weights).</summary>
    public static Checkpoint ReadHeader(string path)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(reader, path);
    }

    /// <summary>Loads weights (and optimiser state, when given) into modules built with the header's options.</summary>
    public static Checkpoint Load(string path, nn.Module model, optim.Optimizer? optimizer)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        Checkpoint header = ReadHeader(reader, path);
        try
        {
            model.load(reader);
            if (optimizer is TorchSharp.Modules.AdamW adam)
            {
                adam.load_state_dict(reader);
            }
            else if (optimizer is TorchSharp.Modules.SGD sgd)
            {
                sgd.load_state_dict(reader);
            }
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or InvalidOperationException)
        {
            throw new InvalidImageException($"checkpoint does not fit this model ({e.Message})", path, e);
        }

        return header;
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidImageException("checkpoint not found", path);
        }

        return File.OpenRead(path);
    }

    private static Checkpoint ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != Magic)
            {
                throw new InvalidImageException("not a SegKit checkpoint", path);
            }

            return JsonSerializer.Deserialize<Checkpoint>(reader.ReadString()) ?? throw new InvalidImageException("empty checkpoint header", path);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or IOException)
        {
            throw new InvalidImageException("not a SegKit checkpoint (unreadable header)", path, e);
        }
    }
}
