namespace SegKit.Imaging.Formats;

/// <summary>Finds a JPEG's frame header (SOFn) by walking its marker segments, without decoding.</summary>
internal static class JpegHeader
{
    public static bool HasSignature(ReadOnlySpan<byte> start) => start.Length >= 3 && start[0] == 0xFF && start[1] == 0xD8 && start[2] == 0xFF;

    public static ImageFileInfo Read(HeaderReader reader)
    {
        reader.LittleEndian = false;
        long offset = 2;
        while (true)
        {
            if (reader.ReadByte(offset, "a JPEG marker") != 0xFF)
            {
                throw reader.Corrupt("JPEG", $"expected a marker at byte {offset}");
            }

            // Any number of 0xFF fill bytes may precede a marker code.
            byte marker;
            do
            {
                marker = reader.ReadByte(++offset, "a JPEG marker");
            }
            while (marker == 0xFF);

            offset++;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                continue; // markers without a length field
            }

            if (marker is 0xD9 or 0xDA)
            {
                throw reader.Corrupt("JPEG", "the image data starts before any frame header (SOF)");
            }

            int length = reader.ReadUInt16(offset, "a JPEG segment length");
            if (length < 2)
            {
                throw reader.Corrupt("JPEG", $"segment length {length} at byte {offset}");
            }

            if (IsFrameHeader(marker))
            {
                byte precision = reader.ReadByte(offset + 2, "the JPEG frame header");
                int height = reader.ReadUInt16(offset + 3, "the JPEG frame header");
                int width = reader.ReadUInt16(offset + 5, "the JPEG frame header");
                byte components = reader.ReadByte(offset + 7, "the JPEG frame header");
                ImageDimensions.Check((ulong)width, (ulong)height, reader.Path);

                // The decoder turns CMYK/YCCK (4 components) into 3-channel colour.
                int channels = components == 1 ? 1 : 3;
                SampleType type = precision > 8 ? SampleType.UInt16 : SampleType.UInt8;
                return new ImageFileInfo(reader.Path, ImageFormat.Jpeg, width, height, channels, type, 1);
            }

            offset += length;
        }
    }

    /// <summary>SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.</summary>
    private static bool IsFrameHeader(byte marker) => marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);
}
