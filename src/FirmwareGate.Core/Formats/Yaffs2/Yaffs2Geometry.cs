using FirmwareGate.Core.Sources;

namespace FirmwareGate.Core.Formats.Yaffs2;

/// <summary>
/// How chunks sit in a raw dump: page (chunk) size, spare (OOB) size and where the tags are in it, or
/// in-band tags in the last 16 bytes of each page when the dump has no spare.
/// </summary>
internal sealed record Yaffs2Geometry(bool BigEndian, int PageSize, int SpareSize, int TagOffset, bool Inband)
{
    private const int ProbeChunks = 16;

    // Common NAND pairings first (page/32 spare), then the others: a tie keeps the first.
    private static readonly (int Page, int Spare)[] Pairs =
    [
        (2048, 64), (4096, 128), (8192, 256), (512, 16), (16384, 512), (1024, 32),
        (2048, 128), (4096, 224), (4096, 256), (8192, 448), (8192, 512), (2048, 112), (4096, 64), (512, 64),
    ];

    private static readonly int[] InbandPages = [2048, 4096, 8192, 16384, 1024, 512];

    /// <summary>Bytes from one chunk to the next.</summary>
    public int Stride => Inband ? PageSize : PageSize + SpareSize;

    /// <summary>Data bytes a chunk holds.</summary>
    public int DataBytes => Inband ? PageSize - Yaffs2Layout.TagsSize : PageSize;

    /// <summary>Offset of the tags from the chunk's start.</summary>
    public int TagsAt => Inband ? PageSize - Yaffs2Layout.TagsSize : PageSize + TagOffset;

    public override string ToString() => Inband ? $"{PageSize} in-band tags" : $"{PageSize}+{SpareSize}";

    /// <summary>
    /// Finds the layout under which chunk 0 (an object header, already checked) has header tags and the
    /// next chunks have consistent tags; the layout with the most consistent chunks wins.
    /// </summary>
    public static Yaffs2Geometry? Detect(IByteSource source, bool bigEndian, uint firstType)
    {
        Yaffs2Geometry? best = null;
        int bestScore = 0;
        foreach (var g in Candidates(bigEndian))
        {
            int score = Score(source, g, firstType);
            if (score > bestScore)
            {
                (best, bestScore) = (g, score);
            }
        }

        return best;
    }

    private static IEnumerable<Yaffs2Geometry> Candidates(bool bigEndian)
    {
        foreach (var (page, spare) in Pairs)
        {
            yield return new(bigEndian, page, spare, 0, false);
            yield return new(bigEndian, page, spare, 2, false);
        }

        foreach (int page in InbandPages)
        {
            yield return new(bigEndian, page, 0, 0, true);
        }
    }

    // Chunks among the first few whose tags agree with their data; 0 when chunk 0 is not a header, when any
    // probed chunk has nonsense tags, or when no second chunk agrees (one chunk alone is too weak a sign).
    private static int Score(IByteSource source, Yaffs2Geometry g, uint firstType)
    {
        int score = Walk(source, g, firstType, out int invalid);
        return invalid > 0 || score < 2 ? 0 : score;
    }

    private static int Walk(IByteSource source, Yaffs2Geometry g, uint firstType, out int invalid)
    {
        Span<byte> tags = stackalloc byte[Yaffs2Layout.TagsSize];
        Span<byte> head = stackalloc byte[Yaffs2Layout.HeaderSize];
        int score = 0;
        invalid = 0;
        for (int i = 0; i < ProbeChunks; i++)
        {
            long at = (long)i * g.Stride;
            if (at + g.Stride > source.Length || source.ReadFully(at + g.TagsAt, tags) < tags.Length)
            {
                break;
            }

            if (Yaffs2Tags.IsErased(tags))
            {
                if (i == 0)
                {
                    return 0;
                }

                continue;
            }

            var t = Yaffs2Tags.Decode(tags, g.BigEndian);
            if (!t.IsPlausible(g.DataBytes))
            {
                if (i == 0)
                {
                    return 0;
                }

                invalid++;
                continue;
            }

            if (t.IsHeader)
            {
                if (source.ReadFully(at, head) < head.Length || !Yaffs2ObjectHeader.LooksValid(head, g.BigEndian)
                    || (t.Extra && t.ExtraType != Yaffs2ObjectHeader.U32(head, Yaffs2Layout.Type, g.BigEndian))
                    || (i == 0 && Yaffs2ObjectHeader.U32(head, Yaffs2Layout.Type, g.BigEndian) != firstType))
                {
                    if (i == 0)
                    {
                        return 0;
                    }

                    invalid++;
                    continue;
                }
            }
            else if (i == 0)
            {
                return 0;
            }

            score++;
        }

        return score;
    }
}
