using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipelines.Data;

namespace Pipelines.Bench;

/// <summary>
/// A model for the serving benchmark, trained by running the real pipeline program (<c>flights.dll</c> / <c>penguin.dll</c>, copied
/// next to the bench by its project references) with <c>run --home &lt;scratch&gt;</c> in a child process, so the model is exactly
/// what a user's run produces and the training's memory is gone before anything is timed. Only the Trainer's Model artifact
/// (<c>artifacts/&lt;pipeline&gt;/Trainer/model/&lt;id&gt;/</c>: <c>model.zip</c>, <c>input_schema.json</c>) and ExampleGen's eval split are
/// used; whatever else the pipeline runs (Evaluator, InfraValidator, Pusher) is not depended on.
/// </summary>
/// <param name="Name">The pipeline and served model name.</param>
/// <param name="ModelDirectory">The Model artifact folder.</param>
/// <param name="ContentHash">Its <see cref="DirectoryHash"/> (what the metadata store records and the server checks).</param>
/// <param name="EvalSplitDirectory">ExampleGen's eval split (columnar format).</param>
/// <param name="TrainSeconds">Wall time of the pipeline program (0 when reused from <c>--serving-home</c> and fully cached).</param>
/// <param name="Note">How the model was obtained, for the report.</param>
public sealed record ServingModel(string Name, string ModelDirectory, string ContentHash, string EvalSplitDirectory, double TrainSeconds, string Note)
{
    private static readonly TimeSpan s_trainTimeout = TimeSpan.FromMinutes(20);

    /// <summary>The raw input columns from <c>input_schema.json</c>: name and whether a request must supply it.</summary>
    public IReadOnlyList<(string Name, bool Required)> InputColumns()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelDirectory, "input_schema.json")));
        return [.. json.RootElement.EnumerateArray().Select(e => (
            e.GetProperty("Name").GetString() ?? "",
            !e.TryGetProperty("Required", out var r) || r.ValueKind != JsonValueKind.False))];
    }

    /// <summary>Reads the eval split: only <paramref name="columns"/> (those present), all rows.</summary>
    public Task<ColumnarTable> ReadEvalAsync(IEnumerable<string> columns)
    {
        var present = ColumnarFormat.ReadManifest(EvalSplitDirectory).Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return ColumnarFormat.ReadAsync(EvalSplitDirectory, [.. columns.Where(present.Contains)], CancellationToken.None);
    }

    /// <summary>
    /// Runs <c>dotnet &lt;program&gt;.dll run --home <paramref name="home"/> [parameters]</c> (working directory = home, so a relative
    /// push destination lands there too; <c>PIPELINES_DB/HOME/ARTIFACTS</c> removed from its environment) and locates the newest
    /// Trainer model. Returns null with the reason when the program is missing or produced no model.
    /// </summary>
    public static async Task<(ServingModel? Model, string? Problem)> TrainAsync(string name, string home, IReadOnlyList<string> parameters)
    {
        var program = Path.Combine(AppContext.BaseDirectory, name + ".dll");
        if (!File.Exists(program))
        {
            return (null, $"{name}.dll is not next to the bench (the project reference to pipelines/{name} copies it)");
        }

        Directory.CreateDirectory(home);
        var logPath = Path.Combine(home, "train.log");
        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[program, "run", "--home", home, .. parameters.SelectMany(p => new[] { "--param", p })])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("PIPELINES_DB");
        info.Environment.Remove("PIPELINES_HOME");
        info.Environment.Remove("PIPELINES_ARTIFACTS");
        var watch = Stopwatch.StartNew();
        int exitCode;
        await using (var log = new StreamWriter(logPath, append: false))
        {
            var gate = new object();
            using var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => Write(e.Data);
            process.ErrorDataReceived += (_, e) => Write(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var timeout = new CancellationTokenSource(s_trainTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Our own child (and its children, e.g. an InfraValidator server): stop it by its id.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                return (null, $"{name} pipeline did not finish within {s_trainTimeout.TotalMinutes:0} min (log: {logPath})");
            }

            exitCode = process.ExitCode;

            void Write(string? line)
            {
                if (line is not null)
                {
                    lock (gate)
                    {
                        log.WriteLine(line);
                    }
                }
            }
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var lastLines = File.ReadLines(logPath).TakeLast(3).ToList();
        var pipelineRoot = Path.Combine(home, "artifacts", name);
        var modelDirectory = Newest(Path.Combine(pipelineRoot, "Trainer", "model"), d => File.Exists(Path.Combine(d, "model.zip")));
        var examples = Newest(Path.Combine(pipelineRoot, "ExampleGen", "examples"), d => Directory.Exists(Path.Combine(d, "Split-eval")));
        if (modelDirectory is null || examples is null)
        {
            return (null, $"{name} pipeline exited {exitCode} without a Trainer model and an eval split under {pipelineRoot}: {string.Join(" / ", lastLines)}");
        }

        var (hash, _) = await DirectoryHash.ComputeAsync(modelDirectory, CancellationToken.None);
        var cached = lastLines.Any(l => l.Contains(" cached)", StringComparison.Ordinal) && !l.Contains(" 0 cached)", StringComparison.Ordinal));
        var note = string.Create(CultureInfo.InvariantCulture,
            $"`{name} run` exited {exitCode} after {seconds:0.0} s{(cached ? " (cached nodes reused)" : "")}: {lastLines.LastOrDefault(l => l.StartsWith("Run ", StringComparison.Ordinal)) ?? lastLines.LastOrDefault() ?? ""}");
        return (new ServingModel(name, modelDirectory, hash, Path.Combine(examples, "Split-eval"), seconds, note), null);
    }

    // Artifact folders are "<execution id>-<n>": the highest execution id is the newest run's.
    private static string? Newest(string parent, Func<string, bool> usable) =>
        !Directory.Exists(parent)
            ? null
            : Directory.EnumerateDirectories(parent)
                .Where(usable)
                .OrderByDescending(d => long.TryParse(Path.GetFileName(d).Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1)
                .ThenByDescending(Directory.GetLastWriteTimeUtc)
                .FirstOrDefault();

    private static string DotnetHost()
    {
        var host = Environment.ProcessPath;
        return host is not null && Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? host : "dotnet";
    }
}
