using System.Globalization;
using System.Runtime.InteropServices;

namespace Pipelines.Tests.Execution;

[Collection(RunsAloneCollection.Name)]
public sealed class TransparentHugePagesTests
{
    [Fact]
    public void AdviseGcHeap_MakesTheMappingOfANewLargeArrayEligibleForHugePages()
    {
        var mode = File.Exists("/sys/kernel/mm/transparent_hugepage/enabled") ? File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled") : "";
        var advised = TransparentHugePages.AdviseGcHeap(out var why);
        if (!OperatingSystem.IsLinux() || !mode.Contains("[madvise]", StringComparison.Ordinal))
        {
            // Nothing to advise here (THP 'always' or 'never', or not Linux): the call says why and does nothing.
            Assert.Equal(0, advised);
            Assert.NotEmpty(why);
            return;
        }

        Assert.True(advised >= 1L << 30, $"advised {advised} bytes: {why}");

        // The test runs alone (RunsAloneCollection), but a background GC may still decommit (remap, without the advice) the
        // memory the array gets between the advice and the allocation, so the advice is renewed and tried a few times (never
        // advised: never eligible).
        var eligible = new List<string?>();
        for (var attempt = 0; attempt < 5 && !eligible.Contains("1"); attempt++)
        {
            TransparentHugePages.AdviseGcHeap(out _);
            var array = new byte[64 << 20];
            var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
            try
            {
                eligible.Add(SmapsField((ulong)handle.AddrOfPinnedObject(), "THPeligible"));
            }
            finally
            {
                handle.Free();
            }
        }

        Assert.Contains("1", eligible);
    }

    /// <summary>A field of the <c>/proc/self/smaps</c> entry of the mapping holding <paramref name="address"/>.</summary>
    private static string? SmapsField(ulong address, string field)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && ulong.TryParse(line[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                && ulong.TryParse(line[(dash + 1)..space], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
            {
                inside = start <= address && address < end;
                continue;
            }

            if (inside && line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return line[(field.Length + 1)..].Trim();
            }
        }

        return null;
    }
}
