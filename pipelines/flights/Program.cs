// The flights pipeline: predict whether a US domestic flight is delayed by more than 15 minutes from its departure time,
// distance and airports. Reads ../shared/data/flights-3m.parquet (3,000,000 rows) by default.
// Run it:  dotnet run -c Release --project pipelines/flights -- run
using Flights;
using Pipelines;
using Pipelines.Components;

var input = new PipelineParameter("input", DefaultInput(), "Parquet file of flights: date, delay, distance, origin, destination");

var modeling = new FlightsModeling(input); // ExampleGen … Evaluator (FlightsModeling.cs)

var infraValidator = new InfraValidator(modeling.Trainer.Outputs.Model, modeling.ExampleGen.Outputs.Examples, new InfraValidatorOptions { MaxP99LatencyMs = 100 });
var servingDir = new PipelineParameter("serving_dir", Path.Combine(".pipelines", "serving"), "Push destination the model server serves from");
var pusher = new Pusher(modeling.Trainer.Outputs.Model, modeling.Evaluator.Outputs.Blessing, servingDir, infraValidator.Outputs.Blessing);

var pipeline = new Pipeline("flights", [.. modeling.Nodes, infraValidator, pusher]);
return await PipelineHost.RunAsync(pipeline, args);

// The shared data folder sits beside the repository: find it from here or from the build output.
static string DefaultInput()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "flights-3m.parquet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    return Path.GetFullPath(Path.Combine("..", "shared", "data", "flights-3m.parquet"));
}
