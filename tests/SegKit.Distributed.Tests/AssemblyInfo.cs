// These tests start silos, segment images and kill processes on a 2-core machine; one at a time keeps their timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
