using Microsoft.Extensions.Options;
using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Service.Tests;

public sealed class ResultCacheTests : IDisposable
{
    private readonly ServedModel _model = new("nuclei", Path.Combine(ServiceFactory.Models, "nuclei.onnx"), SegmentationModel.Load(Path.Combine(ServiceFactory.Models, "nuclei.onnx")));

    public void Dispose() => _model.Dispose();

    [Fact]
    public void Entries_expire_after_their_lifetime_since_last_use_and_the_least_recently_used_go_first()
    {
        var time = new ManualTime();
        CachedSegmentation a = Entry("a"), b = Entry("b"), c = Entry("c");
        var cache = new ResultCache(Options.Create(new SegKitServiceOptions { ResultLifetime = TimeSpan.FromMinutes(10), ResultCacheBytes = (2 * a.SizeInBytes) + 1 }), time);

        Assert.True(cache.Add(a));
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.True(cache.Add(b));
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Same(a, cache.Get("a")); // used: a is now the most recent
        Assert.True(cache.Add(c));        // over budget: b, the least recently used, goes
        Assert.Null(cache.Get("b"));
        Assert.Equal(2, cache.Count);
        Assert.Equal(2 * a.SizeInBytes, cache.Bytes);

        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Null(cache.Get("a"));
        Assert.Null(cache.Get("c"));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void An_entry_larger_than_the_whole_budget_is_not_kept()
    {
        CachedSegmentation a = Entry("a");
        Assert.Equal(1, a.Image.BytesPerValue); // the 8-bit sample is held in bytes, and counted so
        var cache = new ResultCache(Options.Create(new SegKitServiceOptions { ResultCacheBytes = a.SizeInBytes - 1 }), new ManualTime());
        Assert.False(cache.Add(a));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Of_two_rethresholdings_the_one_started_last_stays_current_whichever_finishes_last()
    {
        CachedSegmentation entry = Entry("a");
        var image = ImageFile.Read(Path.Combine(ServiceFactory.Samples, "dsb_4be73d68.png"));
        ModelSegmenter segmenter = _model.Model.CreateSegmenter(new SegmentOptions { Diameter = 30 });
        DynamicsOptions older = DynamicsOptions.Default with { MinSize = 200 }, newer = DynamicsOptions.Default with { MinSize = 0 };
        SegmentationResult olderResult = segmenter.Masks(entry.Prediction!, image, older), newerResult = segmenter.Masks(entry.Prediction!, image, newer);
        Assert.NotEqual(olderResult.Objects.Count, newerResult.Objects.Count);

        long first = entry.NextTicket(), second = entry.NextTicket();
        entry.Update(second, newerResult, newer);
        entry.Update(first, olderResult, older); // the slower, older request finishes last
        Assert.Same(newerResult, entry.Current.Result);
        Assert.Equal(newer, entry.Current.Dynamics);

        entry.Update(entry.NextTicket(), olderResult, older);
        Assert.Same(olderResult, entry.Current.Result);
    }

    private CachedSegmentation Entry(string id)
    {
        var image = ImageFile.Read(Path.Combine(ServiceFactory.Samples, "dsb_4be73d68.png"));
        ModelSegmenter segmenter = _model.Model.CreateSegmenter(new SegmentOptions { Diameter = 30 });
        var prediction = segmenter.Predict(image);
        return new CachedSegmentation(id, _model, "a.png", PackedImage.Pack(image), prediction, segmenter.Masks(prediction, image, DynamicsOptions.Default), DynamicsOptions.Default);
    }
}
