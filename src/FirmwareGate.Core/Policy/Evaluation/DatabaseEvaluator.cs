using System.Globalization;

namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// <c>database:</c> no database used while the facts carry no vulnerability data from elsewhere, and a
/// database whose last update is older than the policy allows at scan time (or whose age is unknown).
/// </summary>
internal static class DatabaseEvaluator
{
    public const string MissingRule = "database.missing";
    public const string AgeRule = "database.age";

    public static IEnumerable<Judged> Evaluate(DatabasePolicy policy, ScanFacts facts)
    {
        if (facts.Database is not { } db)
        {
            if (policy.Missing is { } missing && facts.Vulnerabilities.Count == 0)
            {
                yield return ImageViolation.Of(ViolationKind.Database, MissingRule, "none", "no vulnerability database was used: vulnerabilities were not checked", facts, missing);
            }

            yield break;
        }

        if (policy.MaxAgeDays is not { } maxAge)
        {
            yield break;
        }

        if (db.LastUpdate is not { } updated)
        {
            yield return ImageViolation.Of(ViolationKind.Database, AgeRule, db.Path, "the vulnerability database's last update is unknown, so its age cannot be checked", facts, maxAge);
            yield break;
        }

        double days = (facts.ScannedAt - updated).TotalDays;
        if (days > maxAge.Min)
        {
            string message = string.Create(CultureInfo.InvariantCulture, $"the vulnerability database was last updated {updated.UtcDateTime:yyyy-MM-dd}, {Math.Floor(days):0} days before the scan (the policy allows {Messages.Number(maxAge.Min)})");
            yield return ImageViolation.Of(ViolationKind.Database, AgeRule, db.Path, message, facts, maxAge);
        }
    }
}
