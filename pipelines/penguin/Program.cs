// The penguin pipeline: predict a penguin's species from its measurements (Palmer Station data, CC0).
// Run it:  dotnet run --project pipelines/penguin -- run
using Pipelines;
using Pipelines.Components;
using Pipelines.Validation;

var input = new PipelineParameter("input", Path.Combine(AppContext.BaseDirectory, "data", "penguins.csv"), "CSV file (or {SPAN} pattern) of penguin measurements");

var exampleGen = new ExampleGen(input, new ExampleGenOptions { LabelColumn = "species" });
var statisticsGen = new StatisticsGen(exampleGen.Outputs.Examples);
var schemaGen = new SchemaGen(statisticsGen.Outputs.Statistics, new SchemaGenOptions { LabelColumn = "species", Task = LearningTask.Classification });
var exampleValidator = new ExampleValidator(statisticsGen.Outputs.Statistics, schemaGen.Outputs.Schema);

var pipeline = new Pipeline("penguin", [exampleGen, statisticsGen, schemaGen, exampleValidator]);
return await PipelineHost.RunAsync(pipeline, args);
