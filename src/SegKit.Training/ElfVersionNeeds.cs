using System.Buffers.Binary;
using System.Text;

namespace SegKit.Training;

/// <summary>
/// Reads the version needs (.gnu.version_r) of an ELF64 little-endian shared library, to tell whether the build's
/// TorchSharp fix is in place and to explain a load failure precisely.
/// </summary>
public static class ElfVersionNeeds
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    public static VersionNeedStatus Find(string libraryPath, string version)
    {
        byte[] data = File.ReadAllBytes(libraryPath);
        ReadOnlySpan<byte> d = data;
        if (d.Length < 64 || !d[..4].SequenceEqual("\u007fELF"u8) || d[4] != 2 || d[5] != 1)
        {
            throw new InvalidDataException($"{libraryPath} is not an ELF64 little-endian file");
        }

        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(d[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(d[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(d[0x3C..]);
        for (int i = 0; i < shnum; i++)
        {
            ReadOnlySpan<byte> sh = d.Slice(checked((int)(shoff + ((long)i * shentsize))), 64);
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != ShtGnuVerneed)
            {
                continue;
            }

            int offset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(sh[0x18..]));
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x2C..]);
            ReadOnlySpan<byte> strtabHeader = d.Slice(checked((int)(shoff + ((long)link * shentsize))), 64);
            int strtab = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(strtabHeader[0x18..]));
            for (int n = 0; n < count; n++)
            {
                // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(d[(offset + 2)..]);
                int aux = offset + (int)BinaryPrimitives.ReadUInt32LittleEndian(d[(offset + 8)..]);
                for (int a = 0; a < auxCount; a++)
                {
                    // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(d[(aux + 4)..]);
                    int name = strtab + (int)BinaryPrimitives.ReadUInt32LittleEndian(d[(aux + 8)..]);
                    int end = d[name..].IndexOf((byte)0);
                    if (Encoding.ASCII.GetString(d.Slice(name, end)) == version)
                    {
                        return (flags & VerFlagWeak) != 0 ? VersionNeedStatus.Weak : VersionNeedStatus.Required;
                    }

                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(d[(aux + 12)..]);
                }

                offset += (int)BinaryPrimitives.ReadUInt32LittleEndian(d[(offset + 12)..]);
            }
        }

        return VersionNeedStatus.Absent;
    }
}
