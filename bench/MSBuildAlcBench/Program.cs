using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

// Usage: MSBuildAlcBench CLI_DIR RUNS -- GATE ARGUMENTS...
// Loads CLI_DIR/firmwaregate.dll (and through its deps.json FirmwareGate.Core, YamlDotNet, SharpCompress, SQLite's
// native library) into a new AssemblyLoadContext, as an in-process MSBuild task would, and runs the gate through
// its entry point: the first run in a fresh context (cold: load and JIT), then again in the same context (warm:
// a reused MSBuild node), for RUNS fresh contexts. Prints milliseconds, one line per measurement.
var cliDir = Path.GetFullPath(args[0]);
var runs = int.Parse(args[1], CultureInfo.InvariantCulture);
var gateArgs = args.SkipWhile(a => a != "--").Skip(1).ToArray();
var cli = Path.Combine(cliDir, "firmwaregate.dll");

for (var run = 0; run < runs; run++)
{
    var watch = Stopwatch.StartNew();
    var context = new GateLoadContext(cli);
    var entry = context.LoadFromAssemblyPath(cli).EntryPoint!;
    var loaded = watch.Elapsed.TotalMilliseconds;
    var cold = Invoke(entry, gateArgs);
    var coldMs = watch.Elapsed.TotalMilliseconds;
    watch.Restart();
    var warm = Invoke(entry, gateArgs);
    var warmMs = watch.Elapsed.TotalMilliseconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {run + 1}: load {loaded:F0} ms, cold gate {coldMs:F0} ms (exit {cold}), warm gate {warmMs:F0} ms (exit {warm}), assemblies in context {context.Assemblies.Count()}"));
}

static int Invoke(MethodInfo entry, string[] gateArgs) => (int)entry.Invoke(null, [gateArgs])!;

/// <summary>A private context that resolves the CLI's dependencies from its deps.json, native libraries included.</summary>
internal sealed class GateLoadContext(string mainAssembly) : AssemblyLoadContext("firmwaregate", isCollectible: false)
{
    private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

    protected override Assembly? Load(AssemblyName assemblyName) =>
        _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
