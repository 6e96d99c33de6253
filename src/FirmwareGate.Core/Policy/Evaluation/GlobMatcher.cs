using System.Collections.Concurrent;

namespace FirmwareGate.Core.Policy.Evaluation;

/// <summary>
/// One policy glob, matched without a regular expression for the shapes policies mostly use (a literal, a
/// prefix with a trailing <c>*</c> or <c>**</c>, a trailing suffix after a leading <c>*</c>); any other glob goes
/// through <see cref="Glob"/>, compiled once per process. Same answers as <see cref="Glob.IsMatch"/>.
/// </summary>
internal sealed class GlobMatcher
{
    private const int MaxCachedGlobs = 4096;
    private static readonly ConcurrentDictionary<(string Pattern, bool IgnoreCase), Glob?> Compiled = new();

    private readonly Shape _shape;
    private readonly string _fixed;
    private readonly StringComparison _comparison;
    private readonly Glob? _glob;

    public GlobMatcher(string pattern, bool ignoreCase)
    {
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        (_shape, _fixed) = ShapeOf(pattern);
        if (_shape == Shape.Other)
        {
            _glob = CompiledGlob(pattern, ignoreCase);
        }
    }

    private enum Shape
    {
        /// <summary>No wildcard: the whole text.</summary>
        Literal,

        /// <summary><c>prefix*</c>: the prefix, then anything but <c>/</c>.</summary>
        PrefixInFolder,

        /// <summary><c>prefix**</c>: the prefix, then anything.</summary>
        PrefixDeep,

        /// <summary><c>*suffix</c>: anything but <c>/</c>, then the suffix.</summary>
        SuffixInFolder,

        /// <summary>Anything else: the compiled glob.</summary>
        Other,
    }

    public bool IsMatch(string text) => _shape switch
    {
        Shape.Literal => string.Equals(text, _fixed, _comparison),
        Shape.PrefixInFolder => text.StartsWith(_fixed, _comparison) && text.IndexOf('/', _fixed.Length) < 0,
        Shape.PrefixDeep => text.StartsWith(_fixed, _comparison),
        Shape.SuffixInFolder => text.EndsWith(_fixed, _comparison) && text.AsSpan(0, text.Length - _fixed.Length).IndexOf('/') < 0,
        _ => _glob?.IsMatch(text) == true,
    };

    private static (Shape, string) ShapeOf(string pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.Length > 1024)
        {
            return (Shape.Other, "");
        }

        int first = pattern.IndexOfAny(['*', '?', '[']);
        if (first < 0)
        {
            return (Shape.Literal, pattern);
        }

        string head = pattern[..first];
        string tail = pattern[first..];
        if (tail == "*")
        {
            return (Shape.PrefixInFolder, head);
        }

        if (tail == "**")
        {
            return (Shape.PrefixDeep, head);
        }

        if (pattern[0] == '*' && pattern.Length > 1 && pattern[1] != '*' && pattern.IndexOfAny(['*', '?', '['], 1) < 0)
        {
            return (Shape.SuffixInFolder, pattern[1..]);
        }

        return (Shape.Other, "");
    }

    private static Glob? CompiledGlob(string pattern, bool ignoreCase)
    {
        if (Compiled.TryGetValue((pattern, ignoreCase), out var glob))
        {
            return glob;
        }

        glob = Glob.TryParse(pattern, ignoreCase, out _);
        if (Compiled.Count < MaxCachedGlobs)
        {
            Compiled.TryAdd((pattern, ignoreCase), glob);
        }

        return glob;
    }
}
