using System.Diagnostics;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Serving;

namespace Pipelines.Bench;

/// <summary>
/// Where a single-row prediction's time goes: the served model's transformer chain (the Transform graph's steps, then the
/// predictor) is cut into prefixes; for each prefix a row-to-row mapper over the server's own <see cref="InputRow"/> pulls the
/// columns the last step adds, per row, as <see cref="PredictionSession"/> does for the final outputs. The difference between
/// consecutive prefixes is that step's cost (upstream steps are recomputed in every prefix, as they are per prediction).
/// </summary>
public static class ServingProfile
{
    /// <summary>One step of the chain.</summary>
    /// <param name="Step">The transformer's type and the columns it adds.</param>
    /// <param name="CumulativeMicros">Mean µs per row (median of 3 rounds) to set the values and compute every step up to this one.</param>
    /// <param name="StepMicros">This step's share (difference to the previous prefix).</param>
    public sealed record Step(string Name, double CumulativeMicros, double StepMicros);

    /// <summary>
    /// The predictor alone (the last prediction transformer of the chain) on the Features vectors the chain computes for real rows:
    /// as the chain hands them over (<paramref name="SparseMicros"/>) and as dense copies (<paramref name="DenseMicros"/>), plus the
    /// tree ensemble's shape where it is one (LightGBM models are converted to ML.NET's managed tree ensemble on load).
    /// </summary>
    public sealed record Predictor(string Name, int FeatureLength, double MeanExplicitValues, bool Sparse, double SparseMicros, double DenseMicros,
        int Trees, int SplitNodes, int CategoricalSplits, double MeanCategoriesPerCategoricalSplit);

    /// <summary>Times the predictor step alone on sparse and densified Features (see <see cref="Predictor"/>), median of 5 interleaved rounds.</summary>
    public static Predictor? RunPredictor(string modelFile, ServingRequests requests, ServedModel served, int rows)
    {
        var ml = new MLContext(seed: 0);
        var model = ModelLoader.Load(ml, modelFile, out var inputSchema);
        var steps = TransformerSteps.Flatten(model).ToList();
        var at = steps.FindLastIndex(t => t is ISingleFeaturePredictionTransformer<object>);
        if (at < 1)
        {
            return null;
        }

        var predictor = (ISingleFeaturePredictionTransformer<object>)steps[at];
        ITransformer featurizer = new TransformerChain<ITransformer>([.. steps.Take(at)]);
        var featurizerMapper = featurizer.GetRowToRowMapper(inputSchema);
        var featuresColumn = featurizerMapper.OutputSchema[predictor.FeatureColumnName];
        var input = new InputRow(inputSchema);
        var sparse = new VBuffer<float>[Math.Min(rows, requests.Count)];
        var session = served.Rent();
        try
        {
            using var row = featurizerMapper.GetRow(input, [featuresColumn]);
            var getter = row.GetGetter<VBuffer<float>>(featuresColumn);
            for (var r = 0; r < sparse.Length; r++)
            {
                requests.Set(session, r);
                CopyInto(session, input);
                input.Advance();
                VBuffer<float> value = default;
                getter(ref value);
                sparse[r] = value;
            }
        }
        finally
        {
            served.Return(session);
        }

        var dense = sparse.Select(v =>
        {
            var values = new float[v.Length];
            v.CopyTo(values);
            return new VBuffer<float>(v.Length, values);
        }).ToArray();

        var builder = new DataViewSchema.Builder();
        builder.AddColumn(featuresColumn.Name, featuresColumn.Type, featuresColumn.Annotations);
        var featuresRow = new FeaturesRow(builder.ToSchema());
        var predictorMapper = ((ITransformer)predictor).GetRowToRowMapper(featuresRow.Schema);
        var outputs = predictorMapper.OutputSchema.Where(c => !c.IsHidden && c.Name != featuresColumn.Name).ToList();
        using var scored = predictorMapper.GetRow(featuresRow, outputs);
        var pulls = outputs.Select(c => Pull(scored, scored.Schema[c.Index])).ToArray();
        double Time(VBuffer<float>[] vectors) => TimePerRow(rows, r =>
        {
            featuresRow.Set(vectors[r % vectors.Length]);
            foreach (var pull in pulls)
            {
                pull();
            }
        });

        // Interleaved (sparse, dense, sparse, dense, ...) so that a burst of neighbour load or warming caches hits both alike.
        var sparseRounds = new List<double>();
        var denseRounds = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            sparseRounds.Add(Time(sparse));
            denseRounds.Add(Time(dense));
        }

        var sparseMicros = sparseRounds.Order().ElementAt(2);
        var denseMicros = denseRounds.Order().ElementAt(2);

        var (trees, splits, categorical, categories) = TreeShape(predictor.Model);
        return new Predictor(Describe((ITransformer)predictor), featuresColumn.Type is VectorDataViewType { Size: var size } ? size : 1, sparse.Average(v => v.GetValues().Length),
            sparse.Any(v => !v.IsDense), sparseMicros, denseMicros, trees, splits, categorical, categories);
    }

    // The tree ensemble under a (calibrated) LightGBM/FastTree predictor: trees, split nodes, categorical splits and their mean size.
    private static (int Trees, int Splits, int Categorical, double MeanCategories) TreeShape(object model)
    {
        var current = model;
        while (current is not Microsoft.ML.Trainers.FastTree.TreeEnsembleModelParametersBasedOnRegressionTree
            && current.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.Name == "SubModel" && p.GetIndexParameters().Length == 0)
                .Select(p => p.GetValue(current)).FirstOrDefault(v => v is not null) is { } inner)
        {
            current = inner;
        }

        if (current is not Microsoft.ML.Trainers.FastTree.TreeEnsembleModelParametersBasedOnRegressionTree ensemble)
        {
            return (0, 0, 0, 0);
        }

        var trees = ensemble.TrainedTreeEnsemble.Trees;
        var splits = trees.Sum(t => t.NumberOfNodes);
        var categoricalNodes = trees.SelectMany(t => Enumerable.Range(0, t.NumberOfNodes).Where(n => t.CategoricalSplitFlags[n]).Select(n => t.GetCategoricalSplitFeaturesAt(n).Count)).ToList();
        return (trees.Count, splits, categoricalNodes.Count, categoricalNodes.Count == 0 ? 0 : categoricalNodes.Average());
    }

    /// <summary>Profiles <paramref name="modelFile"/> with the values of <paramref name="requests"/>, <paramref name="rows"/> rows per prefix, 3 rounds (median).</summary>
    public static IReadOnlyList<Step> Run(string modelFile, ServingRequests requests, ServedModel served, int rows)
    {
        var ml = new MLContext(seed: 0);
        var model = ModelLoader.Load(ml, modelFile, out var inputSchema);
        var steps = TransformerSteps.Flatten(model).ToList();

        // Filling the InputRow the way the session does (clear + set each column), measured on a real session.
        var session = served.Rent();
        var result = new List<Step>();
        try
        {
            var scratch = new InputRow(inputSchema);
            var setOnly = Median(3, () => TimePerRow(rows, r =>
            {
                requests.Set(session, r % requests.Count);
                CopyInto(session, scratch);
            }));
            result.Add(new Step("set the request's values (Clear + SetNumber/SetText; + a copy into the profile's row)", setOnly, setOnly));
            var previous = setOnly;
            var previousSchema = inputSchema;
            for (var k = 1; k <= steps.Count; k++)
            {
                ITransformer prefix = new TransformerChain<ITransformer>([.. steps.Take(k)]);
                var schema = prefix.GetOutputSchema(inputSchema);
                // Columns this step adds or replaces (a replaced column keeps its name at a new index; the old one becomes hidden).
                var added = schema.Where(c => !c.IsHidden && previousSchema.GetColumnOrNull(c.Name)?.Index != c.Index).ToList();
                var input = new InputRow(inputSchema);
                var mapper = prefix.GetRowToRowMapper(inputSchema);
                using var row = mapper.GetRow(input, added.Select(c => mapper.OutputSchema[c.Index]));
                var pulls = added.Select(c => Pull(row, row.Schema[c.Index])).ToArray();
                var cumulative = Median(3, () => TimePerRow(rows, r =>
                {
                    requests.Set(session, r % requests.Count);
                    CopyInto(session, input);
                    input.Advance();
                    foreach (var pull in pulls)
                    {
                        pull();
                    }
                }));
                var step = Describe(steps[k - 1]);
                var name = step == "ColumnSelectingTransformer" || added.Count == 0
                    ? $"{step} → (drops columns; pulls {string.Join(", ", added.Select(c => c.Name))})"
                    : $"{step} → {string.Join(", ", added.Select(c => c.Name))}";
                result.Add(new Step(name, cumulative, cumulative - previous));
                previous = cumulative;
                previousSchema = schema;
            }
        }
        finally
        {
            served.Return(session);
        }

        return result;
    }

    // The session's values are the request's; the profile's InputRow gets a copy, so both see the same inputs and the set cost
    // (measured separately above) is paid the same way.
    private static void CopyInto(PredictionSession session, InputRow target)
    {
        var source = session.Input;
        source.Numbers.CopyTo(target.Numbers, 0);
        source.Texts.CopyTo(target.Texts, 0);
        source.Booleans.CopyTo(target.Booleans, 0);
    }

    private static string Describe(ITransformer t)
    {
        var type = t.GetType();
        var name = type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(a => a.IsGenericType ? a.Name[..a.Name.IndexOf('`', StringComparison.Ordinal)] : a.Name)) + ">" : type.Name;
        return name;
    }

    private static Action Pull(DataViewRow row, DataViewSchema.Column column)
    {
        var raw = column.Type is VectorDataViewType vector ? typeof(VBuffer<>).MakeGenericType(vector.ItemType.RawType) : column.Type.RawType;
        var method = typeof(ServingProfile).GetMethod(nameof(PullOf), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(raw);
        return (Action)method.Invoke(null, [row, column])!;
    }

    private static Action PullOf<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () => getter(ref value);
    }

    private static double TimePerRow(int rows, Action<int> action)
    {
        for (var r = 0; r < Math.Min(rows, 5_000); r++)
        {
            action(r);
        }

        var start = Stopwatch.GetTimestamp();
        for (var r = 0; r < rows; r++)
        {
            action(r);
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / rows;
    }

    private static double Median(int rounds, Func<double> measure)
    {
        var values = Enumerable.Range(0, rounds).Select(_ => measure()).Order().ToList();
        return values[values.Count / 2];
    }

    /// <summary>A one-column row holding a Features vector, for timing the predictor alone.</summary>
    private sealed class FeaturesRow(DataViewSchema schema) : DataViewRow
    {
        private VBuffer<float> _value;
        private long _position = -1;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => schema;

        public void Set(VBuffer<float> value)
        {
            _value = value;
            _position++;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) => _value.CopyTo(ref value);
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Features is read as VBuffer<float>, not {typeof(TValue).Name}.");
        }
    }
}
