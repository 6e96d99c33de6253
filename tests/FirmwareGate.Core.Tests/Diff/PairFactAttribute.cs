using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Diff;

/// <summary>A fact over the before/after pair, whose "before" is a corpus image: skipped with a visible reason when the corpus is absent.</summary>
public sealed class PairFactAttribute : FactAttribute
{
    public PairFactAttribute()
    {
        if (!TestPaths.CorpusPresent)
        {
            Skip = $"corpus not found at {TestPaths.Corpus} (set FIRMWAREGATE_CORPUS); the pair's before image is a corpus image";
        }
    }
}
