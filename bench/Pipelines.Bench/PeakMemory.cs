using System.Runtime.InteropServices;

namespace Pipelines.Bench;

/// <summary>Peak resident memory of this process (Linux VmHWM), resettable between phases.</summary>
public static partial class PeakMemory
{
    /// <summary>
    /// Returns the native heap's free memory to the OS (glibc <c>malloc_trim(0)</c>), so that after a native library (LightGBM)
    /// freed its buffers the next <see cref="Reset"/> starts from what is really in use, not from glibc's retained arenas.
    /// Best effort: does nothing where glibc is not there.
    /// </summary>
    public static void TrimNativeHeap()
    {
        try
        {
            _ = MallocTrim(0);
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    public static void Reset()
    {
        // Aggressive: also decommits the freed heap, so the next phase's peak is not the previous phase's leftovers.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not Linux, or not permitted: peaks then accumulate over phases.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>This process's minor page faults so far (Linux <c>/proc/self/stat</c> minflt; 0 elsewhere): each first touch of a 4 KiB page.</summary>
    public static long MinorFaults()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>How the process's memory is backed now: MiB on transparent huge pages (<c>AnonHugePages</c> of <c>/proc/self/smaps_rollup</c>).</summary>
    public static double AnonHugePagesMiB()
    {
        try
        {
            var line = File.ReadLines("/proc/self/smaps_rollup").FirstOrDefault(l => l.StartsWith("AnonHugePages:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line["AnonHugePages:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static double PeakMiB()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null)
            {
                var kb = double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kb / 1024;
            }
        }
        catch (IOException)
        {
        }

        return Environment.WorkingSet / 1024.0 / 1024.0;
    }
}
