using System.Diagnostics;

namespace Pipelines.IntegrationTests.TestKit;

/// <summary>Runs a pipeline project's CLI as a real child process.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
    }

    /// <summary>
    /// The repository root (the folder holding Pipelines.sln): above the test binaries, or, when they were built elsewhere
    /// (<c>dotnet test --artifacts-path ...</c>), the folder the project file recorded at build time.
    /// </summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipelines.sln")))
            {
                return dir.FullName;
            }
        }

        var recorded = typeof(CliProcess).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "Pipelines.sln")))
        {
            return Path.GetFullPath(recorded);
        }

        throw new InvalidOperationException("Pipelines.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// The built entry assembly of pipeline project <paramref name="name"/> (same configuration as the tests): the classic
    /// <c>pipelines/&lt;name&gt;/bin/&lt;Configuration&gt;/net10.0/</c> layout, or the artifacts layout
    /// <c>&lt;artifacts&gt;/bin/&lt;name&gt;/&lt;pivot&gt;/</c> when the tests themselves were built with <c>--artifacts-path</c>.
    /// </summary>
    public static string PipelineAssembly(string name)
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory);
        if (baseDirectory.Parent is { Name: "Pipelines.IntegrationTests", Parent: { } bin })
        {
            var artifactsPath = Path.Combine(bin.FullName, name, baseDirectory.Name, name + ".dll");
            return File.Exists(artifactsPath) ? artifactsPath : throw new FileNotFoundException($"Build the solution first: {artifactsPath} is missing.");
        }

        var configuration = baseDirectory.Parent!.Name; // bin/<Configuration>/net10.0/
        var path = Path.Combine(RepositoryRoot(), "pipelines", name, "bin", configuration, "net10.0", name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.");
    }

    /// <summary>Starts a long-running verb (e.g. <c>worker</c>); the caller kills it.</summary>
    public static Process Start(string pipeline, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(PipelineAssembly(pipeline));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PIPELINES_DB"] = "";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task<Result> RunAsync(string pipeline, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(PipelineAssembly(pipeline));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PIPELINES_DB"] = "";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            var output = await stdout;
            var errors = await stderr;
            throw new TimeoutException(
                $"'{string.Join(' ', args)}' did not finish in 3 minutes. Its last output:\n{output[Math.Max(0, output.Length - 4000)..]}\nstderr:\n{errors[Math.Max(0, errors.Length - 2000)..]}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
