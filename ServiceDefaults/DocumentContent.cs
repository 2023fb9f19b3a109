using System.Text;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The formats a document (a case's scan, a receipt) may have, recognised by their leading bytes: what a client declares is only a claim, and a
/// file that is not what it says (an executable named scan.pdf) must never reach a coordinator's screen.
/// </summary>
public static class DocumentContent
{
    public const string Pdf = "application/pdf";
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Heic = "image/heic";
    public const string Tiff = "image/tiff";

    public static readonly string[] All = [Pdf, Jpeg, Png, Heic, Tiff];

    private static readonly byte[] JpegMagic = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // ISO-BMFF brands of HEIF images as phones write them (iPhone photos are 'heic'; 'mif1' is the generic HEIF brand).
    private static readonly string[] HeifBrands = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"];

    /// <summary>The format of <paramref name="content"/> by its magic bytes, or null when it is none we accept.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith("%PDF-"u8)) return Pdf;
        if (content.StartsWith(JpegMagic)) return Jpeg;
        if (content.StartsWith(PngMagic)) return Png;
        if (content.StartsWith("II*\0"u8) || content.StartsWith("MM\0*"u8)) return Tiff;
        if (content.Length >= 12 && content[4..8].SequenceEqual("ftyp"u8) &&
            HeifBrands.Contains(Encoding.ASCII.GetString(content[8..12]))) return Heic;
        return null;
    }

    /// <summary>The declared media type without parameters, with the aliases clients send mapped to ours.</summary>
    public static string Normalise(string? declared)
    {
        var type = (declared ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return type switch
        {
            "image/jpg" or "image/pjpeg" => Jpeg,
            "image/heif" => Heic,
            "image/tif" => Tiff,
            _ => type,
        };
    }
}
