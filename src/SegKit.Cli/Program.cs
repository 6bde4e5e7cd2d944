namespace SegKit.Cli;

internal static class Program
{
    private static int Main(string[] args) => SegKitCommand.Run(args);
}
