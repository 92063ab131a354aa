namespace Pipelines.IntegrationTests.TestKit;

/// <summary>Finds running processes by their command line (Linux <c>/proc</c>), to check that no child was left behind.</summary>
public static class ProcessTable
{
    /// <summary>Whether command lines can be read here.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && Directory.Exists("/proc/self");

    /// <summary>The ids of live processes whose command line contains <paramref name="text"/> (zombies excluded).</summary>
    public static IReadOnlyList<int> WithCommandLineContaining(string text)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                // Arguments are NUL-separated; a zombie (exited, not yet reaped) has an empty command line.
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }
}
