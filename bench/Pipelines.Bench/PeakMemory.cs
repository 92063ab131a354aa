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
