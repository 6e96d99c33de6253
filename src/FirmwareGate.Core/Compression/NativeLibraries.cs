using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace FirmwareGate.Core.Compression;

/// <summary>Whether a system library (liblzma, libz, libzstd) can be loaded; every user has a managed fallback.</summary>
internal static class NativeLibraries
{
    private static readonly ConcurrentDictionary<string, bool> Loadable = new(StringComparer.Ordinal);

    public static bool IsLoadable(string name) => Loadable.GetOrAdd(name, static n =>
    {
        if (!NativeLibrary.TryLoad(n, typeof(NativeLibraries).Assembly, null, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    });
}
