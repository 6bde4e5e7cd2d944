using System.Diagnostics;
using Orleans.TestingHost;
using SegKit.Imaging;

namespace SegKit.Distributed.Tests;

/// <summary>A job on Orleans' TestingHost: two in-process silos, the real grains, the real driver.</summary>
public sealed class TestClusterBatchTests : IDisposable
{
    // Short polls: a dead silo's items are retried within seconds, not the 30 s the defaults allow.
    private static readonly BatchRunnerOptions Fast = new() { MaxInFlight = 4, PollInterval = TimeSpan.FromSeconds(1), UnresponsiveAfter = TimeSpan.FromSeconds(5) };

    private readonly Job _job = new(images: 10);

    public void Dispose() => _job.Dispose();

    [Fact]
    public async Task A_job_on_two_silos_writes_the_masks_segkit_segment_writes()
    {
        TestCluster cluster = await TwoSiloCluster.StartAsync();
        try
        {
            BatchReport report = await new BatchRunner(cluster.Client, Fast).RunAsync(_job.Plan());

            Assert.Equal(10, report.Done);
            Assert.Equal(0, report.Failed);
            Assert.Empty(report.Retries);
            Assert.All(report.Images, i => Assert.Equal(1, i.Attempts));
            // The report's counts are the label images' own.
            Assert.All(report.Images, i => Assert.Equal(LabelImageFile.Read(SegmentationOutputs.MasksPath(_job.Output, i.Input)).MaxLabel, i.Objects));
            Assert.All(report.Images, i => Assert.True(i.Seconds > 0 && i.Silo is not null, i.ToString()));
            Assert.Equal(10, cluster.Silos.Sum(s => TwoSiloCluster.Segmentation(cluster, s).Completed));
            report.Write();
            _job.AssertOutputsMatchSegkitSegment();

            // The same manifest again: everything is skipped, nothing reaches a silo.
            BatchReport again = await new BatchRunner(cluster.Client, Fast).RunAsync(_job.Plan());
            Assert.Equal(10, again.Skipped);
            Assert.Equal(10, cluster.Silos.Sum(s => TwoSiloCluster.Segmentation(cluster, s).Completed));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_silo_killed_mid_job_costs_retries_but_no_output()
    {
        TestCluster cluster = await TwoSiloCluster.StartAsync();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            SiloSegmentation victimWork = TwoSiloCluster.Segmentation(cluster, victim);
            Task<BatchReport> running = new BatchRunner(cluster.Client, Fast).RunAsync(_job.Plan());

            // Kill it in the middle of an image. Placement is random, so waiting for it to have finished one image first
            // as well missed the moment now and then on a loaded machine (the job ended before it was busy again).
            var clock = Stopwatch.StartNew();
            while (victimWork.Started <= victimWork.Completed && !running.IsCompleted && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(20);
            }

            Assert.False(running.IsCompleted, "the job ended before the second silo was busy: nothing was killed");
            await cluster.KillSiloAsync(victim);
            BatchReport report = await running.WaitAsync(TimeSpan.FromMinutes(5));

            Assert.Equal(10, report.Done);
            Assert.Equal(0, report.Failed);
            Assert.NotEmpty(report.Retries);
            Assert.Contains(report.Images, i => i.Attempts > 1);
            report.Write();
            _job.AssertOutputsMatchSegkitSegment();
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
