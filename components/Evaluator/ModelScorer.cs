using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>What to read from a model's scored rows.</summary>
/// <param name="Task">The task, which decides the prediction columns.</param>
/// <param name="LabelColumn">The label, read from the scored rows (a raw column or one the model's preprocessing creates).</param>
/// <param name="GroupColumn">Ranking: the group column.</param>
/// <param name="PositiveClass">Binary: the positive label value (text, or a number for numeric labels), or null for
/// true/yes/1 (text) and &gt; 0 (numbers).</param>
internal sealed record ScoringSpec(EvaluationTask Task, string LabelColumn, string? GroupColumn, string? PositiveClass, double? PositiveAbove = null);

/// <summary>Loads one saved ML.NET model (<c>model.zip</c> of a <see cref="Model"/> artifact) and scores raw columnar rows
/// into <see cref="Predictions"/>.</summary>
internal sealed class ModelScorer
{
    /// <summary>The model file inside a <see cref="Model"/> artifact.</summary>
    public const string ModelFileName = "model.zip";

    private static readonly string[] s_trueWords = ["true", "yes", "1", "t", "y"];
    private static readonly string[] s_falseWords = ["false", "no", "0", "f", "n"];

    // Below this many rows per core, splitting costs more than it saves.
    private const int ParallelChunkRows = 50_000;

    private readonly ScoringSpec _spec;

    private readonly TreeEnsembleFastPath? _compiled;

    // The compiled featurizer per raw schema, and the dictionary sets it was verified on: the Explainer scores many tables
    // gathered and permuted from one eval table, and each verification costs ML.NET two featurizations (≈ 30–40 ms).
    private readonly Lock _featurizerLock = new();
    private readonly Dictionary<string, CompiledFeaturizer?> _featurizers = [];
    private readonly List<IReadOnlyList<string[]>> _verified = [];

    private ModelScorer(ITransformer model, DataViewSchema inputSchema, ScoringSpec spec, string description, bool compiledTrees)
    {
        _compiled = compiledTrees && spec.Task is EvaluationTask.BinaryClassification or EvaluationTask.Regression
            && TreeEnsembleFastPath.TryCreate(model, inputSchema, out _) is { } fast && fast.IsBinary == (spec.Task == EvaluationTask.BinaryClassification)
            ? fast
            : null;
        Model = model;
        InputSchema = inputSchema;
        _spec = spec;
        Description = description;
    }

    /// <summary>Whether GBDT scoring goes through the compiled trees.</summary>
    public bool UsesCompiledTrees => _compiled is not null;

    /// <summary>The loaded transform + model chain.</summary>
    public ITransformer Model { get; }

    /// <summary>The raw input schema the model was saved with.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>E.g. <c>candidate model 12</c>, for messages.</summary>
    public string Description { get; }

    /// <summary>Loads the model of an artifact.</summary>
    /// <exception cref="DataValidationException">No model file, or it cannot be read.</exception>
    /// <param name="artifact">The model.</param>
    /// <param name="spec">What to read from the scored rows.</param>
    /// <param name="role">For messages: candidate, baseline.</param>
    /// <param name="compiledTrees">Score GBDTs with the compiled trees the model server uses (verified against ML.NET at load);
    /// false = ML.NET only (InfraValidator's independent reference).</param>
    public static ModelScorer Load(Model artifact, ScoringSpec spec, string role, bool compiledTrees = true)
    {
        var description = $"{role} model {artifact.Id}";
        var path = Path.Combine(artifact.Uri, ModelFileName);
        if (!File.Exists(path))
        {
            throw new DataValidationException($"The {description} has no {ModelFileName} (looked for '{path}'). A Model artifact holds the transform and model chain saved by the Trainer.");
        }

        try
        {
            var ml = new MLContext(seed: 0);

            // Custom mappings in the chain (Pipelines.Core's DateParts, the user's own) need their assemblies registered with
            // ML.NET: Core's (ModelLoader), the preprocessing class the model names, and the pipeline program's own assembly,
            // where a user's preprocessing usually lives.
            if (Assembly.GetEntryAssembly() is { } entry)
            {
                ml.ComponentCatalog.RegisterAssembly(entry);
            }

            var model = ModelLoader.Load(ml, path, out var inputSchema, [.. PreprocessingTypes(artifact)]);
            return new ModelScorer(model, inputSchema, spec, description, compiledTrees);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException or ArgumentException)
        {
            throw new DataValidationException($"The {description} cannot be loaded from '{path}': {e.Message}", e);
        }
    }

    /// <summary>The user's preprocessing type named by the model: property <c>preprocessing_type</c>, or the
    /// <c>AssemblyQualifiedName</c> of a <c>preprocessing.json</c> next to the model file (Transform's description, which the
    /// Trainer copies there).</summary>
    private static IEnumerable<Type> PreprocessingTypes(Model artifact) =>
        ModelLoader.PreprocessingTypes(artifact.Uri, artifact.GetString("preprocessing_type"));

    /// <summary>Scores every row of <paramref name="table"/>: large binary and regression tables in parallel chunks on every core
    /// (ML.NET scores one cursor on one thread; the saved chain is safe to use from several).</summary>
    /// <exception cref="DataValidationException">The model cannot score the table, or the label or group column is missing.</exception>
    public Predictions Score(ColumnarTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (ScoreCompiledFeatures(table) is { } compiled)
        {
            return compiled;
        }

        // Four chunks per core: a core slowed down by other processes leaves its remaining chunks to the others.
        var chunks = Math.Min(4 * Environment.ProcessorCount, table.RowCount / ParallelChunkRows);
        if (chunks < 2 || _spec.Task is not (EvaluationTask.BinaryClassification or EvaluationTask.Regression))
        {
            return ScoreSequentially(table);
        }

        var parts = new Predictions[chunks];
        var size = (table.RowCount + chunks - 1) / chunks;
        try
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var start = i * size;
                var rows = Enumerable.Range(start, Math.Min(size, table.RowCount - start)).ToArray();
                parts[i] = ScoreSequentially(table.Gather(rows));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }

        var merged = new Predictions(_spec.Task, table.RowCount) { HasProbability = parts[0].HasProbability, ScoredBy = parts[0].ScoredBy };
        var offset = 0;
        foreach (var part in parts)
        {
            part.Labels.CopyTo(merged.Labels, offset);
            part.Scores.CopyTo(merged.Scores, offset);
            part.Probabilities.CopyTo(merged.Probabilities, offset);
            part.Predicted.CopyTo(merged.Predicted, offset);
            merged.MissingLabels += part.MissingLabels;
            offset += part.Count;
        }

        return merged;
    }

    /// <summary>
    /// The fastest path: the compiled trees on feature vectors computed by the compiled featurizer straight from the table's
    /// arrays (<see cref="CompiledFeaturizer"/>, checked equal to the model's own featurizer on this table's rows), in parallel
    /// chunks. Null when the model's featurizer does not compile or the label is not a raw column; rows with a missing feature
    /// are scored by the model afterwards.
    /// </summary>
    private Predictions? ScoreCompiledFeatures(ColumnarTable table)
    {
        if (_compiled is not { } fast || !table.Contains(_spec.LabelColumn))
        {
            return null;
        }

        var raw = new ColumnarDataView(table);
        if (CompiledRows(fast, raw.Schema, table) is not { } rows)
        {
            return null;
        }

        var featurizer = rows.Featurizer;

        var binary = _spec.Task == EvaluationTask.BinaryClassification;
        var predictions = new Predictions(_spec.Task, table.RowCount) { HasProbability = binary, ScoredBy = "the compiled featurizer and trees" };
        using (var cursor = raw.GetRowCursor([raw.Schema[_spec.LabelColumn]]))
        {
            var label = binary ? BinaryLabelGetter(cursor, raw.Schema[_spec.LabelColumn]) : NumberGetter(cursor, raw.Schema[_spec.LabelColumn]);
            for (var row = 0; cursor.MoveNext(); row++)
            {
                predictions.Labels[row] = label();
                predictions.MissingLabels += double.IsNaN(predictions.Labels[row]) ? 1 : 0;
            }
        }

        // Four chunks per core: a core slowed down by other processes leaves its remaining chunks to the others.
        var chunks = Math.Max(1, Math.Min(4 * Environment.ProcessorCount, table.RowCount / 16_384));
        var size = (table.RowCount + chunks - 1) / chunks;
        var missing = new List<int>[chunks];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var reader = rows.CreateReader();
            var slots = new int[featurizer.MaxEntries];
            var values = new float[featurizer.MaxEntries];
            var dense = new float[fast.Trees.FeatureCount];
            var positive = new int[fast.Trees.FeatureCount];
            missing[i] = [];
            for (int row = i * size, end = Math.Min(table.RowCount, row + size); row < end; row++)
            {
                var n = reader.Read(row, slots, values);
                if (!fast.TryScore(slots.AsSpan(0, n), values.AsSpan(0, n), dense, positive, out var score))
                {
                    missing[i].Add(row);
                    continue;
                }

                predictions.Scores[row] = score;
                if (binary)
                {
                    predictions.Probabilities[row] = fast.Probability(score);
                    predictions.Predicted[row] = score > fast.Threshold ? 1 : 0;
                }
            }
        });

        var rest = missing.SelectMany(m => m).ToArray();
        ScoreRowsWithModel(table, rest, predictions);
        return predictions;
    }

    /// <summary>Scores <paramref name="rows"/> of the table (those with a missing feature) through the model's own chain into
    /// <paramref name="predictions"/>; the labels are already there.</summary>
    private void ScoreRowsWithModel(ColumnarTable table, int[] rows, Predictions predictions)
    {
        if (rows.Length == 0)
        {
            return;
        }

        var scored = ScoreWithModel(table.Gather(rows));
        for (var i = 0; i < rows.Length; i++)
        {
            predictions.Scores[rows[i]] = scored.Scores[i];
            predictions.Probabilities[rows[i]] = scored.Probabilities[i];
            predictions.Predicted[rows[i]] = scored.Predicted[i];
        }
    }

    /// <summary>The table through the compiled featurizer, verified against the model's (once per set of text dictionaries:
    /// the featurizer's parts each read one column, so rows gathered or permuted from a verified table need no new check).</summary>
    private FeatureRows? CompiledRows(TreeEnsembleFastPath fast, DataViewSchema rawSchema, ColumnarTable table)
    {
        var signature = string.Join('\n', rawSchema.Select(c => $"{c.Name}\t{c.Type}"));
        CompiledFeaturizer? featurizer;
        lock (_featurizerLock)
        {
            if (!_featurizers.TryGetValue(signature, out featurizer))
            {
                featurizer = CompiledFeaturizer.TryCreate(fast.Featurizer, rawSchema, fast.FeatureColumn, out _);
                _featurizers[signature] = featurizer is not null && featurizer.SlotCount == fast.Trees.FeatureCount && featurizer.PassesThrough(_spec.LabelColumn)
                    ? featurizer
                    : null;
                featurizer = _featurizers[signature];
            }
        }

        if (featurizer?.TryBind(table, out _) is not { } rows)
        {
            return null;
        }

        var dictionaries = rows.Dictionaries;
        lock (_featurizerLock)
        {
            if (_verified.Any(v => v.Count == dictionaries.Count && v.Zip(dictionaries).All(p => ReferenceEquals(p.First, p.Second))))
            {
                return rows;
            }
        }

        if (rows.Verify() is not null)
        {
            return null;
        }

        lock (_featurizerLock)
        {
            _verified.Add(dictionaries);
        }

        return rows;
    }

    private Predictions ScoreSequentially(ColumnarTable table) => ScoreCompiled(table) ?? ScoreWithModel(table);

    /// <summary>
    /// Scores with the compiled trees after ML.NET's featurizer (binary and regression GBDTs): the same values as the model's
    /// own chain, several times faster. Rows with a missing feature are scored by the model afterwards. Null when not used.
    /// </summary>
    private Predictions? ScoreCompiled(ColumnarTable table)
    {
        if (_compiled is not { } fast)
        {
            return null;
        }

        IDataView featurized;
        try
        {
            featurized = fast.Featurizer.Transform(new ColumnarDataView(table));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            return null; // the model's own path reports the problem with its message
        }

        if (featurized.Schema.GetColumnOrNull(fast.FeatureColumn) is not { } featureColumn || featurized.Schema.GetColumnOrNull(_spec.LabelColumn) is not { } labelColumn)
        {
            return null;
        }

        var binary = _spec.Task == EvaluationTask.BinaryClassification;
        var predictions = new Predictions(_spec.Task, table.RowCount) { HasProbability = binary, ScoredBy = "ML.NET's featurizer and the compiled trees" };
        var missing = new List<int>();
        using (var cursor = featurized.GetRowCursor([featureColumn, labelColumn]))
        {
            var features = cursor.GetGetter<VBuffer<float>>(featureColumn);
            var label = binary ? BinaryLabelGetter(cursor, labelColumn) : NumberGetter(cursor, labelColumn);
            var dense = new float[fast.Trees.FeatureCount];
            var positive = new int[fast.Trees.FeatureCount];
            VBuffer<float> buffer = default;
            var row = 0;
            while (cursor.MoveNext())
            {
                features(ref buffer);
                predictions.Labels[row] = label();
                if (double.IsNaN(predictions.Labels[row]))
                {
                    predictions.MissingLabels++;
                }

                if (!fast.TryScore(buffer, dense, positive, out var score))
                {
                    missing.Add(row++);
                    continue;
                }

                predictions.Scores[row] = score;
                if (binary)
                {
                    predictions.Probabilities[row] = fast.Probability(score);
                    predictions.Predicted[row] = score > fast.Threshold ? 1 : 0;
                }

                row++;
            }
        }

        ScoreRowsWithModel(table, [.. missing], predictions);
        return predictions;
    }

    private Predictions ScoreWithModel(ColumnarTable table)
    {
        IDataView scored;
        try
        {
            scored = Model.Transform(new ColumnarDataView(table));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw new DataValidationException(
                $"The {Description} cannot score the eval rows: {e.Message} The eval split has columns: {string.Join(", ", table.Columns.Select(c => c.Name))}.", e);
        }

        var schema = scored.Schema;
        var scoreColumn = Require(schema, "Score", "the model's prediction");
        var labelColumn = Require(schema, _spec.LabelColumn, "the label (set EvaluatorOptions.LabelColumn, or the model's 'label' property)");
        var predictions = new Predictions(_spec.Task, table.RowCount);
        var needed = new List<DataViewSchema.Column> { scoreColumn, labelColumn };
        var probabilityColumn = schema.GetColumnOrNull("Probability");
        var predictedColumn = schema.GetColumnOrNull("PredictedLabel");
        DataViewSchema.Column? groupColumn = null;
        if (_spec.Task == EvaluationTask.Ranking)
        {
            groupColumn = Require(schema, _spec.GroupColumn ?? "", "the ranking group (set EvaluatorOptions.GroupColumn)");
            needed.Add(groupColumn.Value);
        }

        if (probabilityColumn is { } p)
        {
            needed.Add(p);
        }

        if (predictedColumn is { } pl)
        {
            needed.Add(pl);
        }

        try
        {
            using var cursor = scored.GetRowCursor(needed);
            switch (_spec.Task)
            {
                case EvaluationTask.BinaryClassification:
                    ReadBinary(cursor, scoreColumn, labelColumn, probabilityColumn, predictedColumn, predictions);
                    break;
                case EvaluationTask.MulticlassClassification:
                    ReadMulticlass(cursor, scoreColumn, labelColumn, predictedColumn, predictions);
                    break;
                default:
                    ReadScalar(cursor, scoreColumn, labelColumn, groupColumn, predictions);
                    break;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new DataValidationException($"The {Description} failed while scoring the eval rows: {e.Message}", e);
        }

        return predictions;
    }

    /// <summary>Formats a number as the Evaluator names values (invariant, round-trip).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private DataViewSchema.Column Require(DataViewSchema schema, string name, string what)
    {
        if (schema.GetColumnOrNull(name) is { } column)
        {
            return column;
        }

        throw new DataValidationException(
            $"The {Description} scored rows have no column '{name}' ({what}). Columns after scoring: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
    }

    private void ReadBinary(
        DataViewRowCursor cursor,
        DataViewSchema.Column scoreColumn,
        DataViewSchema.Column labelColumn,
        DataViewSchema.Column? probabilityColumn,
        DataViewSchema.Column? predictedColumn,
        Predictions predictions)
    {
        var score = NumberGetter(cursor, scoreColumn);
        var probability = probabilityColumn is { } pc ? NumberGetter(cursor, pc) : null;
        var predicted = predictedColumn is { Type: BooleanDataViewType } pl ? NumberGetter(cursor, pl) : null;
        var label = BinaryLabelGetter(cursor, labelColumn);
        predictions.HasProbability = probability is not null;
        var row = 0;
        while (cursor.MoveNext())
        {
            var s = score();
            var p = probability?.Invoke() ?? double.NaN;
            predictions.Scores[row] = s;
            predictions.Probabilities[row] = p;
            predictions.Predicted[row] = predicted is not null ? (predicted() > 0 ? 1 : 0) : (probability is not null ? (p >= 0.5 ? 1 : 0) : (s > 0 ? 1 : 0));
            predictions.Labels[row] = label();
            if (double.IsNaN(predictions.Labels[row]))
            {
                predictions.MissingLabels++;
            }

            row++;
        }
    }

    private static void ReadMulticlass(
        DataViewRowCursor cursor,
        DataViewSchema.Column scoreColumn,
        DataViewSchema.Column labelColumn,
        DataViewSchema.Column? predictedColumn,
        Predictions predictions)
    {
        if (scoreColumn.Type is not VectorDataViewType { Size: > 0 } vectorType || vectorType.ItemType != NumberDataViewType.Single)
        {
            throw new DataValidationException(
                $"A multiclass model must output 'Score' as a fixed-size vector of Single (one score per class); it outputs {scoreColumn.Type}. Is the task right (EvaluatorOptions.Task, the model's 'task' property)?");
        }

        var k = vectorType.Size;
        var classNames = SlotNames(scoreColumn, k);
        var scoreGetter = cursor.GetGetter<VBuffer<float>>(scoreColumn);
        var labelGetter = TextGetter(cursor, labelColumn);
        var predictedText = classNames is null && predictedColumn is { } pc ? TextGetter(cursor, pc) : null;
        var names = classNames ?? [.. Enumerable.Range(0, k).Select(i => $"class {i}")];
        var learned = new bool[k];
        var classes = new List<string>(names);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            index.TryAdd(names[i], i);
        }

        var unknown = new Dictionary<string, int>(StringComparer.Ordinal);
        var rawLabels = new string?[predictions.Count];
        var classScores = new double[predictions.Count * k];
        VBuffer<float> buffer = default;
        var row = 0;
        while (cursor.MoveNext())
        {
            scoreGetter(ref buffer);
            var best = 0;
            var bestScore = double.NegativeInfinity;
            var values = buffer.DenseValues().GetEnumerator();
            for (var c = 0; c < k && values.MoveNext(); c++)
            {
                var v = values.Current;
                classScores[(row * k) + c] = v;
                if (v > bestScore)
                {
                    bestScore = v;
                    best = c;
                }
            }

            predictions.Predicted[row] = best;
            predictions.Scores[row] = bestScore;
            if (predictedText is not null && !learned[best] && predictedText() is { } name)
            {
                // Without slot names, the predicted label names the argmax class.
                learned[best] = true;
                names[best] = name;
                classes[best] = name;
                index.TryAdd(name, best);
            }

            rawLabels[row] = labelGetter();
            row++;
        }

        for (var i = 0; i < rawLabels.Length; i++)
        {
            var text = rawLabels[i];
            if (text is null)
            {
                predictions.Labels[i] = double.NaN;
                predictions.MissingLabels++;
                continue;
            }

            if (!index.TryGetValue(text, out var c) && !TryNumericMatch(text, names, out c))
            {
                c = classes.Count;
                classes.Add(text);
                index[text] = c;
            }

            if (c >= k)
            {
                unknown[text] = unknown.GetValueOrDefault(text) + 1;
            }

            predictions.Labels[i] = c;
        }

        predictions.ClassScores = classScores;
        predictions.ModelClassCount = k;
        predictions.Classes = classes;
        predictions.UnknownLabels = unknown;
    }

    private static void ReadScalar(
        DataViewRowCursor cursor,
        DataViewSchema.Column scoreColumn,
        DataViewSchema.Column labelColumn,
        DataViewSchema.Column? groupColumn,
        Predictions predictions)
    {
        var score = NumberGetter(cursor, scoreColumn);
        var label = NumberGetter(cursor, labelColumn);
        var group = groupColumn is { } gc ? TextGetter(cursor, gc) : null;
        var groupIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = group is null ? [] : new int[predictions.Count];
        var row = 0;
        while (cursor.MoveNext())
        {
            predictions.Scores[row] = score();
            predictions.Labels[row] = label();
            if (group is not null)
            {
                var g = group() ?? SliceEvaluation.MissingValueName;
                if (!groupIds.TryGetValue(g, out var id))
                {
                    groupIds[g] = id = groupIds.Count;
                }

                groups[row] = id;
            }

            if (double.IsNaN(predictions.Labels[row]))
            {
                predictions.MissingLabels++;
            }

            row++;
        }

        predictions.Groups = groups;
    }

    private static bool TryNumericMatch(string text, string[] names, out int index)
    {
        index = -1;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (double.TryParse(names[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n == value)
            {
                index = i;
                return true;
            }
        }

        return false;
    }

    private static string[]? SlotNames(DataViewSchema.Column column, int size)
    {
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is not { Type: VectorDataViewType { ItemType: TextDataViewType, Size: var n } }
            || n != size)
        {
            return null;
        }

        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        var result = names.DenseValues().Select(v => v.ToString()).ToArray();
        return result.Length == size && result.All(s => s.Length > 0) ? result : null;
    }

    private Func<double> BinaryLabelGetter(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is BooleanDataViewType or NumberDataViewType)
        {
            var number = NumberGetter(row, column);
            if (column.Type is NumberDataViewType && _spec.PositiveAbove is { } above)
            {
                return () =>
                {
                    var v = number();
                    return double.IsNaN(v) ? double.NaN : v > above ? 1 : 0;
                };
            }

            if (column.Type is NumberDataViewType && _spec.PositiveClass is { } p)
            {
                if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var positiveValue))
                {
                    throw new DataValidationException($"The positive class '{p}' is not a number, but the binary label '{column.Name}' is numeric.");
                }

                return () =>
                {
                    var v = number();
                    return double.IsNaN(v) ? double.NaN : v == positiveValue ? 1 : 0;
                };
            }

            return () =>
            {
                var v = number();
                return double.IsNaN(v) ? double.NaN : v > 0 ? 1 : 0;
            };
        }

        var text = TextGetter(row, column);
        var positive = _spec.PositiveClass;
        return () =>
        {
            var t = text();
            if (t is null)
            {
                return double.NaN;
            }

            if (positive is not null)
            {
                return string.Equals(t, positive, StringComparison.Ordinal) ? 1 : 0;
            }

            var word = t.Trim();
            if (s_trueWords.Contains(word, StringComparer.OrdinalIgnoreCase))
            {
                return 1;
            }

            if (s_falseWords.Contains(word, StringComparer.OrdinalIgnoreCase))
            {
                return 0;
            }

            throw new DataValidationException(
                $"The binary label '{column.Name}' has the value '{t}', which is neither true/yes/1 nor false/no/0. Set EvaluatorOptions.PositiveClass to the positive value.");
        };
    }

    /// <summary>A getter reading a numeric, boolean, key or text column as a double (NaN = missing or unparsable).</summary>
    internal static Func<double> NumberGetter(DataViewRow row, DataViewSchema.Column column)
    {
        var raw = column.Type.RawType;
        if (column.Type is KeyDataViewType)
        {
            // Keys count from 1 (0 = missing); as a number, the 0-based class index.
            return raw == typeof(uint) ? Make<uint>(v => v == 0 ? double.NaN : v - 1)
                : raw == typeof(ulong) ? Make<ulong>(v => v == 0 ? double.NaN : v - 1)
                : raw == typeof(ushort) ? Make<ushort>(v => v == 0 ? double.NaN : v - 1)
                : Make<byte>(v => v == 0 ? double.NaN : v - 1);
        }

        return raw switch
        {
            _ when raw == typeof(float) => Make<float>(v => v),
            _ when raw == typeof(double) => Make<double>(v => v),
            _ when raw == typeof(int) => Make<int>(v => v),
            _ when raw == typeof(long) => Make<long>(v => v),
            _ when raw == typeof(uint) => Make<uint>(v => v),
            _ when raw == typeof(ulong) => Make<ulong>(v => v),
            _ when raw == typeof(short) => Make<short>(v => v),
            _ when raw == typeof(ushort) => Make<ushort>(v => v),
            _ when raw == typeof(byte) => Make<byte>(v => v),
            _ when raw == typeof(sbyte) => Make<sbyte>(v => v),
            _ when raw == typeof(bool) => Make<bool>(v => v ? 1 : 0),
            _ when raw == typeof(ReadOnlyMemory<char>) => Make<ReadOnlyMemory<char>>(v =>
                double.TryParse(v.Span, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN),
            _ => throw new DataValidationException($"Column '{column.Name}' has type {column.Type}, which cannot be read as a number."),
        };

        Func<double> Make<T>(Func<T, double> convert)
        {
            var getter = row.GetGetter<T>(column);
            return () =>
            {
                T value = default!;
                getter(ref value);
                return convert(value);
            };
        }
    }

    /// <summary>A getter reading any scalar column as text (null = missing): numbers round-trip, keys through their values.</summary>
    internal static Func<string?> TextGetter(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
            return () =>
            {
                ReadOnlyMemory<char> value = default;
                getter(ref value);
                return value.IsEmpty ? null : value.ToString();
            };
        }

        if (column.Type is KeyDataViewType && column.Annotations.Schema.GetColumnOrNull("KeyValues") is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            VBuffer<ReadOnlyMemory<char>> keyValues = default;
            column.GetKeyValues(ref keyValues);
            var values = keyValues.DenseValues().Select(v => v.ToString()).ToArray();
            var index = NumberGetter(row, column);
            return () =>
            {
                var i = index();
                return double.IsNaN(i) || i >= values.Length ? null : values[(int)i];
            };
        }

        if (column.Type is BooleanDataViewType)
        {
            var b = NumberGetter(row, column);
            return () => b() > 0 ? "true" : "false";
        }

        var number = NumberGetter(row, column);
        var isSingle = column.Type.RawType == typeof(float);
        return () =>
        {
            var v = number();
            return double.IsNaN(v) ? null
                : isSingle ? ((float)v).ToString("R", CultureInfo.InvariantCulture)
                : Format(v);
        };
    }
}
