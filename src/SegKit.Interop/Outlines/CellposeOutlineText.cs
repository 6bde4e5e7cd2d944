using System.Globalization;
using System.Text;
using SegKit.Core.IO;

namespace SegKit.Interop.Outlines;

/// <summary>
/// Cellpose's NAME_cp_outlines.txt (io.outlines_to_text), which its GUI and ImageJ macro (imagej_roi_converter.py) read:
/// one line per object in label order, "x1,y1,x2,y2,..." around its outline. Like Cellpose's outlines_list, an outline
/// of 4 points or fewer is written as an empty line.
/// </summary>
public static class CellposeOutlineText
{
    public const string Suffix = "_cp_outlines.txt";

    /// <summary>Outlines with at most this many points become empty lines, as in Cellpose.</summary>
    public const int MinimumPoints = 5;

    public static void Write(string path, IReadOnlyList<ObjectOutline> outlines)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(outlines);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true) { NewLine = "\n" };
            foreach (ObjectOutline outline in outlines)
            {
                if (outline.Count >= MinimumPoints)
                {
                    for (int i = 0; i < outline.Count; i++)
                    {
                        if (i > 0)
                        {
                            writer.Write(',');
                        }

                        writer.Write(outline.X[i].ToString(CultureInfo.InvariantCulture));
                        writer.Write(',');
                        writer.Write(outline.Y[i].ToString(CultureInfo.InvariantCulture));
                    }
                }

                writer.WriteLine();
            }
        });
    }
}
