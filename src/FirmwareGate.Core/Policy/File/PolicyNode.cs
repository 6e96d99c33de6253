namespace FirmwareGate.Core.Policy;

/// <summary>A node of a policy file's YAML tree with where it starts; aliases share the anchored node.</summary>
internal abstract class PolicyNode(SourcePosition start, long size)
{
    /// <summary>Where the node starts (its first character).</summary>
    public SourcePosition Start { get; } = start;

    /// <summary>Nodes in this subtree with aliases expanded (saturating), what the alias-bomb bound counts.</summary>
    public long Size { get; } = size;

    /// <summary>"a mapping", "a list", "text", "a number"... for error messages.</summary>
    public abstract string Describe();
}

/// <summary>The type a scalar resolves to under the YAML 1.2 core schema (what yaml-language-server and JSON see).</summary>
internal enum ScalarKind
{
    /// <summary>Text (every quoted or block scalar, and plain ones that are nothing else).</summary>
    String,

    /// <summary><c>~</c>, <c>null</c> or nothing.</summary>
    Null,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Bool,

    /// <summary>An integer.</summary>
    Int,

    /// <summary>A floating-point number.</summary>
    Float,
}

/// <summary>A scalar: its text as written and the type it resolves to.</summary>
internal sealed class ScalarNode(SourcePosition start, string value, ScalarKind kind) : PolicyNode(start, 1)
{
    /// <summary>The text (for numbers, as written: <c>1.10</c> stays <c>1.10</c>).</summary>
    public string Value { get; } = value;

    /// <summary>The resolved type.</summary>
    public ScalarKind Kind { get; } = kind;

    /// <inheritdoc/>
    public override string Describe() => Kind switch
    {
        ScalarKind.Null => "nothing",
        ScalarKind.Bool => $"the boolean {Value}",
        ScalarKind.Int or ScalarKind.Float => $"the number {Value}",
        _ => $"the text '{Shorten(Value)}'",
    };

    /// <summary>At most 60 characters of a value, for messages.</summary>
    public static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}

/// <summary>A mapping: keys (scalars, unique) and values, in file order.</summary>
internal sealed class MappingNode(SourcePosition start, IReadOnlyList<KeyValuePair<ScalarNode, PolicyNode>> entries, long size) : PolicyNode(start, size)
{
    /// <summary>Entries in file order (duplicates already reported and dropped).</summary>
    public IReadOnlyList<KeyValuePair<ScalarNode, PolicyNode>> Entries { get; } = entries;

    /// <inheritdoc/>
    public override string Describe() => "a mapping";
}

/// <summary>A sequence.</summary>
internal sealed class SequenceNode(SourcePosition start, IReadOnlyList<PolicyNode> items, long size) : PolicyNode(start, size)
{
    /// <summary>Items in file order.</summary>
    public IReadOnlyList<PolicyNode> Items { get; } = items;

    /// <inheritdoc/>
    public override string Describe() => "a list";
}
