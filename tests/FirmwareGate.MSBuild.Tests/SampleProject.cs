namespace FirmwareGate.MSBuild.Tests;

/// <summary>
/// A firmware project in a temporary folder that references the packed package through its own NuGet.config
/// (only that folder, so restore is offline) and gates <c>images/router.trx</c> (a copy of samples/router-sample.trx).
/// </summary>
public sealed class SampleProject
{
    private SampleProject(string folder) => Folder = folder;

    /// <summary>The project's folder.</summary>
    public string Folder { get; }

    /// <summary>The image the project gates.</summary>
    public string Image => Path.Combine(Folder, "images", "router.trx");

    /// <summary>The policy file of the image.</summary>
    public string Policy => Path.Combine(Folder, "firmware-policy.yml");

    /// <summary>Creates the project with <paramref name="policy"/> as its policy.</summary>
    public static SampleProject Create(PackageFixture package, string name, string policy)
    {
        var folder = package.NewProjectFolder(name);
        File.WriteAllText(Path.Combine(folder, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{package.PackagesFolder}" />
              </packageSources>
            </configuration>
            """);
        var database = Path.Combine(package.RepoRoot, "samples", "vulndb");
        File.WriteAllText(Path.Combine(folder, "firmware.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <EnableDefaultItems>false</EnableDefaultItems>
                <GenerateAssemblyInfo>false</GenerateAssemblyInfo>
                <NoWarn>$(NoWarn);CS2008</NoWarn>
                <FirmwareGateDatabase Condition="'$(FirmwareGateDatabase)' == ''">{database}</FirmwareGateDatabase>
                <ImagePath Condition="'$(ImagePath)' == ''">images/router.trx</ImagePath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="FirmwareGate.MSBuild" Version="{package.Version}" PrivateAssets="all" />
                <FirmwareImage Include="$(ImagePath)" Policy="firmware-policy.yml" />
              </ItemGroup>
              <Target Name="CopySbomToRelease" AfterTargets="FirmwareGate">
                <Copy SourceFiles="@(FirmwareGateSbom)" DestinationFolder="release" />
              </Target>
            </Project>
            """);
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        File.Copy(Path.Combine(package.RepoRoot, "samples", "router-sample.trx"), Path.Combine(folder, "images", "router.trx"));
        File.WriteAllText(Path.Combine(folder, "firmware-policy.yml"), policy);
        return new SampleProject(folder);
    }
}
