using FirmwareGate.Core.Tests.Support;

namespace FirmwareGate.Core.Tests.Corpus;

/// <summary>A theory over the shared corpus, skipped with a visible reason when the corpus is absent.</summary>
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (!TestPaths.CorpusPresent)
        {
            Skip = $"corpus not found at {TestPaths.Corpus} (set FIRMWAREGATE_CORPUS); corpus checks skipped";
        }
    }
}
