// One trained model is shared by every test class; TorchSharp's generator is process-wide, so the classes run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
