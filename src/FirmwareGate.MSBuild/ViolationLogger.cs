using Microsoft.Build.Utilities;

namespace FirmwareGate.MSBuild;

/// <summary>
/// Turns the gate's violations into MSBuild diagnostics: a failing violation is an error (a warning under
/// <c>FirmwareGateFailOn=never</c>), a violation at level warning a warning, anything else a detailed-verbosity message.
/// Each points at the policy line that decided it, else at the image.
/// </summary>
/// <param name="log">The task's logging helper.</param>
/// <param name="image">The image path as the project names it.</param>
/// <param name="policyFile">The policy file of the report; null for the built-in default.</param>
/// <param name="failOnNever">Log everything as warnings.</param>
/// <param name="warningsAsErrors">Log warnings as errors (ignored under <paramref name="failOnNever"/>).</param>
public sealed class ViolationLogger(TaskLoggingHelper log, string image, string? policyFile, bool failOnNever, bool warningsAsErrors)
{
    private readonly string _shownImage = DisplayPath.Of(image);

    /// <summary>How many violations were logged as errors because they fail the gate.</summary>
    public int FailingCount { get; private set; }

    /// <summary>Logs one violation.</summary>
    public void Violation(ReportedViolation v)
    {
        var code = DiagnosticCodes.ForViolation(v.Kind, v.RuleId);
        var (file, line, column) = policyFile is not null && v.PolicyLine is { } l ? (policyFile, l, v.PolicyColumn ?? 0) : (image, 0, 0);
        var where = v.Path is { Length: > 0 } path ? $"{path} in {_shownImage}" : _shownImage;
        var rule = v.PolicyRule is { Length: > 0 } r ? $" [policy rule {r}]" : "";
        var message = $"{v.RuleId}: {v.Message} - {where}{rule}";
        if (v.Fails)
        {
            FailingCount++;
            Error(code, file, line, column, message);
        }
        else if (v.Level == "warning" && v.WaivedBy is null)
        {
            Warning(code, file, line, column, message);
        }
        else
        {
            var why = v.WaivedBy is { } waiver ? $"waived by {waiver}" : v.InBaseline ? "in the baseline" : v.Level;
            log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "{0}({1},{2}): {3} {4}: {5} ({6})", file, line, column, why, code, message, v.Level);
        }
    }

    /// <summary>Logs a gate warning, as an error under FirmwareGateTreatWarningsAsErrors.</summary>
    public void Warning(string code, string file, int line, int column, string message)
    {
        if (warningsAsErrors && !failOnNever)
        {
            log.LogError(null, code, null, file, line, column, 0, 0, "{0}", message);
        }
        else
        {
            log.LogWarning(null, code, null, file, line, column, 0, 0, "{0}", message);
        }
    }

    private void Error(string code, string file, int line, int column, string message)
    {
        if (failOnNever)
        {
            log.LogWarning(null, code, null, file, line, column, 0, 0, "{0}", message);
        }
        else
        {
            log.LogError(null, code, null, file, line, column, 0, 0, "{0}", message);
        }
    }
}
