namespace FirmwareGate.Core.Checks;

/// <summary>An item a check reports beside its findings (a binary, a certificate, a key, an account).</summary>
public interface ICheckItem
{
    /// <summary>Path inside the filesystem; empty for a raw layer.</summary>
    string Path { get; }

    /// <summary>The report's location syntax (<c>img@0x40:trx/squashfs(xz):/etc/shadow</c>).</summary>
    string Location { get; }

    /// <summary>Orders several items of one file (an offset, a user name, a fingerprint).</summary>
    string SortKey { get; }
}
