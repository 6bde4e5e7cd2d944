using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SegKit.Inference;

namespace SegKit.Service;

/// <summary>
/// The models the service offers, loaded once at start (<see cref="Load"/>, from a hosted service) from the models
/// folder and the bundled models. A file that cannot be loaded is logged and left out; the service is ready
/// (<see cref="IsReady"/>) when loading has ended and at least one model loaded.
/// </summary>
public sealed class ModelCatalog(IOptions<SegKitServiceOptions> options, ILogger<ModelCatalog> logger) : IDisposable
{
    private readonly Dictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private volatile bool _loaded;

    public bool IsReady => _loaded && _models.Count > 0;

    /// <summary>The models by name, in name order (empty until loaded).</summary>
    public IReadOnlyList<ServedModel> Models => _loaded ? _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray() : [];

    public bool TryGet(string name, out ServedModel? model)
    {
        model = null;
        return _loaded && _models.TryGetValue(name, out model);
    }

    /// <summary>Loads every model; a second call does nothing.</summary>
    public void Load()
    {
        if (_loaded)
        {
            return;
        }

        SegKitServiceOptions settings = options.Value;
        var folders = new List<string>();
        if (settings.ModelsDirectory is { } folder)
        {
            folders.Add(folder);
        }

        if (settings.IncludeBundledModels && Directory.Exists(settings.BundledModelsDirectory))
        {
            folders.Add(settings.BundledModelsDirectory);
        }

        foreach (string file in folders.SelectMany(f => Directory.EnumerateFiles(f, "*.onnx")).Order(StringComparer.Ordinal))
        {
            string name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (_models.ContainsKey(name))
            {
                // The models folder comes first: a user's model replaces a bundled one of the same name.
                logger.LogInformation("{File}: a model named {Name} is already served; skipped", file, name);
                continue;
            }

            try
            {
                var model = SegmentationModel.Load(file, logger: logger, intraOpThreads: settings.IntraOpThreads);
                _models.Add(name, new ServedModel(name, file, model));
                logger.LogInformation("Serving model {Name} ({Kind}) from {File}", name, model.Card.Kind, file);
            }
            catch (ModelLoadException e)
            {
                logger.LogError("{File} is not served: {Reason}", file, e.Message);
            }
        }

        if (_models.Count == 0)
        {
            logger.LogError("No model could be loaded (looked in {Folders}); the service stays unready", string.Join(", ", folders));
        }

        _loaded = true;
    }

    public void Dispose()
    {
        foreach (ServedModel model in _models.Values)
        {
            model.Dispose();
        }
    }
}
