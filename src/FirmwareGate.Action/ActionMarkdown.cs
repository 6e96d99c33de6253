using System.Globalization;
using System.Text;
using FirmwareGate.Core.Reports;

namespace FirmwareGate.Action;

/// <summary>The job summary, check run summary and pull request comment: the verdict over all images, then each image's report.</summary>
internal static class ActionMarkdown
{
    public static string Compose(IReadOnlyList<ImageOutcome> images, int exitCode, int maxCharacters = ActionSettings.MarkdownLimit)
    {
        var text = new StringBuilder();
        text.Append("## FirmwareGate: ").Append(ImageOutcome.VerdictOf(exitCode).ToUpperInvariant()).Append("\n\n");
        if (images.Count > 1)
        {
            text.Append("| Image | Verdict | Failing | Errors | Warnings | Notes | Waived |\n|---|---|---:|---:|---:|---:|---:|\n");
            foreach (var image in images.Take(100))
            {
                text.Append(CultureInfo.InvariantCulture, $"| {MarkdownText.Escape(image.DisplayPath)} | {image.Verdict} | {image.Failing} | {image.Errors} | {image.Warnings} | {image.Notes} | {image.Waived} |\n");
            }

            if (images.Count > 100)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n... and {images.Count - 100} more images.\n");
            }

            text.Append('\n');
        }

        int shown = 0;
        foreach (var image in images)
        {
            string section = Section(image, images.Count > 1);
            if (text.Length + section.Length > maxCharacters)
            {
                break;
            }

            text.Append(section);
            shown++;
        }

        if (shown < images.Count)
        {
            text.Append(CultureInfo.InvariantCulture, $"The reports of {images.Count - shown} more image(s) did not fit here: see the job summary, the SARIF and the JSON reports.\n");
        }

        return text.ToString();
    }

    /// <summary>The one-line title: the verdict and the counts.</summary>
    public static string Title(IReadOnlyList<ImageOutcome> images, int exitCode)
    {
        int failing = images.Sum(i => i.Failing);
        string what = images.Count == 1 ? images[0].Name : $"{images.Count} images";
        return exitCode switch
        {
            0 => $"Pass: {what}",
            1 => $"Fail: {failing} violation{(failing == 1 ? "" : "s")} fail the gate ({what})",
            3 => $"Incomplete: the analysis of {what} is incomplete",
            _ => $"Error: {what} could not be gated",
        };
    }

    private static string Section(ImageOutcome image, bool heading)
    {
        var text = new StringBuilder();
        if (heading)
        {
            text.Append("### ").Append(MarkdownText.Escape(image.DisplayPath)).Append("\n\n");
        }

        text.Append(image.Markdown ?? "**ERROR**: " + MarkdownText.Escape(image.Problem ?? "not gated") + "\n").Append('\n');
        if (image.PolicyDiffMarkdown is { } diff)
        {
            text.Append("<details>\n<summary>Policy change in this pull request, on ").Append(MarkdownText.Escape(image.Name)).Append("</summary>\n\n")
                .Append(diff).Append("\n</details>\n\n");
        }

        return text.ToString();
    }
}
