// The penguin pipeline: predict a penguin's species from its measurements (Palmer Station data, CC0), the way TFX's
// penguin example does. Run it:  dotnet run --project pipelines/penguin -- run
// then serve the pushed model:  dotnet run --project pipelines/penguin -- serve
using Penguin;
using Pipelines;
using Pipelines.Components;

var servingDir = new PipelineParameter("serving_dir", Path.Combine(".pipelines", "serving"), "Push destination the model server serves from");
var input = new PipelineParameter("input", Path.Combine(AppContext.BaseDirectory, "data", "penguins.csv"), "CSV file (or {SPAN} pattern) of penguin measurements");

var exampleGen = new ExampleGen(input, new ExampleGenOptions { LabelColumn = "species" });
var statisticsGen = new StatisticsGen(exampleGen.Outputs.Examples);
var schemaGen = new SchemaGen(statisticsGen.Outputs.Statistics, new SchemaGenOptions { LabelColumn = "species", Task = LearningTask.Classification });
var exampleValidator = new ExampleValidator(statisticsGen.Outputs.Statistics, schemaGen.Outputs.Schema);

var transform = new Transform(exampleGen.Outputs.Examples, schemaGen.Outputs.Schema, new TransformOptions { Preprocessing = typeof(PenguinPreprocessing) });
transform.RunAfter(exampleValidator); // data anomalies stop the run before training

var trainerOptions = new TrainerOptions
{
    Task = TrainingTask.MulticlassClassification,
    Algorithm = new LightGbmOptions { NumberOfIterations = 60, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 5, LearningRate = 0.1 },
};
var tuner = new Tuner(transform.Outputs.TransformedExamples, transform.Outputs.TransformGraph, schemaGen.Outputs.Schema, new TunerOptions
{
    Trainer = trainerOptions,
    Space = [new FloatRange("LearningRate", 0.03, 0.3, LogScale: true), new IntRange("NumberOfLeaves", 4, 16), new Choice("MinimumExampleCountPerLeaf", [3, 5, 10])],
    Trials = 6,
    MinIterations = 20,
});
var trainer = new Trainer(transform.Outputs.TransformedExamples, transform.Outputs.TransformGraph, schemaGen.Outputs.Schema, trainerOptions,
    tuner.Outputs.BestHyperParameters);
var evaluator = new Evaluator(exampleGen.Outputs.Examples, trainer.Outputs.Model, new EvaluatorOptions
{
    SliceColumns = ["island"],
    Thresholds = [new MetricThreshold(MetricNames.MicroAccuracy, Lower: 0.95)],
    ChangeThresholds = [new ChangeThreshold(MetricNames.MicroAccuracy, ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)],
});

var infraValidator = new InfraValidator(trainer.Outputs.Model, exampleGen.Outputs.Examples, new InfraValidatorOptions { MaxP99LatencyMs = 100 });
var pusher = new Pusher(trainer.Outputs.Model, evaluator.Outputs.Blessing, servingDir, infraValidator.Outputs.Blessing);

var pipeline = new Pipeline("penguin", [exampleGen, statisticsGen, schemaGen, exampleValidator, transform, tuner, trainer, evaluator, infraValidator, pusher]);
return await PipelineHost.RunAsync(pipeline, args);
