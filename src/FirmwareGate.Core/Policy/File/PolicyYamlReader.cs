using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FirmwareGate.Core.Policy;

/// <summary>
/// Reads policy YAML into a <see cref="PolicyNode"/> tree through YamlDotNet's event parser (no reflection, so
/// native AOT works), bounded against hostile files: at most <see cref="MaxChars"/> characters,
/// <see cref="MaxDepth"/> levels and <see cref="MaxNodes"/> nodes with aliases expanded (a "billion laughs" file
/// is refused after a few hundred events, never expanded). Duplicate keys, tags and several documents are errors.
/// </summary>
internal sealed partial class PolicyYamlReader
{
    /// <summary>Largest policy accepted (1 MiB).</summary>
    public const int MaxChars = 1 << 20;

    /// <summary>Deepest nesting accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes accepted, aliases expanded.</summary>
    public const long MaxNodes = 100_000;

    private const string StrTag = "tag:yaml.org,2002:str";

    private readonly Parser _parser;
    private readonly PolicyErrors _errors;
    private readonly Dictionary<string, PolicyNode> _anchors = new(StringComparer.Ordinal);

    private readonly string _text;

    private PolicyYamlReader(string text, PolicyErrors errors)
    {
        _text = text;
        _parser = new Parser(new StringReader(text));
        _errors = errors;
    }

    /// <summary>The document's root, or null (with the reason in <paramref name="errors"/>) when it cannot be read.</summary>
    public static PolicyNode? Read(string text, PolicyErrors errors)
    {
        if (text.Length > MaxChars)
        {
            errors.Add(new SourcePosition(1, 1), $"the policy is larger than {MaxChars / 1024 / 1024} MiB; a policy file is a short hand-written document");
            return null;
        }

        return new PolicyYamlReader(text, errors).ReadStream();
    }

    /// <summary>The 1-based position of a YamlDotNet mark.</summary>
    public static SourcePosition At(Mark mark) => new(Math.Max(1, (int)Math.Min(mark.Line, int.MaxValue)), Math.Max(1, (int)Math.Min(mark.Column, int.MaxValue)));

    private PolicyNode? ReadStream()
    {
        try
        {
            _parser.Consume<StreamStart>();
            if (_parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }

            _parser.Consume<DocumentStart>();
            PolicyNode root = ReadNode(0);
            _parser.Consume<DocumentEnd>();
            if (!_parser.Accept<StreamEnd>(out _))
            {
                _errors.Add(At(_parser.Current!.Start), "a policy file holds one YAML document; remove the second '---' and what follows, or merge it into the first");
                return null;
            }

            return root;
        }
        catch (YamlException e)
        {
            string message = MarkPrefix().Replace(e.Message, "");
            _errors.Add(e.Start.Index == 0 && message.Contains("tab", StringComparison.Ordinal) ? FirstIndentingTab() : At(e.Start), "YAML syntax: " + message);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner throws these instead of a YamlException on some malformed flow collections.
            SourcePosition at = _parser.Current is { } last ? At(last.End) : new SourcePosition(1, 1);
            _errors.Add(at, "YAML syntax: the text after this point cannot be read (an unclosed '[', '{' or quote?)");
            return null;
        }
        catch (LimitException e)
        {
            _errors.Add(e.Position, e.Message);
            return null;
        }
    }

    /// <summary>YamlDotNet reports a tab in indentation at the document start; point at the tab instead.</summary>
    private SourcePosition FirstIndentingTab()
    {
        int line = 1;
        foreach (string text in _text.Split('\n'))
        {
            int indent = text.Length - text.TrimStart(' ', '\t').Length;
            int tab = text.IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return new SourcePosition(line, tab + 1);
            }

            line++;
        }

        return new SourcePosition(1, 1);
    }

    private PolicyNode ReadNode(int depth)
    {
        ParsingEvent current = _parser.Current ?? throw new YamlException("unexpected end of the document");
        switch (current)
        {
            case AnchorAlias alias:
                _parser.MoveNext();
                return _anchors.TryGetValue(alias.Value.Value, out PolicyNode? anchored)
                    ? anchored
                    : throw new YamlException(alias.Start, alias.End, $"the alias '*{alias.Value.Value}' names no anchor ('&{alias.Value.Value}') defined before it");
            case Scalar scalar:
                _parser.MoveNext();
                return Remember(scalar.Anchor, ReadScalar(scalar));
            case SequenceStart start:
                return Remember(start.Anchor, ReadSequence(start, depth + 1));
            case MappingStart start:
                return Remember(start.Anchor, ReadMapping(start, depth + 1));
            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
    }

    private ScalarNode ReadScalar(Scalar scalar)
    {
        ScalarKind kind = scalar.Style == ScalarStyle.Plain ? Resolve(scalar.Value) : ScalarKind.String;
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific)
        {
            if (scalar.Tag.Value == StrTag)
            {
                kind = ScalarKind.String;
            }
            else
            {
                _errors.Add(At(scalar.Start), $"YAML tags ('{scalar.Tag.Value}') are not supported; write the value plainly (quote it to make it text)");
            }
        }

        return new ScalarNode(At(scalar.Start), scalar.Value, kind);
    }

    private SequenceNode ReadSequence(SequenceStart start, int depth)
    {
        CheckDepth(start, depth);
        RejectTag(start.Tag, start.Start);
        _parser.MoveNext();
        var items = new List<PolicyNode>();
        long size = 1;
        while (!_parser.TryConsume<SequenceEnd>(out _))
        {
            PolicyNode item = ReadNode(depth);
            items.Add(item);
            size = Grow(size, item.Size, start.Start);
        }

        return new SequenceNode(At(start.Start), items, size);
    }

    private MappingNode ReadMapping(MappingStart start, int depth)
    {
        CheckDepth(start, depth);
        RejectTag(start.Tag, start.Start);
        _parser.MoveNext();
        var entries = new List<KeyValuePair<ScalarNode, PolicyNode>>();
        var seen = new Dictionary<string, ScalarNode>(StringComparer.Ordinal);
        long size = 1;
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            PolicyNode key = ReadNode(depth);
            PolicyNode value = ReadNode(depth);
            size = Grow(Grow(size, key.Size, start.Start), value.Size, start.Start);
            if (key is not ScalarNode name)
            {
                _errors.Add(key.Start, $"a key must be a name, not {key.Describe()}");
            }
            else if (seen.TryGetValue(name.Value, out ScalarNode? first))
            {
                _errors.Add(name.Start, $"duplicate key '{ScalarNode.Shorten(name.Value)}' (first at line {first.Start.Line}); a key may appear once per mapping");
            }
            else
            {
                seen.Add(name.Value, name);
                entries.Add(new(name, value));
            }
        }

        return new MappingNode(At(start.Start), entries, size);
    }

    private PolicyNode Remember(AnchorName anchor, PolicyNode node)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }

        return node;
    }

    private void RejectTag(TagName tag, Mark start)
    {
        if (!tag.IsEmpty && !tag.IsNonSpecific && tag.Value is not ("tag:yaml.org,2002:map" or "tag:yaml.org,2002:seq"))
        {
            _errors.Add(At(start), $"YAML tags ('{tag.Value}') are not supported; remove it");
        }
    }

    private static void CheckDepth(ParsingEvent start, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new LimitException(At(start.Start), $"the policy nests deeper than {MaxDepth} levels");
        }
    }

    private static long Grow(long size, long add, Mark where)
    {
        long total = size + add;
        return total > MaxNodes
            ? throw new LimitException(At(where), $"the policy expands to more than {MaxNodes} nodes (anchors and aliases count each time they are used)")
            : total;
    }

    /// <summary>YAML 1.2 core schema resolution of a plain scalar (what yaml-language-server and a JSON conversion see).</summary>
    public static ScalarKind Resolve(string plain) =>
        plain is "" or "~" or "null" or "Null" or "NULL" ? ScalarKind.Null
        : plain is "true" or "True" or "TRUE" or "false" or "False" or "FALSE" ? ScalarKind.Bool
        : IntPattern().IsMatch(plain) ? ScalarKind.Int
        : FloatPattern().IsMatch(plain) ? ScalarKind.Float
        : ScalarKind.String;

    [GeneratedRegex(@"\A(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"\A(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)\z", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"\A\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ", RegexOptions.CultureInvariant)]
    private static partial Regex MarkPrefix();

    /// <summary>A bound of <see cref="PolicyYamlReader"/> was hit: reading stops.</summary>
    private sealed class LimitException(SourcePosition position, string message) : Exception(message)
    {
        public SourcePosition Position { get; } = position;
    }
}
