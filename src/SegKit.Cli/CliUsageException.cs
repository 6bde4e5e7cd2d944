namespace SegKit.Cli;

/// <summary>The command line names something that cannot work (no inputs found, conflicting options): exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
