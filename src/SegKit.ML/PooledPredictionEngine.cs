using System.Collections.Concurrent;
using Microsoft.ML;

namespace SegKit.ML;

/// <summary>
/// PredictionEngine is not thread-safe; this hands each caller its own engine from a pool, as Microsoft.Extensions.ML's
/// PredictionEnginePool does (that package is not served on this project's NuGet feed, so services use this instead; the
/// typed classes work with either). Register it as a singleton; Predict may be called from any number of threads.
/// </summary>
public sealed class PooledPredictionEngine<TData, TPrediction> : IDisposable
    where TData : class
    where TPrediction : class, new()
{
    private readonly MLContext _context;
    private readonly ConcurrentBag<PredictionEngine<TData, TPrediction>> _idle = [];
    private int _disposed;

    public PooledPredictionEngine(MLContext context, ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        _context = context;
        Model = model;
    }

    public ITransformer Model { get; }

    /// <summary>Loads a pipeline saved with Model.Save (SegKit's transforms registered first).</summary>
    public static PooledPredictionEngine<TData, TPrediction> FromFile(string path, MLContext? context = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        context ??= new MLContext();
        SegKitCatalog.Register(context);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no saved pipeline there", path);
        }

        return new PooledPredictionEngine<TData, TPrediction>(context, context.Model.Load(path, out _));
    }

    public TPrediction Predict(TData example)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_idle.TryTake(out PredictionEngine<TData, TPrediction>? engine))
        {
            engine = _context.Model.CreatePredictionEngine<TData, TPrediction>(Model);
        }

        try
        {
            // A fresh output object per call: the engine's own would be shared with its next user.
            var result = new TPrediction();
            engine.Predict(example, ref result);
            return result;
        }
        finally
        {
            _idle.Add(engine);
            // A call that was running when the pool was disposed returns its engine after Dispose emptied the pool.
            if (_disposed != 0 && _idle.TryTake(out PredictionEngine<TData, TPrediction>? late))
            {
                late.Dispose();
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            while (_idle.TryTake(out PredictionEngine<TData, TPrediction>? engine))
            {
                engine.Dispose();
            }
        }
    }
}
