using FirmwareGate.Core.Policy;
using CdxAnalysis = CycloneDX.Models.Vulnerabilities.Analysis;
using Justification = CycloneDX.Models.Vulnerabilities.ImpactAnalysisJustification;
using Response = CycloneDX.Models.Vulnerabilities.Response;
using State = CycloneDX.Models.Vulnerabilities.ImpactAnalysisState;

namespace FirmwareGate.Core.Reports;

/// <summary>
/// A waiver as a CycloneDX vulnerability <c>analysis</c> (VEX): the waiver's own analysis, else
/// <see cref="VexAnalysis.Default"/> (an accepted risk); the detail says why, who owns it and until when
/// unless the waiver gives one. Names the policy loader already checked; an unknown one is left out rather
/// than written as an invalid value.
/// </summary>
internal static class CycloneDxVex
{
    public static CdxAnalysis Analysis(Waiver waiver)
    {
        var vex = waiver.Analysis ?? VexAnalysis.Default;
        var responses = vex.Responses.Select(ResponseOf).OfType<Response>().Distinct().ToList();
        return new CdxAnalysis
        {
            State = StateOf(vex.State) ?? State.Exploitable,
            Justification = JustificationOf(vex.Justification) ?? Justification.Null,
            Response = responses.Count > 0 ? responses : null,
            Detail = vex.Detail ?? Detail(waiver),
        };
    }

    /// <summary>"Reason (waiver waivers[0], owner X, expires 2027-01-31)".</summary>
    public static string Detail(Waiver waiver) =>
        $"{waiver.Reason} (waiver {waiver.Id}, owner {waiver.Owner}, expires {PolicyJsonWriter.Date(waiver.Expires)})";

    private static State? StateOf(string name) => name switch
    {
        "resolved" => State.Resolved,
        "resolved_with_pedigree" => State.Resolved_With_Pedigree,
        "exploitable" => State.Exploitable,
        "in_triage" => State.In_Triage,
        "false_positive" => State.False_Positive,
        "not_affected" => State.Not_Affected,
        _ => null,
    };

    private static Justification? JustificationOf(string? name) => name switch
    {
        "code_not_present" => Justification.Code_Not_Present,
        "code_not_reachable" => Justification.Code_Not_Reachable,
        "requires_configuration" => Justification.Requires_Configuration,
        "requires_dependency" => Justification.Requires_Dependency,
        "requires_environment" => Justification.Requires_Environment,
        "protected_by_compiler" => Justification.Protected_By_Compiler,
        "protected_at_runtime" => Justification.Protected_At_Runtime,
        "protected_at_perimeter" => Justification.Protected_At_Perimeter,
        "protected_by_mitigating_control" => Justification.Protected_By_Mitigating_Control,
        _ => null,
    };

    private static Response? ResponseOf(string name) => name switch
    {
        "can_not_fix" => Response.Can_Not_Fix,
        "will_not_fix" => Response.Will_Not_Fix,
        "update" => Response.Update,
        "rollback" => Response.Rollback,
        "workaround_available" => Response.Workaround_Available,
        _ => null,
    };
}
