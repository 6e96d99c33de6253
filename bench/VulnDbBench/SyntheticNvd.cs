using System.Globalization;
using FirmwareGate.Core.Vulnerabilities.Records;

namespace VulnDbBench;

/// <summary>
/// A SYNTHETIC NVD-scale data set: records shaped like NVD CVE API 2.0 objects with realistic distributions (a few
/// products with thousands of CVEs, a long tail; ranges with inclusive and exclusive bounds, exact versions, AND
/// nodes with platform entries). Every page is generated from its own seed, so any page can be made again alone.
/// </summary>
internal sealed class SyntheticNvd
{
    public const int PageSize = 2000;

    private static readonly (string Vendor, string Product, string Part, int Count)[] Head =
    [
        ("linux", "linux_kernel", "o", 9000),
        ("google", "android", "o", 5000),
        ("google", "chrome", "a", 3500),
        ("microsoft", "windows_10", "o", 3000),
        ("apple", "macos", "o", 2500),
        ("mozilla", "firefox", "a", 2500),
        ("php", "php", "a", 800),
        ("imagemagick", "imagemagick", "a", 700),
        ("openssl", "openssl", "a", 300),
        ("busybox", "busybox", "a", 80),
    ];

    private static readonly string[] Platforms =
    [
        "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
        "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*",
        "cpe:2.3:o:apple:macos:-:*:*:*:*:*:*:*",
        "cpe:2.3:h:synthetic_hw:router_x1:-:*:*:*:*:*:*:*",
        "cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*",
    ];

    private static readonly string[] Syllables =
    [
        "ka", "zor", "vex", "lin", "tra", "mo", "qui", "del", "fen", "rak", "sul", "bri", "no", "pax", "tel", "gor",
        "vin", "ush", "ela", "mur", "dex", "pol", "ser", "yan", "cor", "bel", "tik", "ran", "ost", "hel", "wen", "jur",
    ];

    private readonly int _records;
    private readonly int _seed;
    private readonly (string Vendor, string Product, string Part)[] _products;
    private readonly double[] _tailCumulative;
    private readonly int _headTotal;

    public SyntheticNvd(int records, int tailProducts, int seed)
    {
        _records = records;
        _seed = seed;
        var random = new Random(seed);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var products = new List<(string, string, string)>();
        foreach (var (vendor, product, part, _) in Head)
        {
            products.Add((vendor, product, part));
            names.Add(product);
        }

        while (products.Count < Head.Length + tailProducts)
        {
            var name = Word(random, random.Next(2, 4)) + (random.Next(5) == 0 ? "_" + Word(random, 2) : string.Empty);
            if (random.Next(4) == 0)
            {
                name = "lib" + name;
            }

            if (names.Add(name))
            {
                var vendor = random.Next(3) == 0 ? name + "_project" : Word(random, 2);
                products.Add((vendor, name, "a"));
            }
        }

        _products = [.. products];
        _headTotal = Head.Sum(h => h.Count);

        // Zipf-like tail: weight 1 / rank^1.1.
        _tailCumulative = new double[tailProducts];
        var total = 0.0;
        for (var i = 0; i < tailProducts; i++)
        {
            total += 1.0 / Math.Pow(i + 1, 1.1);
            _tailCumulative[i] = total;
        }

        for (var i = 0; i < tailProducts; i++)
        {
            _tailCumulative[i] /= total;
        }
    }

    public int Pages => (_records + PageSize - 1) / PageSize;

    public int Records => _records;

    public IReadOnlyList<(string Vendor, string Product, string Part)> Products => _products;

    /// <summary>The index of a tail product drawn with the data set's own weights (popular products are drawn more).</summary>
    public int DrawTailProduct(Random random) => Head.Length + TailIndex(random.NextDouble());

    /// <summary>The records of one page (a slice of the whole set, ordered by index).</summary>
    public IEnumerable<VulnerabilityRecord> Page(int page)
    {
        var first = page * PageSize;
        var count = Math.Min(PageSize, _records - first);
        for (var i = 0; i < count; i++)
        {
            yield return Record(first + i, modifiedDays: 0);
        }
    }

    /// <summary>Record <paramref name="index"/>; <paramref name="modifiedDays"/> later gives a changed copy (another range, a later lastModified).</summary>
    public VulnerabilityRecord Record(int index, int modifiedDays)
    {
        var random = new Random(Mix(_seed, index, modifiedDays));
        var (vendor, product, part) = _products[ProductOf(index)];
        var year = 2002 + (index * 23 / _records);
        var id = string.Create(CultureInfo.InvariantCulture, $"CVE-{year}-{100000 + index}");
        var published = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(525_000));
        var modified = published.AddDays(random.Next(1, 900) + modifiedDays);
        var title = product.Replace('_', ' ');
        var noCpeData = random.Next(100) < 8;
        return new VulnerabilityRecord
        {
            Id = id,
            Source = "nvd",
            Status = noCpeData ? "Awaiting Analysis" : modifiedDays > 0 ? "Modified" : "Analyzed",
            Description = string.Create(CultureInfo.InvariantCulture, $"SYNTHETIC record: a buffer overflow in {title} before {Version(random)} allows remote attackers to execute code via a crafted request (bench data, not a real CVE)."),
            Published = published,
            LastModified = modified,
            Ratings = [new CvssRating("3.1", 9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "critical", "nvd@nist.gov", true)],
            Cwes = ["CWE-787"],
            References = [string.Create(CultureInfo.InvariantCulture, $"https://synthetic.invalid/advisories/{id}")],
            Configurations = noCpeData ? [] : Configurations(random, part, vendor, product),
        };
    }

    private static IReadOnlyList<CpeConfiguration> Configurations(Random random, string part, string vendor, string product)
    {
        var vulnerable = new List<CpeMatch>();
        var entries = Math.Min(14, 1 + Geometric(random, 0.3));
        for (var i = 0; i < entries; i++)
        {
            vulnerable.Add(Entry(random, part, vendor, product));
        }

        var configurations = new List<CpeConfiguration>();
        if (random.Next(100) < 35)
        {
            var platforms = new List<CpeMatch>();
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                platforms.Add(new CpeMatch { Vulnerable = false, Criteria = Platforms[random.Next(Platforms.Length)], MatchCriteriaId = MatchId(random) });
            }

            configurations.Add(new CpeConfiguration(CpeOperator.And, false, [new CpeNode(CpeOperator.Or, false, vulnerable), new CpeNode(CpeOperator.Or, false, platforms)]));
        }
        else
        {
            configurations.Add(new CpeConfiguration(CpeOperator.Or, false, [new CpeNode(CpeOperator.Or, false, vulnerable)]));
        }

        if (random.Next(100) < 30)
        {
            var distro = new List<CpeMatch>();
            for (var i = random.Next(1, 5); i > 0; i--)
            {
                distro.Add(new CpeMatch { Vulnerable = true, Criteria = string.Create(CultureInfo.InvariantCulture, $"cpe:2.3:o:debian:debian_linux:{random.Next(8, 13)}.0:*:*:*:*:*:*:*") });
            }

            configurations.Add(new CpeConfiguration(CpeOperator.Or, false, [new CpeNode(CpeOperator.Or, false, distro)]));
        }

        return configurations;
    }

    private static CpeMatch Entry(Random random, string part, string vendor, string product)
    {
        var any = $"cpe:2.3:{part}:{vendor}:{product}:*:*:*:*:*:*:*:*";
        var low = Version(random);
        var high = Bump(random, low);
        var matchId = MatchId(random);
        return random.Next(100) switch
        {
            < 25 => new CpeMatch { Vulnerable = true, Criteria = any, VersionEndExcluding = high, MatchCriteriaId = matchId },
            < 40 => new CpeMatch { Vulnerable = true, Criteria = any, VersionStartIncluding = low, VersionEndExcluding = high, MatchCriteriaId = matchId },
            < 50 => new CpeMatch { Vulnerable = true, Criteria = any, VersionStartIncluding = low, VersionEndIncluding = high, MatchCriteriaId = matchId },
            < 55 => new CpeMatch { Vulnerable = true, Criteria = any, VersionEndIncluding = high, MatchCriteriaId = matchId },
            < 58 => new CpeMatch { Vulnerable = true, Criteria = any, VersionStartExcluding = low, VersionEndExcluding = high, MatchCriteriaId = matchId },
            _ => new CpeMatch { Vulnerable = true, Criteria = $"cpe:2.3:{part}:{vendor}:{product}:{low}:*:*:*:*:*:*:*", MatchCriteriaId = matchId },
        };
    }

    public static string Version(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"{random.Next(0, 7)}.{random.Next(0, 30)}.{random.Next(0, 60)}");

    private static string Bump(Random random, string version)
    {
        var parts = version.Split('.').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var which = random.Next(3);
        parts[which] += random.Next(1, 8);
        return string.Join('.', parts);
    }

    private static string MatchId(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"{random.Next():X8}-{random.Next(65536):X4}-{random.Next(65536):X4}-{random.Next(65536):X4}-{random.NextInt64(1L << 48):X12}");

    // Deterministic across runs (HashCode is seeded per process).
    private static int Mix(int a, int b, int c) => unchecked((int)((((uint)a * 2654435761u) ^ ((uint)b * 2246822519u)) + ((uint)c * 3266489917u)));

    private static int Geometric(Random random, double p)
    {
        var n = 0;
        while (random.NextDouble() > p)
        {
            n++;
        }

        return n;
    }

    private static string Word(Random random, int syllables)
    {
        var word = string.Empty;
        for (var i = 0; i < syllables; i++)
        {
            word += Syllables[random.Next(Syllables.Length)];
        }

        return word;
    }

    private int ProductOf(int index)
    {
        // Head products take fixed shares spread over the whole id range; the rest follow the tail weights.
        var slot = (int)((long)index * 7919 % _records);
        var cumulative = 0;
        for (var i = 0; i < Head.Length; i++)
        {
            cumulative += Head[i].Count;
            if (slot < cumulative)
            {
                return i;
            }
        }

        var random = new Random(Mix(_seed, index, -1));
        return Head.Length + TailIndex(random.NextDouble());
    }

    private int TailIndex(double u)
    {
        var i = Array.BinarySearch(_tailCumulative, u);
        return Math.Min(i < 0 ? ~i : i, _tailCumulative.Length - 1);
    }
}
