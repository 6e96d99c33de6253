namespace FirmwareGate.MSBuild.Tests;

/// <summary>The tests that share one packed package; they run one after the other (each starts child builds).</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "FirmwareGate.MSBuild package";
}
