namespace Pipelines.Bench;

/// <summary>
/// Prints benchmark tables with the targets beside the measured numbers and a MET / NOT MET line per target.
/// Never fails on a target: the exit code is 0 unless something crashed (1) or the arguments are wrong (2).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        BenchArguments arguments;
        try
        {
            arguments = BenchArguments.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        Console.WriteLine($"# Pipelines benchmarks ({arguments.Verb}) — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
            $"load average {LoadAverage()}");
        var checks = new List<TargetCheck>();
        if (arguments.RunsOrchestration)
        {
            checks.AddRange(await OrchestrationSuite.RunAsync(arguments));
        }

        if (arguments.RunsData)
        {
            checks.AddRange(await DataSuite.RunAsync(arguments));
        }

        if (arguments.RunsTrainer)
        {
            checks.AddRange(await TrainerSuite.RunAsync(arguments));
        }

        if (arguments.RunsPipeline)
        {
            checks.AddRange(await PipelineSuite.RunAsync(arguments));
        }

        if (arguments.RunsServing)
        {
            checks.AddRange(await ServingSuite.RunAsync(arguments));
        }

        Console.WriteLine();
        Console.WriteLine("## Targets");
        foreach (var check in checks)
        {
            Console.WriteLine("- " + check.Verdict);
        }

        return 0;
    }

    // Other processes on a shared machine skew latencies; the load average at start tells a reader how quiet it was.
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
