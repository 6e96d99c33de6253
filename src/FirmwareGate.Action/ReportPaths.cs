namespace FirmwareGate.Action;

/// <summary>Report paths per image: one image writes to the path as given; several fill <c>{image}</c>, or insert the image's name before the extension.</summary>
internal static class ReportPaths
{
    public const string ImagePlaceholder = "{image}";

    public static string For(string template, string imageName, int imageCount)
    {
        if (template.Contains(ImagePlaceholder, StringComparison.Ordinal))
        {
            return template.Replace(ImagePlaceholder, imageName, StringComparison.Ordinal);
        }

        if (imageCount <= 1)
        {
            return template;
        }

        // firmwaregate/sbom.cdx.json -> firmwaregate/sbom.router.bin.cdx.json: the first dot of the file name, so
        // double extensions (.cdx.json) stay whole.
        int slash = Math.Max(template.LastIndexOf('/'), template.LastIndexOf('\\'));
        int dot = template.IndexOf('.', slash + 1);
        return dot <= slash + 1 ? template + "." + imageName : template[..dot] + "." + imageName + template[dot..];
    }
}
