// The CLI tests share the process-wide console and thread pool; run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
