namespace SegKit.Cli;

/// <summary>The process exit codes every segkit command uses.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran but failed: unreadable input, unwritable output, ...</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: unknown option, missing argument, bad value.</summary>
    public const int Usage = 2;
}
