using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace FirmwareGate.Core.Inventory.Signatures;

/// <summary>
/// The catalog's version patterns compiled once: the literal anchors searched for in raw bytes (one
/// vectorised multi-string search), the regexes behind each anchor, and the bare-version patterns that
/// only count in files named like their product.
/// </summary>
public sealed class SignatureIndex
{
    /// <summary>Shortest anchor allowed: shorter ones would hit everywhere in a binary.</summary>
    public const int MinAnchorLength = 4;

    private static readonly ConditionalWeakTable<ProductCatalog, SignatureIndex> Cache = [];

    private readonly Dictionary<char, int[]> _anchorsByFirstChar;

    private SignatureIndex(ProductCatalog catalog)
    {
        var anchors = new List<string>();
        var byAnchor = new List<List<CompiledPattern>>();
        var hinted = new List<HintedProduct>();
        foreach (var product in catalog.Products)
        {
            var bare = new List<Regex>();
            foreach (var pattern in product.Patterns)
            {
                var regex = Compile(pattern.Regex);
                if (pattern.Hinted)
                {
                    bare.Add(regex);
                    continue;
                }

                string anchor = pattern.Anchor ?? AnchorOf(pattern.Regex)
                    ?? throw new InvalidDataException($"product {product.Id}: pattern {pattern.Regex} has no literal prefix of {MinAnchorLength} characters; give it an anchor or make it hinted");
                if (anchor.Length < MinAnchorLength || anchor.Any(c => c > 0x7E || c < 0x20))
                {
                    throw new InvalidDataException($"product {product.Id}: anchor \"{anchor}\" must be {MinAnchorLength} or more printable ASCII characters");
                }

                int index = anchors.IndexOf(anchor);
                if (index < 0)
                {
                    index = anchors.Count;
                    anchors.Add(anchor);
                    byAnchor.Add([]);
                }

                byAnchor[index].Add(new CompiledPattern(product, regex));
            }

            if (bare.Count > 0)
            {
                hinted.Add(new HintedProduct(product, bare));
            }
        }

        SonamePrefixes = catalog.Products.ToDictionary(
            p => p.Id,
            p => p.Sonames.Select(s => s[..(s.IndexOfAny(['*', '?']) is int w and >= 0 ? w : s.Length)])
                .Where(s => s.Length >= MinAnchorLength).Select(Encoding.ASCII.GetBytes).ToArray(),
            StringComparer.Ordinal);
        Anchors = anchors;
        PatternsByAnchor = byAnchor;
        Hinted = hinted;
        MaxAnchorLength = anchors.Count == 0 ? 0 : anchors.Max(a => a.Length);
        AnchorSearch = SearchValues.Create(anchors.ToArray(), StringComparison.Ordinal);
        _anchorsByFirstChar = anchors.Select((a, i) => (a, i)).GroupBy(x => x.a[0]).ToDictionary(g => g.Key, g => g.Select(x => x.i).ToArray());
    }

    /// <summary>Distinct anchors, in catalog order.</summary>
    public IReadOnlyList<string> Anchors { get; }

    /// <summary>For each anchor (same index), the product patterns it guards.</summary>
    public IReadOnlyList<IReadOnlyList<CompiledPattern>> PatternsByAnchor { get; }

    /// <summary>Products with bare-version patterns, counted only in files matching their file-name hints.</summary>
    public IReadOnlyList<HintedProduct> Hinted { get; }

    /// <summary>
    /// For each product id, the literal start of its SONAMEs ("libcrypto.so."): a binary naming one links the
    /// product dynamically, so a version string of that product inside it is the header it was built with.
    /// </summary>
    public IReadOnlyDictionary<string, byte[][]> SonamePrefixes { get; }

    /// <summary>Length of the longest anchor.</summary>
    public int MaxAnchorLength { get; }

    /// <summary>All anchors, for one vectorised search.</summary>
    public SearchValues<string> AnchorSearch { get; }

    /// <summary>The compiled index of a catalog, built once per catalog.</summary>
    public static SignatureIndex For(ProductCatalog catalog) => Cache.GetValue(catalog, c => new SignatureIndex(c));

    /// <summary>Longest time one catalog regex may run on one string (they only see strings of at most 512 characters).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Compiles a catalog regex: culture-invariant, with a match timeout. Not NonBacktracking: its lazily built
    /// automata cost hundreds of milliseconds per pattern on first use, more than scanning a whole rootfs.
    /// </summary>
    public static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant, MatchTimeout);

    /// <summary>Indices of the anchors that start at <paramref name="text"/>[0].</summary>
    public IEnumerable<int> AnchorsAt(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || !_anchorsByFirstChar.TryGetValue(text[0], out var candidates))
        {
            return [];
        }

        List<int>? found = null;
        foreach (int i in candidates)
        {
            if (text.StartsWith(Anchors[i], StringComparison.Ordinal))
            {
                (found ??= []).Add(i);
            }
        }

        return found ?? (IEnumerable<int>)[];
    }

    /// <summary>
    /// The literal text every match of <paramref name="regex"/> starts with (after a leading <c>^</c>), when it
    /// is at least <see cref="MinAnchorLength"/> characters; otherwise null. Escaped punctuation counts as
    /// literal; a character followed by a quantifier that allows zero or many is left out.
    /// </summary>
    public static string? AnchorOf(string regex)
    {
        ArgumentNullException.ThrowIfNull(regex);
        var prefix = new StringBuilder();
        int i = regex.StartsWith('^') ? 1 : 0;
        while (i < regex.Length)
        {
            char c = regex[i];
            char literal;
            int width;
            if (c == '\\' && i + 1 < regex.Length && !char.IsLetterOrDigit(regex[i + 1]))
            {
                literal = regex[i + 1];
                width = 2;
            }
            else if (c is '\\' or '(' or ')' or '[' or ']' or '{' or '}' or '.' or '*' or '+' or '?' or '|' or '^' or '$')
            {
                break;
            }
            else
            {
                literal = c;
                width = 1;
            }

            if (i + width < regex.Length && regex[i + width] is '?' or '*' or '{' or '+')
            {
                // "ab?" or "ab+": the quantified character may be absent or repeated; "+" keeps one occurrence.
                if (regex[i + width] == '+')
                {
                    prefix.Append(literal);
                }

                break;
            }

            prefix.Append(literal);
            i += width;
        }

        return prefix.Length >= MinAnchorLength ? prefix.ToString() : null;
    }
}

/// <summary>A compiled product-specific pattern.</summary>
/// <param name="Product">The product it confirms.</param>
/// <param name="Regex">The regex, with a "version" group.</param>
public sealed record CompiledPattern(Product Product, Regex Regex);

/// <summary>A product's bare-version patterns.</summary>
/// <param name="Product">The product.</param>
/// <param name="Regexes">Patterns over whole printable strings, each with a "version" group.</param>
public sealed record HintedProduct(Product Product, IReadOnlyList<Regex> Regexes);
