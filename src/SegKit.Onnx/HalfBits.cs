namespace SegKit.Onnx;

/// <summary>
/// IEEE 754 binary16 conversions for netstandard2.0, where System.Half is missing (SegKit.Onnx also builds for the MSBuild
/// tasks): float32 to binary16 rounds to nearest, ties to even, as .NET's (Half) cast does; binary16 to float32 is exact.
/// </summary>
internal static class HalfBits
{
    public static unsafe ushort FromSingle(float value)
    {
        uint x = *(uint*)&value;
        uint sign = (x >> 16) & 0x8000;
        int exponent = (int)((x >> 23) & 0xFF);
        uint mantissa = x & 0x7FFFFF;
        if (exponent == 0xFF)
        {
            // Infinity stays infinity; NaN stays a (quiet) NaN.
            return (ushort)(sign | 0x7C00 | (mantissa != 0 ? 0x200 | (mantissa >> 13) : 0));
        }

        int e = exponent - 127 + 15;
        if (e >= 0x1F)
        {
            return (ushort)(sign | 0x7C00);
        }

        if (e <= 0)
        {
            if (e < -10)
            {
                return (ushort)sign;
            }

            // A subnormal binary16: the full significand shifted into 10 bits, rounded to nearest even.
            mantissa |= 0x800000;
            int shift = 14 - e;
            uint subnormal = mantissa >> shift;
            uint rest = mantissa & ((1u << shift) - 1);
            uint halfway = 1u << (shift - 1);
            if (rest > halfway || (rest == halfway && (subnormal & 1) != 0))
            {
                subnormal++;
            }

            return (ushort)(sign | subnormal);
        }

        uint half = sign | ((uint)e << 10) | (mantissa >> 13);
        uint remainder = mantissa & 0x1FFF;

        // A carry out of the significand raises the exponent, up to infinity: still the correctly rounded value.
        if (remainder > 0x1000 || (remainder == 0x1000 && (half & 1) != 0))
        {
            half++;
        }

        return (ushort)half;
    }

    public static unsafe float ToSingle(ushort half)
    {
        uint sign = (uint)(half & 0x8000) << 16;
        int exponent = (half >> 10) & 0x1F;
        uint mantissa = (uint)half & 0x3FF;
        uint bits;
        if (exponent == 0)
        {
            if (mantissa == 0)
            {
                bits = sign;
            }
            else
            {
                // Subnormal: mantissa x 2^-24, exact in float32.
                float magnitude = mantissa * (1f / 16777216f);
                return sign != 0 ? -magnitude : magnitude;
            }
        }
        else if (exponent == 0x1F)
        {
            bits = sign | 0x7F800000 | (mantissa << 13);
        }
        else
        {
            bits = sign | ((uint)(exponent - 15 + 127) << 23) | (mantissa << 13);
        }

        return *(float*)&bits;
    }
}
