using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Pipelines.Data;

namespace Pipelines;

/// <summary>
/// A transform graph's feature vector computed straight from a <see cref="ColumnarTable"/>'s arrays, for the transforms GBDT
/// preprocessing is usually made of: column copies and drops, <see cref="DateParts"/>, numeric conversion to float, one-hot
/// encoding of text (value to key + key to vector) and concatenation. ML.NET evaluates a chain row by row through a stack of
/// cursors and getters (≈ 0.5 µs per flights row per core, most of the Trainer's raw read and the Evaluator's scoring); here a
/// text column's dictionary is mapped to keys once and a row is a few array reads.
/// </summary>
/// <remarks>
/// Compiling only recognises the transforms and reads their fitted state (a few internal ML.NET members, by reflection);
/// anything else makes <see cref="TryCreate"/> return null with the reason, and the caller keeps ML.NET's path. The values
/// are trusted only after <see cref="FeatureRows.Verify"/> found them bit-identical to the chain's own on the table's rows
/// and on generated ones (every dictionary value, missing values, extremes).
/// </remarks>
public sealed class CompiledFeaturizer
{
    private readonly FeaturePart[] _parts;
    private readonly HashSet<string> _passThrough;

    private CompiledFeaturizer(ITransformer featurizer, string featureColumn, int slotCount, FeaturePart[] parts, HashSet<string> passThrough)
    {
        Featurizer = featurizer;
        FeatureColumn = featureColumn;
        SlotCount = slotCount;
        _parts = parts;
        _passThrough = passThrough;
    }

    /// <summary>The ML.NET chain this computes (and is verified against).</summary>
    public ITransformer Featurizer { get; }

    /// <summary>The feature column computed.</summary>
    public string FeatureColumn { get; }

    /// <summary>The feature vector's length.</summary>
    public int SlotCount { get; }

    /// <summary>The most entries one row writes (<see cref="FeatureRowReader.Read"/>'s spans must hold this many).</summary>
    public int MaxEntries => _parts.Length;

    internal IReadOnlyList<FeaturePart> Parts => _parts;

    /// <summary>The vector's blocks in slot order; <see cref="FeatureRowReader.ReadBlock"/> reads one for many rows at once.</summary>
    public IReadOnlyList<FeatureBlock> Blocks => [.. _parts.Select(p => new FeatureBlock(p.Slot, p is OneHotPart o ? o.Terms.Count : 1, p is OneHotPart))];

    /// <summary>The raw columns the feature vector is computed from (what a table must hold for <see cref="TryBind"/>).</summary>
    public IReadOnlyList<string> InputColumns => [.. _parts.Select(p => p.Column).Distinct()];

    /// <summary>Whether the chain's output column <paramref name="column"/> is the raw column of that name, unchanged (e.g. a
    /// label the preprocessing does not touch), so it can be read from the table directly.</summary>
    public bool PassesThrough(string column) => _passThrough.Contains(column);

    /// <summary>Compiles <paramref name="featurizer"/>'s <paramref name="featureColumn"/> over raw rows of
    /// <paramref name="rawSchema"/> (a <see cref="ColumnarDataView"/>'s: numbers as double, text), or returns null with the
    /// reason it cannot.</summary>
    public static CompiledFeaturizer? TryCreate(ITransformer featurizer, DataViewSchema rawSchema, string featureColumn, out string reason)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(rawSchema);
        var values = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var column in rawSchema.Where(c => !c.IsHidden))
        {
            values[column.Name] = column.Type == NumberDataViewType.Double ? new RawNumber(column.Name)
                : column.Type is TextDataViewType ? new RawText(column.Name)
                : Unsupported.Instance;
        }

        var schema = rawSchema;
        foreach (var step in Steps(featurizer))
        {
            DataViewSchema next;
            try
            {
                next = step.GetOutputSchema(schema);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                reason = $"{step.GetType().Name} does not apply to the raw columns: {e.Message}";
                return null;
            }

            if (!Apply(step, next, values, out reason))
            {
                return null;
            }

            // Drops, selections and hidden (overwritten) columns: only the visible names of the new schema remain.
            foreach (var name in values.Keys.ToList())
            {
                if (next.GetColumnOrNull(name) is not { IsHidden: false })
                {
                    values.Remove(name);
                }
            }

            schema = next;
        }

        if (!values.TryGetValue(featureColumn, out var feature) || schema.GetColumnOrNull(featureColumn) is not { Type: var featureType })
        {
            reason = $"the chain has no column '{featureColumn}'";
            return null;
        }

        var parts = new List<FeaturePart>();
        if (!Flatten(feature, parts, 0, out var slots))
        {
            reason = $"'{featureColumn}' is built from a transform or type the compiled featurizer does not handle";
            return null;
        }

        if (featureType is not VectorDataViewType { ItemType: NumberDataViewType item, Size: var size } || item != NumberDataViewType.Single || size != slots)
        {
            reason = $"'{featureColumn}' is {featureType}, not the float vector of {slots} slots its parts make";
            return null;
        }

        var passThrough = values.Where(v => v.Value is RawNumber n && n.Column == v.Key || v.Value is RawText t && t.Column == v.Key).Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        reason = "";
        return new CompiledFeaturizer(featurizer, featureColumn, slots, [.. parts], passThrough);
    }

    /// <summary>Binds the featurizer to <paramref name="table"/>'s columns (a dictionary value the chain never saw maps to
    /// missing, as ML.NET's does), or returns null with the reason.</summary>
    public FeatureRows? TryBind(ColumnarTable table, out string reason)
    {
        ArgumentNullException.ThrowIfNull(table);
        var bound = new BoundPart[_parts.Length];
        for (var i = 0; i < _parts.Length; i++)
        {
            if (_parts[i].Bind(table) is not { } part)
            {
                reason = $"the table has no column '{_parts[i].Column}' of the kind the chain reads";
                return null;
            }

            bound[i] = part;
        }

        reason = "";
        return new FeatureRows(this, table, bound);
    }

    /// <summary>The chain's steps; a fitted (not yet saved) one-hot encoding is its inner value-to-key + key-to-vector chain, which
    /// ML.NET keeps in a private field (a saved and loaded model has the chain itself).</summary>
    private static IEnumerable<ITransformer> Steps(ITransformer featurizer)
    {
        foreach (var step in TransformerSteps.Flatten(featurizer))
        {
            var inner = step is OneHotEncodingTransformer
                ? step.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic).Select(f => f.GetValue(step)).OfType<TransformerChain<ITransformer>>().FirstOrDefault()
                : null;
            foreach (var part in inner is null ? [step] : TransformerSteps.Flatten(inner))
            {
                yield return part;
            }
        }
    }

    private static bool Apply(ITransformer step, DataViewSchema next, Dictionary<string, Value> values, out string reason)
    {
        reason = "";
        switch (step)
        {
            case ColumnCopyingTransformer:
                foreach (var (output, input) in ColumnPairs(step))
                {
                    values[output] = values.GetValueOrDefault(input) ?? Unsupported.Instance;
                }

                return true;
            case ColumnSelectingTransformer:
                return true; // it only removes names, which the caller does for every step
            case CustomMappingTransformer<DatePartsInput, DatePartsOutput> mapping:
            {
                // The types are public: only the mapping saved under DateParts' contract is known to be DateParts' function.
                var contract = mapping.GetType().GetField("_contractName", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(mapping) as string;
                var source = contract == DateParts.ContractName ? values.GetValueOrDefault("__dateparts_input") as RawNumber : null;
                string[] outputs = [nameof(DatePartsOutput.DatePartsHour), nameof(DatePartsOutput.DatePartsWeekday), nameof(DatePartsOutput.DatePartsMonth), nameof(DatePartsOutput.DatePartsDay)];
                for (var i = 0; i < outputs.Length; i++)
                {
                    values[outputs[i]] = source is null ? Unsupported.Instance : new DatePart(source.Column, i);
                }

                return true;
            }

            case TypeConvertingTransformer:
                foreach (var (output, input) in ColumnPairs(step))
                {
                    var source = values.GetValueOrDefault(input);
                    values[output] = next[output].Type != NumberDataViewType.Single ? Unsupported.Instance
                        : source switch
                        {
                            RawNumber n => new NumberAsFloat(n.Column),
                            NumberAsFloat or DatePart => source,
                            _ => Unsupported.Instance,
                        };
                }

                return true;
            case ValueToKeyMappingTransformer:
                foreach (var (output, input) in ColumnPairs(step))
                {
                    values[output] = values.GetValueOrDefault(input) is RawText text && Terms(next[output]) is { } terms
                        ? new TextKey(text.Column, terms)
                        : Unsupported.Instance;
                }

                return true;
            case KeyToVectorMappingTransformer:
                foreach (var (output, input) in ColumnPairs(step))
                {
                    values[output] = values.GetValueOrDefault(input) is TextKey key
                        && next[output].Type is VectorDataViewType { Size: var size, ItemType: var item } && item == NumberDataViewType.Single && size == key.Terms.Count
                        ? new OneHot(key)
                        : Unsupported.Instance;
                }

                return true;
            case ColumnConcatenatingTransformer concatenating:
                if (ConcatenatedColumns(concatenating) is not { } concatenated)
                {
                    reason = "this ML.NET version's ColumnConcatenatingTransformer does not expose its columns";
                    return false;
                }

                foreach (var (output, inputs) in concatenated)
                {
                    values[output] = inputs.Select(i => values.GetValueOrDefault(i) ?? Unsupported.Instance).ToArray() is var parts && parts.All(p => p is NumberAsFloat or DatePart or OneHot or Concatenation)
                        ? new Concatenation(parts)
                        : Unsupported.Instance;
                }

                return true;
            default:
                reason = $"the chain has a {step.GetType().Name}, which the compiled featurizer does not handle";
                return false;
        }
    }

    /// <summary>A one-to-one transformer's (output, input) column pairs: ML.NET keeps them in a protected field.</summary>
    private static (string Output, string Input)[] ColumnPairs(ITransformer step)
    {
        for (var type = step.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetField("ColumnPairs", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly)?.GetValue(step)
                is (string, string)[] pairs)
            {
                return [.. pairs.Select(p => (p.Item1, p.Item2))];
            }
        }

        // Without the pairs nothing can be resolved: an unknown name makes every dependent feature unsupported.
        return [];
    }

    /// <summary>A concatenation's (output, inputs): ML.NET keeps them in private <c>ColumnOptions</c> (Name, Sources).</summary>
    private static List<(string Output, string[] Inputs)>? ConcatenatedColumns(ColumnConcatenatingTransformer step)
    {
        const BindingFlags Flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        if (step.GetType().GetField("_columns", Flags)?.GetValue(step) is not System.Collections.IEnumerable columns)
        {
            return null;
        }

        var result = new List<(string, string[])>();
        foreach (var column in columns)
        {
            var type = column.GetType();
            var name = (type.GetField("Name", Flags)?.GetValue(column) ?? type.GetProperty("Name", Flags)?.GetValue(column)) as string;
            var sources = type.GetProperty("Sources", Flags)?.GetValue(column) as IEnumerable<(string Name, string Alias)>;
            if (name is null || sources is null)
            {
                return null;
            }

            result.Add((name, [.. sources.Select(s => s.Name)]));
        }

        return result;
    }

    /// <summary>A key column's terms (its <c>KeyValues</c> annotation, text) with their keys (1-based), or null.</summary>
    private static Dictionary<string, uint>? Terms(DataViewSchema.Column column)
    {
        if (column.Type is not KeyDataViewType key
            || column.Annotations.Schema.GetColumnOrNull("KeyValues") is not { Type: VectorDataViewType { ItemType: TextDataViewType, Size: var size } }
            || (ulong)size != key.Count)
        {
            return null;
        }

        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetKeyValues(ref names);
        var terms = new Dictionary<string, uint>(StringComparer.Ordinal);
        var k = 1u;
        foreach (var name in names.DenseValues())
        {
            if (!terms.TryAdd(name.ToString(), k++))
            {
                return null;
            }
        }

        return terms;
    }

    private static bool Flatten(Value value, List<FeaturePart> parts, int slot, out int end)
    {
        end = slot;
        switch (value)
        {
            case NumberAsFloat n:
                parts.Add(new NumberPart(n.Column, slot));
                end = slot + 1;
                return true;
            case DatePart d:
                parts.Add(new DateFieldPart(d.Column, d.Which, slot));
                end = slot + 1;
                return true;
            case OneHot o:
                parts.Add(new OneHotPart(o.Key.Column, o.Key.Terms, slot));
                end = slot + o.Key.Terms.Count;
                return true;
            case Concatenation c:
                foreach (var part in c.Parts)
                {
                    if (!Flatten(part, parts, end, out end))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    // What a column of the chain is, in terms of the raw columns.
    private abstract record Value;

    private sealed record Unsupported : Value
    {
        public static readonly Unsupported Instance = new();
    }

    private sealed record RawNumber(string Column) : Value;

    private sealed record RawText(string Column) : Value;

    private sealed record NumberAsFloat(string Column) : Value;

    private sealed record DatePart(string Column, int Which) : Value;

    private sealed record TextKey(string Column, Dictionary<string, uint> Terms) : Value;

    private sealed record OneHot(TextKey Key) : Value;

    private sealed record Concatenation(Value[] Parts) : Value;
}
