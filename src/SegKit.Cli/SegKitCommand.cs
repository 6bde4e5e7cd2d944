using System.CommandLine;

namespace SegKit.Cli;

/// <summary>The root of the segkit command tree.</summary>
internal static class SegKitCommand
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("SegKit: segmentation of microscopy images (Cellpose- and U-Net-style) in .NET.");
        return root.Parse(args).Invoke();
    }
}
