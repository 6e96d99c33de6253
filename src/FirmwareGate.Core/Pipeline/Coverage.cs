using FirmwareGate.Core.Unpacking;

namespace FirmwareGate.Core.Pipeline;

/// <summary>
/// Where every byte of the image went. Bytes of a recognised layer count as recognised, except
/// that layers whose children are carved from their own bytes (TRX, uImage, FIT, a kernel region)
/// are counted through those children, so unknown bytes inside a container stay unknown.
/// The four parts always add up to <see cref="Bytes"/>.
/// </summary>
public sealed record Coverage(long Bytes, long Recognised, long Padding, long Unknown, long UnknownHighEntropy)
{
    /// <summary>Computes coverage over the top-level layers of an image.</summary>
    public static Coverage Of(long imageSize, IReadOnlyList<Layer> layers)
    {
        long recognised = 0, padding = 0, unknown = 0, high = 0;
        void Walk(IEnumerable<Layer> list)
        {
            foreach (var layer in list)
            {
                switch (layer.Format)
                {
                    case LayerFormats.Padding:
                        padding += layer.Size;
                        break;
                    case LayerFormats.Unknown:
                        unknown += layer.Size;
                        high += layer.HighEntropyBytes ?? 0;
                        break;
                    default:
                        if (layer.ChildrenAreCarved && layer.Children.Count > 0)
                        {
                            recognised += layer.Size - layer.Children.Sum(c => c.Size);
                            Walk(layer.Children);
                        }
                        else if (layer.ChildrenAreCarved && layer.Details.GetValueOrDefault("content") == LayerFormats.Unknown)
                        {
                            // A labelled region (kernel, part) with nothing recognised inside.
                            unknown += layer.Size;
                            high += layer.HighEntropyBytes ?? 0;
                        }
                        else
                        {
                            recognised += layer.Size;
                        }

                        break;
                }
            }
        }

        Walk(layers);
        return new Coverage(imageSize, recognised, padding, unknown, high);
    }
}
