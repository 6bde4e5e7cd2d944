namespace SegKit.Training.Training;

/// <summary>
/// Cellpose v3's schedule, per epoch: a linear warm-up over the first 10 epochs (from 0), then constant; runs
/// longer than 99 epochs end with ten halvings (every 5 epochs over the last 50, or every 10 over the last 100
/// for runs longer than 300 epochs).
/// </summary>
public static class LearningRateSchedule
{
    public static double[] Build(double learningRate, int epochs)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be a positive number");
        }

        if (epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "at least one epoch");
        }

        var schedule = new List<double>();
        int warmup = Math.Min(10, epochs);
        for (int i = 0; i < warmup; i++)
        {
            // numpy.linspace(0, lr, 10): the first epoch learns nothing, as in Cellpose.
            schedule.Add(warmup == 1 ? learningRate : learningRate * i / (warmup - 1));
        }

        schedule.AddRange(Enumerable.Repeat(learningRate, Math.Max(0, epochs - warmup)));
        int tail = epochs > 300 ? 100 : epochs > 99 ? 50 : 0;
        if (tail > 0)
        {
            int every = tail / 10;
            schedule.RemoveRange(schedule.Count - tail, tail);
            for (int i = 0; i < 10; i++)
            {
                double next = schedule[^1] / 2;
                schedule.AddRange(Enumerable.Repeat(next, every));
            }
        }

        return [.. schedule];
    }
}
