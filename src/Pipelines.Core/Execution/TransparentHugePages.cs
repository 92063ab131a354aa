using System.Globalization;
using System.Runtime.InteropServices;

namespace Pipelines;

/// <summary>
/// Asks Linux to back the .NET GC heap with transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c> over the GC's reserved
/// address range), as the JVM's <c>-XX:+UseTransparentHugePages</c> does for the Java heap; .NET has no such setting.
/// </summary>
/// <remarks>
/// A pipeline's components allocate large arrays (columns of millions of rows, the Trainer's matrix), and every 4 KiB page a
/// process touches for the first time is a page fault: ≈ 3 ms per MiB on the 2-core build VM (a 64 MiB array: ≈ 190 ms to
/// first touch, 15,700 faults), against ≈ 0.1–2 ms per MiB with 2 MiB pages. Most Linux distributions ship THP as
/// <c>madvise</c> (only advised memory gets huge pages), hence this call. It changes how memory is backed, never what a
/// program computes. The GC reserves its whole heap range once at start (<c>GCRegionRange</c>); the range is found as the
/// run of adjacent anonymous mappings in <c>/proc/self/maps</c> around a fresh object, bounded by that size. Memory the GC
/// decommits is mapped anew without the advice, so callers re-advise at the start of each node (a few hundred lines of
/// <c>/proc/self/maps</c>, well under a millisecond). Opt out with <c>PIPELINES_TRANSPARENT_HUGE_PAGES=0</c>.
/// </remarks>
public static class TransparentHugePages
{
    /// <summary>The environment variable that turns the advice off when set to <c>0</c>.</summary>
    public const string OptOutVariable = "PIPELINES_TRANSPARENT_HUGE_PAGES";

    private const int MadviseHugePage = 14;
    private const string EnabledFile = "/sys/kernel/mm/transparent_hugepage/enabled";

    /// <summary>
    /// Advises the GC heap's range; returns the bytes advised, or 0 with <paramref name="why"/> saying why not (not Linux, THP
    /// <c>always</c> or <c>never</c>, opted out, or the range was not found). Never throws.
    /// </summary>
    public static long AdviseGcHeap(out string why)
    {
        why = "";
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            why = "not a 64-bit Linux process";
            return 0;
        }

        if (Environment.GetEnvironmentVariable(OptOutVariable) == "0")
        {
            why = $"{OptOutVariable}=0";
            return 0;
        }

        try
        {
            var mode = File.Exists(EnabledFile) ? File.ReadAllText(EnabledFile) : "";
            if (!mode.Contains("[madvise]", StringComparison.Ordinal))
            {
                why = mode.Length == 0 ? "the kernel has no transparent huge pages" : $"transparent huge pages are '{mode.Trim()}', not madvise";
                return 0;
            }

            var (start, end) = GcHeapRange();
            if (end <= start)
            {
                why = "the GC heap's mapping was not found in /proc/self/maps";
                return 0;
            }

            if (Madvise((nint)start, (nuint)(end - start), MadviseHugePage) != 0)
            {
                why = $"madvise failed (errno {Marshal.GetLastPInvokeError()})";
                return 0;
            }

            return (long)(end - start);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException or EntryPointNotFoundException or DllNotFoundException)
        {
            why = e.Message;
            return 0;
        }
    }

    /// <summary>The run of adjacent anonymous mappings holding a fresh object, no further than the GC's region range from it.</summary>
    private static (ulong Start, ulong End) GcHeapRange()
    {
        var span = GC.GetConfigurationVariables().TryGetValue("GCRegionRange", out var value)
            ? Convert.ToUInt64(value, CultureInfo.InvariantCulture)
            : 0UL;
        var probe = new byte[64];
        var handle = GCHandle.Alloc(probe, GCHandleType.Pinned);
        ulong address;
        try
        {
            address = (ulong)handle.AddrOfPinnedObject();
        }
        finally
        {
            handle.Free();
        }

        if (span == 0)
        {
            // Segments instead of regions (GCRegionRange unset): only the mapping holding the object.
            span = 1;
        }

        var maps = new List<(ulong Start, ulong End, bool Anonymous)>();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            // "start-end perms offset dev inode [path]"
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var bounds = fields[0].Split('-');
            var anonymous = fields.Length >= 5 && fields[4] == "0" && (fields.Length < 6 || fields[5].Trim().Length == 0);
            maps.Add((ulong.Parse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(bounds[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), anonymous));
        }

        var at = maps.FindIndex(m => m.Start <= address && address < m.End);
        if (at < 0 || !maps[at].Anonymous)
        {
            return (0, 0);
        }

        var low = address > span ? address - span : 0;
        var high = address + span;
        int first = at, last = at;
        while (first > 0 && maps[first - 1].Anonymous && maps[first - 1].End == maps[first].Start && maps[first - 1].Start >= low)
        {
            first--;
        }

        while (last < maps.Count - 1 && maps[last + 1].Anonymous && maps[last + 1].Start == maps[last].End && maps[last + 1].End <= high)
        {
            last++;
        }

        return (maps[first].Start, maps[last].End);
    }

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(nint address, nuint length, int advice);
}
