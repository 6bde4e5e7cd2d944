using System.Globalization;
using System.Text.RegularExpressions;

namespace SegKit.Interop.Cellpose;

/// <summary>
/// Names of the same weight in Cellpose v3's CPnet state dict and in SegKit's CellposeNet. The networks are the same
/// computation with different module names: Cellpose nests its levels in Sequentials ("downsample.down.res_down_0",
/// "upsample.up.res_up_0") and numbers a decoder level's four convolutions conv_0..conv_3, where SegKit calls the first
/// "conv0" and the three style-fed ones "styled.0..2".
/// </summary>
public static partial class CellposeKeyMap
{
    /// <summary>The SegKit name of a Cellpose weight, or null when the name is not one of a CPnet's layers.</summary>
    public static string? ToSegKit(string cellposeName)
    {
        ArgumentNullException.ThrowIfNull(cellposeName);
        Match m;
        if ((m = CellposeDown().Match(cellposeName)).Success)
        {
            return $"down.{m.Groups[1].Value}.conv.{m.Groups[2].Value}.{m.Groups[3].Value}.{m.Groups[4].Value}";
        }

        if ((m = CellposeDownProjection().Match(cellposeName)).Success)
        {
            return $"down.{m.Groups[1].Value}.proj.{m.Groups[2].Value}.{m.Groups[3].Value}";
        }

        if ((m = CellposeUpFirst().Match(cellposeName)).Success)
        {
            return $"up.{m.Groups[1].Value}.conv0.{m.Groups[2].Value}.{m.Groups[3].Value}";
        }

        if ((m = CellposeUpStyled().Match(cellposeName)).Success)
        {
            return $"up.{m.Groups[1].Value}.styled.{Shift(m.Groups[2].Value, -1)}.{m.Groups[3].Value}";
        }

        if ((m = CellposeUpProjection().Match(cellposeName)).Success)
        {
            return $"up.{m.Groups[1].Value}.proj.{m.Groups[2].Value}.{m.Groups[3].Value}";
        }

        return CellposeOutput().IsMatch(cellposeName) ? cellposeName : null;
    }

    /// <summary>The Cellpose name of a SegKit CellposeNet weight, or null when it has none.</summary>
    public static string? ToCellpose(string segKitName)
    {
        ArgumentNullException.ThrowIfNull(segKitName);
        Match m;
        if ((m = SegKitDown().Match(segKitName)).Success)
        {
            return $"downsample.down.res_down_{m.Groups[1].Value}.conv.conv_{m.Groups[2].Value}.{m.Groups[3].Value}.{m.Groups[4].Value}";
        }

        if ((m = SegKitDownProjection().Match(segKitName)).Success)
        {
            return $"downsample.down.res_down_{m.Groups[1].Value}.proj.{m.Groups[2].Value}.{m.Groups[3].Value}";
        }

        if ((m = SegKitUpFirst().Match(segKitName)).Success)
        {
            return $"upsample.up.res_up_{m.Groups[1].Value}.conv.conv_0.{m.Groups[2].Value}.{m.Groups[3].Value}";
        }

        if ((m = SegKitUpStyled().Match(segKitName)).Success)
        {
            return $"upsample.up.res_up_{m.Groups[1].Value}.conv.conv_{Shift(m.Groups[2].Value, 1)}.{m.Groups[3].Value}";
        }

        if ((m = SegKitUpProjection().Match(segKitName)).Success)
        {
            return $"upsample.up.res_up_{m.Groups[1].Value}.proj.{m.Groups[2].Value}.{m.Groups[3].Value}";
        }

        return CellposeOutput().IsMatch(segKitName) ? segKitName : null;
    }

    private static string Shift(string number, int by) =>
        (int.Parse(number, CultureInfo.InvariantCulture) + by).ToString(CultureInfo.InvariantCulture);

    private const string Parameter = @"(weight|bias|running_mean|running_var|num_batches_tracked)";

    [GeneratedRegex(@"^downsample\.down\.res_down_(\d{1,3})\.conv\.conv_([0-3])\.([02])\." + Parameter + "$")]
    private static partial Regex CellposeDown();

    [GeneratedRegex(@"^downsample\.down\.res_down_(\d{1,3})\.proj\.([01])\." + Parameter + "$")]
    private static partial Regex CellposeDownProjection();

    [GeneratedRegex(@"^upsample\.up\.res_up_(\d{1,3})\.conv\.conv_0\.([02])\." + Parameter + "$")]
    private static partial Regex CellposeUpFirst();

    [GeneratedRegex(@"^upsample\.up\.res_up_(\d{1,3})\.conv\.conv_([1-3])\.(conv\.[02]\.(?:weight|bias|running_mean|running_var|num_batches_tracked)|full\.(?:weight|bias))$")]
    private static partial Regex CellposeUpStyled();

    [GeneratedRegex(@"^upsample\.up\.res_up_(\d{1,3})\.proj\.([01])\." + Parameter + "$")]
    private static partial Regex CellposeUpProjection();

    [GeneratedRegex(@"^output\.([02])\." + Parameter + "$")]
    private static partial Regex CellposeOutput();

    [GeneratedRegex(@"^down\.(\d{1,3})\.conv\.([0-3])\.([02])\." + Parameter + "$")]
    private static partial Regex SegKitDown();

    [GeneratedRegex(@"^down\.(\d{1,3})\.proj\.([01])\." + Parameter + "$")]
    private static partial Regex SegKitDownProjection();

    [GeneratedRegex(@"^up\.(\d{1,3})\.conv0\.([02])\." + Parameter + "$")]
    private static partial Regex SegKitUpFirst();

    [GeneratedRegex(@"^up\.(\d{1,3})\.styled\.([0-2])\.(conv\.[02]\.(?:weight|bias|running_mean|running_var|num_batches_tracked)|full\.(?:weight|bias))$")]
    private static partial Regex SegKitUpStyled();

    [GeneratedRegex(@"^up\.(\d{1,3})\.proj\.([01])\." + Parameter + "$")]
    private static partial Regex SegKitUpProjection();
}
