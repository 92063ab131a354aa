// The flights pipeline: predict whether a US domestic flight is delayed by more than 15 minutes from its departure time,
// distance and airports. Reads ../shared/data/flights-3m.parquet (3,000,000 rows) by default.
// Run it:  dotnet run -c Release --project pipelines/flights -- run
using Flights;
using Pipelines;
using Pipelines.Components;

var input = new PipelineParameter("input", DefaultInput(), "Parquet file of flights: date, delay, distance, origin, destination");

var exampleGen = new ExampleGen(input, new ExampleGenOptions { LabelColumn = "delay" });
var statisticsGen = new StatisticsGen(exampleGen.Outputs.Examples);
var schemaGen = new SchemaGen(statisticsGen.Outputs.Statistics, new SchemaGenOptions { LabelColumn = "delay" });
var exampleValidator = new ExampleValidator(statisticsGen.Outputs.Statistics, schemaGen.Outputs.Schema);

var transform = new Transform(exampleGen.Outputs.Examples, schemaGen.Outputs.Schema, new TransformOptions { Preprocessing = typeof(FlightsPreprocessing), OutputColumns = ["Features"] });
transform.RunAfter(exampleValidator);

var trainer = new Trainer(transform.Outputs.TransformedExamples, transform.Outputs.TransformGraph, schemaGen.Outputs.Schema, new TrainerOptions
{
    Task = TrainingTask.BinaryClassification,
    PositiveAbove = 15, // delayed = delay > 15 minutes
    Algorithm = new LightGbmOptions { NumberOfIterations = 100, NumberOfLeaves = 31, LearningRate = 0.1, MinimumExampleCountPerLeaf = 20, UseCategoricalSplit = true },
});
var evaluator = new Evaluator(exampleGen.Outputs.Examples, trainer.Outputs.Model, new EvaluatorOptions
{
    SliceColumns = ["origin"],
    MinSliceSize = 1000,
    Thresholds = [new MetricThreshold(MetricNames.Auc, Lower: 0.70)],
    ChangeThresholds = [new ChangeThreshold(MetricNames.Auc, ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)],
});

var infraValidator = new InfraValidator(trainer.Outputs.Model, exampleGen.Outputs.Examples, new InfraValidatorOptions { MaxP99LatencyMs = 100 });
var servingDir = new PipelineParameter("serving_dir", Path.Combine(".pipelines", "serving"), "Push destination the model server serves from");
var pusher = new Pusher(trainer.Outputs.Model, evaluator.Outputs.Blessing, servingDir, infraValidator.Outputs.Blessing);

var pipeline = new Pipeline("flights", [exampleGen, statisticsGen, schemaGen, exampleValidator, transform, trainer, evaluator, infraValidator, pusher]);
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
