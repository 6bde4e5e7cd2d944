namespace SegKit.Imaging;

/// <summary>
/// A colour per label with no table: the hue steps by the golden ratio of a turn per label (so consecutive
/// labels land about 137.5 degrees apart and any run of labels spreads evenly round the wheel), and the
/// saturation follows a second low-discrepancy sequence so that labels whose hues nearly coincide still differ.
/// </summary>
internal static class OutlinePalette
{
    private const double GoldenTurn = 0.6180339887498949;
    private const double SaturationStep = 0.7548776662466927;

    /// <summary>The colour of <paramref name="label"/> (labels above 0), fully bright.</summary>
    public static (byte R, byte G, byte B) Colour(int label)
    {
        double hue = Fraction(label * GoldenTurn) * 6.0;
        double saturation = 0.55 + (0.45 * Fraction(label * SaturationStep));
        int sector = (int)hue;
        double f = hue - sector;
        byte full = 255;
        byte low = ToByte(1.0 - saturation);
        byte falling = ToByte(1.0 - (saturation * f));
        byte rising = ToByte(1.0 - (saturation * (1.0 - f)));
        return sector switch
        {
            0 => (full, rising, low),
            1 => (falling, full, low),
            2 => (low, full, rising),
            3 => (low, falling, full),
            4 => (rising, low, full),
            _ => (full, low, falling),
        };
    }

    private static double Fraction(double x) => x - Math.Floor(x);

    private static byte ToByte(double unit) => (byte)((unit * 255.0) + 0.5);
}
