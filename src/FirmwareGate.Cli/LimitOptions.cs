using System.CommandLine;
using FirmwareGate.Core.Formats;

namespace FirmwareGate.Cli;

/// <summary>The bomb-protection flags shared by scan and unpack.</summary>
internal sealed class LimitOptions
{
    private static readonly ReadLimits Defaults = ReadLimits.Default;

    private readonly Option<int> _depth = new("--max-depth") { Description = "Maximum layer nesting.", DefaultValueFactory = _ => Defaults.MaxDepth };
    private readonly Option<long> _bytes = new("--max-total-bytes") { Description = "Maximum bytes decoded or extracted in all.", DefaultValueFactory = _ => Defaults.MaxTotalBytes };
    private readonly Option<double> _ratio = new("--max-ratio") { Description = $"Maximum decoded/encoded ratio of one compressed layer, enforced once it has produced {Defaults.RatioFloorBytes >> 20} MiB.", DefaultValueFactory = _ => Defaults.MaxRatio };
    private readonly Option<int> _files = new("--max-files") { Description = "Maximum filesystem and archive entries.", DefaultValueFactory = _ => Defaults.MaxFiles };
    private readonly Option<int> _layers = new("--max-layers") { Description = "Maximum layers in the unpack tree.", DefaultValueFactory = _ => Defaults.MaxLayers };

    public void AddTo(Command command)
    {
        command.Options.Add(_depth);
        command.Options.Add(_bytes);
        command.Options.Add(_ratio);
        command.Options.Add(_files);
        command.Options.Add(_layers);
        foreach (var option in new Option[] { _depth, _bytes, _ratio, _files, _layers })
        {
            option.Validators.Add(result =>
            {
                if (result.Tokens.Count > 0 && double.TryParse(result.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out double v) && v <= 0)
                {
                    result.AddError($"{option.Name} must be positive");
                }
            });
        }
    }

    public ReadLimits Read(ParseResult parse) => new()
    {
        MaxDepth = parse.GetValue(_depth),
        MaxTotalBytes = parse.GetValue(_bytes),
        MaxRatio = parse.GetValue(_ratio),
        MaxFiles = parse.GetValue(_files),
        MaxLayers = parse.GetValue(_layers),
    };
}
