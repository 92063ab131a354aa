using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>Runs <see cref="Trainer"/>: loads the transformed train (and eval) split from binary IDV, or the raw splits through
/// the transform graph, prepares the label, fits the algorithm, and saves transform graph + model as one model taking raw rows.</summary>
public sealed partial class TrainerExecutor : IExecutor<TrainerOptions>
{
    private const int MaxMessages = 500;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, TrainerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var examples = context.Input<Examples>(Trainer.ExamplesPort);
        var graphArtifact = context.Input<TransformGraph>(Trainer.TransformGraphPort);
        var schemaArtifact = context.Input<Schema>(Trainer.SchemaPort);
        var hyperParametersArtifact = context.OptionalInput<HyperParameters>(Trainer.HyperParametersPort);
        var output = context.Output<Model>(Trainer.ModelPort);

        var schema = await DataSchema.LoadAsync(schemaArtifact, cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<string, JsonElement> overrides = new Dictionary<string, JsonElement>();
        var algorithm = options.Algorithm;
        if (hyperParametersArtifact is not null)
        {
            overrides = await HyperParameterOverrides.LoadAsync(hyperParametersArtifact, cancellationToken).ConfigureAwait(false);
            algorithm = HyperParameterOverrides.Apply(algorithm, overrides, Path.Combine(hyperParametersArtifact.Uri, HyperParameterOverrides.FileName));
            var problems = TrainerOptionsValidation.Problems(options with { Algorithm = algorithm });
            if (problems.Count > 0)
            {
                throw new DataValidationException($"The hyper-parameters of artifact {hyperParametersArtifact.Id} give invalid options: {string.Join(" ", problems)}");
            }

            context.Log($"Hyper-parameters applied: {string.Join(", ", overrides.Select(o => $"{o.Key}={o.Value.GetRawText()}"))}.");
        }

        var label = options.LabelColumn ?? schema.LabelColumn ?? throw new DataValidationException(
            $"Node '{context.NodeId}' has no label column: the schema names none. Set {nameof(TrainerOptions)}.{nameof(TrainerOptions.LabelColumn)} or the schema's 'labelColumn'.");

        var splits = examples.SplitNames;
        if (!splits.Contains(options.TrainSplit))
        {
            throw new DataValidationException(
                $"The examples artifact {examples.Id} has no '{options.TrainSplit}' split (splits: {string.Join(", ", splits)}). Set {nameof(TrainerOptions)}.{nameof(TrainerOptions.TrainSplit)}.");
        }

        var threads = algorithm.ResolvedThreads;
        var ml = new MLContext(algorithm.Seed);

        // A cancelled run, or a Tuner trial out of its budget, stops ML.NET's trainers within an iteration, not after the fit.
        using var mlCancellation = MLContextCancellation.Link(ml, cancellationToken);
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Kind is ChannelMessageKind.Info or ChannelMessageKind.Warning)
            {
                lock (messages)
                {
                    if (messages.Count < MaxMessages)
                    {
                        messages.Add(e.Message);
                    }
                }
            }
        };

        var cApi = algorithm is LightGbmOptions { Engine: not LightGbmEngine.MlNetTrainer };

        // The graph is loaded while the splits are read (the raw ones on their own threads too).
        var loadClock = Stopwatch.StartNew();
        var graphSeconds = 0d;
        var graphLoading = Task.Run(
            () =>
            {
                var clock = Stopwatch.StartNew();
                var loadedGraph = LoadGraph(ml, graphArtifact, out var raw);
                graphSeconds = clock.Elapsed.TotalSeconds;
                return (Graph: loadedGraph, RawSchema: raw);
            },
            cancellationToken);
        TrainingSplits loaded;
        try
        {
            loaded = await LoadSplitsAsync(ml, examples, graphLoading, options, label, EvalRowsNeeded(algorithm, options), probeTrain: cApi && options.Task != TrainingTask.Ranking, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ((Task)graphLoading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        var (graph, rawSchema) = await graphLoading.ConfigureAwait(false);
        var (train, eval) = (loaded.Train, loaded.Eval);
        if (!loaded.Materialized)
        {
            context.Log($"Examples {examples.Id} are raw: the transform graph is applied while they are read (Transform's Materialize = false); splits read in {loaded.RawReadSeconds:F2} s{(loaded.WholeTrain is not null ? $" (of the train split the first {loaded.RawTrain!.RowCount} rows and the label column)" : "")}{(loaded.EvalSample is (var read, var of) ? $" (of the eval split a uniform sample of {read} of {of} rows)" : "")} beside loading the graph in {graphSeconds:F2} s; both done in {loadClock.Elapsed.TotalSeconds:F2} s.");
        }

        else if (loaded.EvalSample is (var sampled, var of))
        {
            context.Log($"Eval split '{options.EvalSplit}': a uniform sample of {sampled} of its {of} rows is read (TrainerOptions.TrainingLogEvalRows).");
        }

        if (algorithm is LightGbmOptions { EarlyStoppingRound: > 0 } or FastTreeOptions { EarlyStoppingRound: > 0 } && eval is null)
        {
            throw new DataValidationException(
                $"{algorithm.GetType().Name}.EarlyStoppingRound needs the eval split '{options.EvalSplit}', which the examples {examples.Id} do not have (splits: {string.Join(", ", splits)}). Set {nameof(TrainerOptions)}.{nameof(TrainerOptions.EvalSplit)} or turn early stopping off.");
        }

        RequireColumn(train, label, "label", $"{nameof(TrainerOptions)}.{nameof(TrainerOptions.LabelColumn)} (or the schema's labelColumn)", options.TrainSplit);
        var feature = RequireColumn(train, options.FeatureColumn, "feature", $"{nameof(TrainerOptions)}.{nameof(TrainerOptions.FeatureColumn)}, or have the preprocessing produce it (e.g. mlContext.Transforms.Concatenate(\"Features\", ...))", options.TrainSplit);
        if (options.Task == TrainingTask.Ranking)
        {
            RequireColumn(train, options.GroupColumn!, "group", $"{nameof(TrainerOptions)}.{nameof(TrainerOptions.GroupColumn)}", options.TrainSplit);
        }

        // Features must be float for ML.NET's trainers; raw numbers arrive as double. The conversion is part of the saved model.
        var featureConversion = FeatureConversion(ml, feature, train);
        if (featureConversion is not null)
        {
            train = featureConversion.Transform(train);
            eval = eval is null ? null : featureConversion.Transform(eval);
            context.Log($"Converting '{options.FeatureColumn}' ({feature.Type}) to float inside the model.");
        }

        // Raw examples for the C API engine: the graph compiled to array reads when it can be (and checked equal to it). A raw
        // numeric label is scanned meanwhile, on another core; the scan is used only when the compiled graph is.
        var rawLabelScan = cApi && loaded.RawTrainLabels(label) is { } rawLabel
            ? Task.Run(() => LabelScan.Run(rawLabel.Values), cancellationToken)
            : null;
        var compiledTrain = cApi ? CompiledTrain(loaded, graph, featureConversion, options, label, context.Log) : null;
        var compiledEval = CompiledEval(loaded, compiledTrain, label, context.Log);
        if (compiledTrain is null && loaded.WholeTrain is not null)
        {
            // Only the first rows were read, for the compiled graph: the others read rows through ML.NET, from the whole split.
            loaded = await ReadWholeTrainAsync(loaded, graph, examples, options.TrainSplit, cancellationToken).ConfigureAwait(false);
            train = featureConversion?.Transform(loaded.Train) ?? loaded.Train;
            context.Log($"Read the whole raw train split ({loaded.RawTrain!.RowCount} rows) for ML.NET's transforms; splits read in {loaded.RawReadSeconds:F2} s in all.");
        }

        var stage = Stopwatch.StartNew();
        var rawScan = rawLabelScan is null ? null : await rawLabelScan.ConfigureAwait(false);
        var labels = LabelPreparation.Create(ml, train, label, options, compiledTrain is null ? null : rawScan);
        var trainPrepared = labels.PrepareTrain(ml, train);
        var evalPrepared = eval is null ? null : labels.PrepareEval(ml, eval);
        var rankingSampled = false;
        if (evalPrepared is not null && options.Task == TrainingTask.Ranking && options.TrainingLogEvalRows > 0 && algorithm is LightGbmOptions or FastTreeOptions)
        {
            // Whole query groups drawn uniformly: the eval sample of ranking (a custom trainer gets the whole split).
            evalPrepared = QueryGroupSample.Of(evalPrepared, LabelPreparation.GroupColumn, options.TrainingLogEvalRows, RowSample.EvalSeed, out var groups);
            rankingSampled = groups.Kept < groups.All;
            if (rankingSampled)
            {
                context.Log($"Eval split '{options.EvalSplit}': a uniform sample of {groups.Kept} of its {groups.All} query groups is used (TrainerOptions.TrainingLogEvalRows = {options.TrainingLogEvalRows} rows or a few more, whole groups).");
            }
        }
        var trainRows = labels.Scan.Rows - labels.Scan.Missing;
        context.Log($"Label '{label}' scanned in {stage.Elapsed.TotalSeconds:F2} s.");
        if (labels.Scan.Missing > 0)
        {
            context.Log($"Dropped {labels.Scan.Missing} train rows whose label '{label}' is missing.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        ITransformer model;
        NativeTrainingRecord? native = null;
        if (algorithm is LightGbmOptions lightGbm)
        {
            using (await LightGbmTrainingGate.EnterAsync(context.Log, cancellationToken).ConfigureAwait(false))
            {
                clock.Restart();
                var layout = NativeLayout(lightGbm, trainPrepared.Schema[options.FeatureColumn], trainRows, out var why);
                if (layout is not null)
                {
                    (model, native) = await FitNativeAsync(ml, lightGbm, options, threads, layout, new RawSplits(train, eval, label) { TrainFeatures = compiledTrain, WholeTrain = loaded.WholeTrain, EvalFeatures = compiledEval, TrainRanges = compiledTrain is null ? TrainRanges(loaded, graph, featureConversion, options, threads) : null }, trainPrepared, evalPrepared, context.Log, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    context.Log($"Training through ML.NET's LightGBM trainer: {why}");

                    // LightGBM reads its input several times (label pass, bin sample, dataset load): a cache of just the columns it
                    // reads makes the later passes memory copies instead of IDV decoding and label mapping again.
                    var trainCached = ml.Data.Cache(trainPrepared, TrainingColumns(options));
                    var validation = lightGbm.EarlyStoppingRound > 0 && evalPrepared is not null ? ml.Data.Cache(evalPrepared, TrainingColumns(options)) : null;
                    model = Fit(() => FitLightGbm(ml, lightGbm, options.Task, threads, trainCached, validation), algorithm, cancellationToken);
                }
            }
        }
        else if (algorithm is FastTreeOptions fastTree)
        {
            // FastTree reads its input more than once: raw examples are transformed once into memory, not on every pass.
            var fastTreeTrain = loaded.Materialized ? trainPrepared : ml.Data.Cache(trainPrepared, TrainingColumns(options));
            model = Fit(() => FitFastTree(ml, fastTree, options.Task, threads, fastTreeTrain, fastTree.EarlyStoppingRound > 0 ? evalPrepared : null), algorithm, cancellationToken);
        }
        else
        {
            var custom = (CustomTrainerOptions)algorithm;
            var module = UserCodeType.Create<ITrainingModule>(custom.Module!, $"{nameof(CustomTrainerOptions)}.{nameof(CustomTrainerOptions.Module)}");
            var trainingContext = new TrainingContext(options.Task, trainPrepared, evalPrepared, LabelPreparation.LabelColumn, options.FeatureColumn,
                options.Task == TrainingTask.Ranking ? LabelPreparation.GroupColumn : null, algorithm.Seed, threads, overrides, schema);
            model = Fit(() => (module.Build(ml, trainingContext) ?? throw new DataValidationException($"{custom.Module!.FullName}.Build returned null; return an ML.NET estimator.")).Fit(trainPrepared), algorithm, cancellationToken);
        }

        var trainSeconds = clock.Elapsed.TotalSeconds;
        context.Log($"Trained {algorithm.AlgorithmName} ({options.Task}) on {trainRows} rows with {threads} threads in {trainSeconds:F2} s.");

        // The saved model: transform graph, feature conversion, trained model, and for multiclass the key back to the label.
        var parts = new List<ITransformer> { graph };
        if (featureConversion is not null)
        {
            parts.Add(featureConversion);
        }

        parts.Add(model);
        var scoredTrainSchema = model.GetOutputSchema(trainPrepared.Schema);
        if (options.Task == TrainingTask.MulticlassClassification
            && scoredTrainSchema.GetColumnOrNull("PredictedLabel") is { Type: KeyDataViewType } predicted
            && predicted.HasKeyValues())
        {
            parts.Add(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(model.Transform(trainPrepared)));
        }

        stage.Restart();
        var chain = new TransformerChain<ITransformer>([.. parts]);
        ml.Model.Save(chain, rawSchema, Path.Combine(output.Uri, Trainer.ModelFileName));

        // The preprocessing's description goes with the model: whoever loads it (Evaluator, InfraValidator, server) registers
        // the preprocessing's assembly for its custom mappings, also when that is a class library and not the program.
        var description = Path.Combine(graphArtifact.Uri, ModelLoader.PreprocessingFileName);
        if (File.Exists(description))
        {
            File.Copy(description, Path.Combine(output.Uri, ModelLoader.PreprocessingFileName), overwrite: true);
        }
        var inputColumns = InputColumns(chain, rawSchema, schema);
        await File.WriteAllTextAsync(Path.Combine(output.Uri, Trainer.InputSchemaFileName), JsonSerializer.Serialize(inputColumns, s_json), cancellationToken)
            .ConfigureAwait(false);

        context.Log($"Model saved in {stage.Elapsed.TotalSeconds:F2} s.");
        stage.Restart();
        var warnings = new List<string>();
        if (native?.Warning is { } nativeWarning)
        {
            warnings.Add(nativeWarning);
        }
        var evalMetrics = evalPrepared is null || options.TrainingLogEvalRows == 0
            ? new Dictionary<string, double>()
            : EvalMetrics(ml, options.Task, native?.ScoredEvalSample ?? model.Transform(EvalSampleOf(evalPrepared, EvalRowsNeeded(algorithm, options) != int.MaxValue || rankingSampled, options)), warnings);
        long? evalRows = evalMetrics.TryGetValue("Rows", out var r) ? (long)r : null;
        if (evalRows is not null)
        {
            context.Log($"Eval metrics on {evalRows} rows in {stage.Elapsed.TotalSeconds:F2} s.");
        }

        evalMetrics.Remove("Rows");
        foreach (var warning in warnings.Skip(native?.Warning is null ? 0 : 1))
        {
            // Said where the user looks (the run's output and `show`), not only in training_log.json.
            context.Log($"Warning: {warning}");
        }

        var perIteration = native?.PerIteration;
        if (native is null && algorithm is LightGbmOptions or FastTreeOptions && evalPrepared is not null && options.TrainingLogEvalRows > 0)
        {
            // ML.NET's trainers report no metric per iteration: replay the trained trees over the same eval sample instead.
            stage.Restart();
            perIteration = IterationReplay.Compute(model, evalPrepared, options.FeatureColumn, options.Task, options.TrainingLogEvalRows, out var notReplayed, cancellationToken);
            context.Log(perIteration is null
                ? $"No eval metric per iteration: {notReplayed}."
                : $"Eval metric per iteration ({perIteration.Metric} on {perIteration.Rows} rows) replayed from the trees in {stage.Elapsed.TotalSeconds:F2} s.");
        }

        string[] captured;
        lock (messages)
        {
            captured = [.. messages];
        }

        var earlyStopping = native is null ? ParseEarlyStopping(captured) : native.EarlyStopping;
        var (requested, iterations) = Iterations(algorithm, model, earlyStopping, labels.Classes?.Count);
        if (algorithm is FastTreeOptions { EarlyStoppingRound: > 0 } && iterations < requested)
        {
            // FastTree does not report its best iteration: the pruned ensemble's size is it; its score, the replayed metric there.
            earlyStopping = new EarlyStoppingResult(iterations.Value, perIteration is { Values.Count: var replayed } && replayed == iterations.Value ? perIteration.Values[^1] : null);
        }

        if (native is not null)
        {
            stage.Restart();
            var verified = await native.Verification.ConfigureAwait(false);
            context.Log($"Checked the ML.NET model against the booster on {verified} rows (beside the save and the eval metrics; {stage.Elapsed.TotalSeconds:F2} s more).");
            iterations = native.Iterations;
            await File.WriteAllTextAsync(Path.Combine(output.Uri, Trainer.LightGbmModelFileName), native.ModelText, cancellationToken).ConfigureAwait(false);
        }

        var log = new TrainingLog(
            options.Task.ToString(),
            algorithm.AlgorithmName,
            JsonSerializer.SerializeToElement(algorithm, algorithm.GetType(), s_json),
            overrides,
            algorithm.Seed,
            threads,
            label,
            labels.Classes,
            trainRows,
            labels.Scan.Missing,
            evalRows,
            requested,
            iterations,
            earlyStopping,
            trainSeconds,
            evalMetrics,
            warnings,
            captured)
        {
            Engine = algorithm is LightGbmOptions ? (native is null ? LightGbmEngine.MlNetTrainer : LightGbmEngine.CApi).ToString() : null,
            EvalMetricPerIteration = perIteration,
            LightGbmColumns = native?.Columns,
        };
        await File.WriteAllTextAsync(Path.Combine(output.Uri, Trainer.TrainingLogFileName), JsonSerializer.Serialize(log, s_json), cancellationToken)
            .ConfigureAwait(false);

        context.SetOutputProperty(Trainer.ModelPort, "task", options.Task.ToString());
        context.SetOutputProperty(Trainer.ModelPort, "algorithm", algorithm.AlgorithmName);
        context.SetOutputProperty(Trainer.ModelPort, "label", label);
        if (iterations is { } n)
        {
            context.SetOutputProperty(Trainer.ModelPort, "iterations", n);
        }

        if (options.Task == TrainingTask.Ranking)
        {
            // The Evaluator and the InfraValidator group the rows into queries by it, as the model was trained.
            context.SetOutputProperty(Trainer.ModelPort, "group", options.GroupColumn!);
        }

        context.SetOutputProperty(Trainer.ModelPort, "train_rows", trainRows);
        context.SetOutputProperty(Trainer.ModelPort, "train_seconds", Math.Round(trainSeconds, 3));
        if (options.PositiveAbove is { } above)
        {
            context.SetOutputProperty(Trainer.ModelPort, "positive_above", above);
        }
        else if (labels.PositiveClass is { } positive)
        {
            context.SetOutputProperty(Trainer.ModelPort, "positive_class", positive);
        }
    }

    private static ITransformer LoadGraph(MLContext ml, TransformGraph artifact, out DataViewSchema rawSchema)
    {
        var path = Path.Combine(artifact.Uri, Transform.TransformFileName);
        if (!File.Exists(path))
        {
            throw new DataValidationException($"The transform graph artifact {artifact.Id} has no {Transform.TransformFileName} (looked for '{path}'). Wire transform.Outputs.TransformGraph.");
        }

        // The user's preprocessing assembly may hold custom mappings the graph needs: register it when it can be found.
        return ModelLoader.Load(ml, path, out rawSchema, [.. ModelLoader.PreprocessingTypes(artifact.Uri)]);
    }

    /// <summary>
    /// How many eval rows the training reads: the training log's uniform sample (<see cref="TrainerOptions.TrainingLogEvalRows"/>),
    /// which early stopping watches too, on both LightGBM engines and FastTree; all of them for a custom trainer (it gets the
    /// whole split), for ranking (a row sample would cut query groups) and when the option is 0.
    /// </summary>
    private static int EvalRowsNeeded(TrainerAlgorithm algorithm, TrainerOptions options) =>
        algorithm is LightGbmOptions or FastTreeOptions && options.Task != TrainingTask.Ranking && options.TrainingLogEvalRows > 0
            ? options.TrainingLogEvalRows
            : int.MaxValue;

    /// <summary>The eval rows the training log's final metrics are computed on: the rows already read as the sample
    /// (<paramref name="sampled"/>: a sample, or a split no larger than one, so counting its rows again is wasted), or a uniform
    /// sample of the prepared split (whole query groups for ranking).</summary>
    private static IDataView EvalSampleOf(IDataView evalPrepared, bool sampled, TrainerOptions options) =>
        sampled ? evalPrepared
        : options.Task == TrainingTask.Ranking ? QueryGroupSample.Of(evalPrepared, LabelPreparation.GroupColumn, options.TrainingLogEvalRows, RowSample.EvalSeed, out _)
        : RowSampleDataView.Sample(evalPrepared, options.TrainingLogEvalRows, RowSample.EvalSeed);

    private static string[] TrainingColumns(TrainerOptions options) => options.Task == TrainingTask.Ranking
        ? [options.FeatureColumn, LabelPreparation.LabelColumn, LabelPreparation.GroupColumn]
        : [options.FeatureColumn, LabelPreparation.LabelColumn];

    private static DataViewSchema.Column RequireColumn(IDataView data, string name, string role, string fix, string split) =>
        data.Schema.GetColumnOrNull(name) is { IsHidden: false } column
            ? column
            : throw new DataValidationException(
                $"The {role} column '{name}' is not in the transformed '{split}' split. Columns: {TransformExecutor.Describe(data.Schema)}. Set {fix}.");

    private static ITransformer? FeatureConversion(MLContext ml, DataViewSchema.Column feature, IDataView train)
    {
        var itemType = feature.Type is VectorDataViewType vector ? vector.ItemType : feature.Type;
        if (itemType == NumberDataViewType.Single)
        {
            return null;
        }

        if (itemType is not NumberDataViewType && itemType is not BooleanDataViewType)
        {
            throw new DataValidationException(
                $"The feature column '{feature.Name}' is {feature.Type}; the Trainer needs a vector of numbers. Encode text in the preprocessing (e.g. OneHotEncoding, FeaturizeText) before concatenating.");
        }

        return ml.Transforms.Conversion.ConvertType(feature.Name, outputKind: DataKind.Single).Fit(train);
    }

    private static T Fit<T>(Func<T> fit, TrainerAlgorithm algorithm, CancellationToken cancellationToken)
    {
        try
        {
            return fit();
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            // ML.NET's cancelled context (MLContextCancellation) throws from wherever the fit was: an OperationCanceledException,
            // FastTree's parallel loops wrap it in an AggregateException, other code may wrap it again. The node was cancelled:
            // say so (a worker shutting down then gives the node back) rather than report a training failure.
            throw new OperationCanceledException($"{algorithm.AlgorithmName} training was cancelled.", e, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or NotSupportedException or LightGbmException)
        {
            throw new DataValidationException($"{algorithm.AlgorithmName} training failed: {e.Message}", e);
        }
    }

    private static ITransformer FitLightGbm(MLContext ml, LightGbmOptions a, TrainingTask task, int threads, IDataView train, IDataView? validation)
    {
        switch (task)
        {
            case TrainingTask.BinaryClassification:
            {
                // Native LightGBM's sigmoid (1; ML.NET's default is 0.5), as the C API engine trains: the engine Auto picks must not
                // change the objective.
                var o = Configure(new LightGbmBinaryTrainer.Options { UnbalancedSets = a.UnbalancedSets, Sigmoid = 1 }, a, threads);
                var t = ml.BinaryClassification.Trainers.LightGbm(o);
                return validation is null ? t.Fit(train) : t.Fit(train, validation);
            }

            case TrainingTask.MulticlassClassification:
            {
                var o = Configure(new LightGbmMulticlassTrainer.Options(), a, threads);
                var t = ml.MulticlassClassification.Trainers.LightGbm(o);
                return validation is null ? t.Fit(train) : t.Fit(train, validation);
            }

            case TrainingTask.Regression:
            {
                var o = Configure(new LightGbmRegressionTrainer.Options(), a, threads);
                var t = ml.Regression.Trainers.LightGbm(o);
                return validation is null ? t.Fit(train) : t.Fit(train, validation);
            }

            default:
            {
                var o = Configure(new LightGbmRankingTrainer.Options(), a, threads);
                o.RowGroupColumnName = LabelPreparation.GroupColumn;

                // Native LightGBM's label gains (2^l - 1: 0, 1, 3, 7, ...; ML.NET's default is 0, 3, 7, 15, ...), as the C API engine.
                o.CustomGains = [.. Enumerable.Range(0, 31).Select(l => (1 << l) - 1)];
                var t = ml.Ranking.Trainers.LightGbm(o);
                return validation is null ? t.Fit(train) : t.Fit(train, validation);
            }
        }
    }

    private static TOptions Configure<TOptions, TOutput, TTransformer, TModel>(
        LightGbmTrainerBase<TOptions, TOutput, TTransformer, TModel>.OptionsBase o, LightGbmOptions a, int threads)
        where TTransformer : ISingleFeaturePredictionTransformer<TModel>
        where TModel : class
        where TOptions : LightGbmTrainerBase<TOptions, TOutput, TTransformer, TModel>.OptionsBase, new()
    {
        o.LabelColumnName = LabelPreparation.LabelColumn;
        o.NumberOfIterations = a.NumberOfIterations;
        o.NumberOfLeaves = a.NumberOfLeaves;
        o.LearningRate = a.LearningRate;
        o.MinimumExampleCountPerLeaf = a.MinimumExampleCountPerLeaf;
        o.MaximumBinCountPerFeature = a.MaximumBinCountPerFeature;
        o.UseCategoricalSplit = a.UseCategoricalSplit;
        o.MinimumExampleCountPerGroup = a.MinimumExampleCountPerGroup;
        o.MaximumCategoricalSplitPointCount = a.MaximumCategoricalSplitPointCount;
        o.CategoricalSmoothing = a.CategoricalSmoothing;
        o.L2CategoricalRegularization = a.L2CategoricalRegularization;
        o.HandleMissingValue = a.HandleMissingValue;
        o.EarlyStoppingRound = a.EarlyStoppingRound;
        o.Deterministic = a.Deterministic;
        o.ForceColumnWise = a.ForceColumnWise;
        o.ForceRowWise = a.ForceRowWise;
        o.NumberOfThreads = threads;
        o.Seed = a.Seed;
        o.Silent = true;
        o.Verbose = false;
        o.Booster = new GradientBooster.Options
        {
            L1Regularization = a.L1Regularization,
            L2Regularization = a.L2Regularization,
            FeatureFraction = a.FeatureFraction,
            SubsampleFraction = a.SubsampleFraction,
            SubsampleFrequency = a.SubsampleFrequency,
            MinimumSplitGain = a.MinimumSplitGain,
            MaximumTreeDepth = a.MaximumTreeDepth,
            MinimumChildWeight = a.MinimumChildWeight,
        };
        return (TOptions)o;
    }

    private static ITransformer FitFastTree(MLContext ml, FastTreeOptions a, TrainingTask task, int threads, IDataView train, IDataView? validation)
    {
        if (task == TrainingTask.BinaryClassification)
        {
            var o = new FastTreeBinaryTrainer.Options { UnbalancedSets = a.UnbalancedSets };
            Configure(o, a, threads);
            var binary = ml.BinaryClassification.Trainers.FastTree(o);
            return validation is null ? binary.Fit(train) : binary.Fit(train, validation);
        }

        var r = new FastTreeRegressionTrainer.Options();
        Configure(r, a, threads);
        var regression = ml.Regression.Trainers.FastTree(r);
        return validation is null ? regression.Fit(train) : regression.Fit(train, validation);
    }

    private static void Configure(BoostedTreeOptions o, FastTreeOptions a, int threads)
    {
        o.LabelColumnName = LabelPreparation.LabelColumn;
        o.NumberOfTrees = a.NumberOfTrees;
        o.NumberOfLeaves = a.NumberOfLeaves;
        o.LearningRate = a.LearningRate;
        o.MinimumExampleCountPerLeaf = a.MinimumExampleCountPerLeaf;
        o.FeatureFraction = a.FeatureFraction;
        o.BaggingSize = a.BaggingSize;
        o.BaggingExampleFraction = a.BaggingExampleFraction;
        o.MaximumBinCountPerFeature = a.MaximumBinCountPerFeature;
        o.CategoricalSplit = a.CategoricalSplit;
        o.NumberOfThreads = threads;
        o.Seed = a.Seed;
        o.FeatureSelectionSeed = a.Seed;
        if (a.EarlyStoppingRound > 0)
        {
            // Stop after that many trees without a new best validation loss, then prune back to the best tree.
            o.EarlyStoppingRule = new ConsecutiveGeneralityLossRule(a.EarlyStoppingRound);
            o.EnablePruning = true;
        }
    }

    private static IReadOnlyList<InputColumn> InputColumns(ITransformer chain, DataViewSchema rawSchema, DataSchema schema)
    {
        var result = new List<InputColumn>();
        foreach (var column in rawSchema)
        {
            if (column.IsHidden)
            {
                continue;
            }

            // A column is required when the model's output schema cannot be computed without it.
            var builder = new DataViewSchema.Builder();
            foreach (var other in rawSchema)
            {
                if (other.Index != column.Index && !other.IsHidden)
                {
                    builder.AddColumn(other.Name, other.Type, other.Annotations);
                }
            }

            bool required;
            try
            {
                chain.GetOutputSchema(builder.ToSchema());
                required = false;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
            {
                required = true;
            }

            var kind = schema.FindFeature(column.Name)?.Type switch
            {
                FeatureType.String => "text",
                FeatureType.Timestamp => "timestamp",
                FeatureType.Int or FeatureType.Float => "numeric",
                _ => column.Type is TextDataViewType ? "text" : "numeric",
            };
            result.Add(new InputColumn(column.Name, kind, required));
        }

        return result;
    }

    private static Dictionary<string, double> EvalMetrics(MLContext ml, TrainingTask task, IDataView scored, List<string> warnings)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            switch (task)
            {
                case TrainingTask.BinaryClassification:
                    if (scored.Schema.GetColumnOrNull("Probability") is not null)
                    {
                        var b = ml.BinaryClassification.Evaluate(scored, LabelPreparation.LabelColumn);

                        // ML.NET's binary log-loss is in bits; in nats it is LightGBM's binary_logloss (the per-iteration curve),
                        // the Evaluator's LogLoss, and ML.NET's own multiclass log-loss.
                        metrics["LogLoss"] = b.LogLoss * Math.Log(2);
                        Binary(b);
                    }
                    else
                    {
                        Binary(ml.BinaryClassification.EvaluateNonCalibrated(scored, LabelPreparation.LabelColumn));
                    }

                    break;

                case TrainingTask.MulticlassClassification:
                    var m = ml.MulticlassClassification.Evaluate(scored, LabelPreparation.LabelColumn);
                    metrics["MicroAccuracy"] = m.MicroAccuracy;
                    metrics["MacroAccuracy"] = m.MacroAccuracy;
                    metrics["LogLoss"] = m.LogLoss;
                    metrics["Rows"] = m.ConfusionMatrix.Counts.Sum(row => row.Sum());
                    break;

                case TrainingTask.Regression:
                    var g = ml.Regression.Evaluate(scored, LabelPreparation.LabelColumn);
                    metrics["RootMeanSquaredError"] = g.RootMeanSquaredError;
                    metrics["MeanAbsoluteError"] = g.MeanAbsoluteError;
                    metrics["RSquared"] = g.RSquared;
                    break;

                default:
                    var k = ml.Ranking.Evaluate(scored, LabelPreparation.LabelColumn, LabelPreparation.GroupColumn);
                    for (var i = 0; i < k.NormalizedDiscountedCumulativeGains.Count; i++)
                    {
                        metrics[$"NDCG@{i + 1}"] = k.NormalizedDiscountedCumulativeGains[i];
                    }

                    break;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            warnings.Add($"The eval metrics could not be computed: {e.Message}");
        }

        foreach (var (name, value) in metrics.Where(m => !double.IsFinite(m.Value)).ToList())
        {
            // JSON has no NaN or infinity; a metric that cannot be computed is named instead (e.g. F1 without positive predictions).
            metrics.Remove(name);
            warnings.Add($"{name} could not be computed on the eval split (it came out as {value}).");
        }

        return metrics;

        void Binary(BinaryClassificationMetrics b)
        {
            metrics["AreaUnderRocCurve"] = b.AreaUnderRocCurve;
            metrics["AreaUnderPrecisionRecallCurve"] = b.AreaUnderPrecisionRecallCurve;
            metrics["Accuracy"] = b.Accuracy;
            metrics["F1Score"] = b.F1Score;
            metrics["Rows"] = b.ConfusionMatrix.Counts.Sum(row => row.Sum());
        }
    }

    private static EarlyStoppingResult? ParseEarlyStopping(IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            var match = EarlyStoppingMessage().Match(message);
            if (match.Success)
            {
                return new EarlyStoppingResult(
                    int.Parse(match.Groups["iteration"].Value, CultureInfo.InvariantCulture),
                    double.TryParse(match.Groups["score"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : null);
            }
        }

        return null;
    }

    private static (int? Requested, int? Iterations) Iterations(TrainerAlgorithm algorithm, ITransformer model, EarlyStoppingResult? earlyStopping, int? classes)
    {
        var trees = TreeCount(model);
        switch (algorithm)
        {
            case LightGbmOptions l:
                var perClass = trees is { } t && classes is > 2 ? t / classes.Value : trees;
                return (l.NumberOfIterations, earlyStopping?.BestIteration ?? perClass ?? l.NumberOfIterations);
            case FastTreeOptions f:
                return (f.NumberOfTrees, trees ?? f.NumberOfTrees);
            default:
                return (null, trees);
        }
    }

    private static int? TreeCount(ITransformer model)
    {
        var parameters = model is ISingleFeaturePredictionTransformer<object> p ? p.Model : null;
        return parameters switch
        {
            TreeEnsembleModelParametersBasedOnRegressionTree t => t.TrainedTreeEnsemble.Trees.Count,
            CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator> c => c.SubModel.TrainedTreeEnsemble.Trees.Count,
            CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> c => c.SubModel.TrainedTreeEnsemble.Trees.Count,
            _ => null,
        };
    }

    [GeneratedRegex(@"Met early stopping, best iteration: (?<iteration>\d+), best score: (?<score>\S+)")]
    private static partial Regex EarlyStoppingMessage();
}
