using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Serving;

/// <summary>
/// One prediction engine over a loaded model: an <see cref="InputRow"/> mapped through the model's row-to-row mapper, with the
/// output getters created once. Reusing it makes a single-row prediction allocation-light (what ML.NET's
/// <c>PredictionEngine</c> does for typed rows). Not thread-safe: <see cref="ServedModel"/> pools them.
/// </summary>
public sealed class PredictionSession : IDisposable
{
    private readonly InputRow _input;
    private readonly DataViewRow _output;
    private readonly ModelOutputs _outputs;
    private readonly ValueGetter<float>? _score;
    private readonly ValueGetter<VBuffer<float>>? _scores;
    private readonly ValueGetter<float>? _probability;
    private readonly ValueGetter<uint>? _labelKey;
    private readonly ValueGetter<ReadOnlyMemory<char>>? _labelText;
    private readonly ValueGetter<bool>? _labelBoolean;
    private readonly float[] _classScores;
    private readonly TreeEnsembleFastPath? _fast;
    private readonly DataViewRow? _featureRow;
    private readonly ValueGetter<VBuffer<float>>? _features;
    private readonly float[] _dense = [];
    private readonly int[] _positive = [];
    private VBuffer<float> _scoreBuffer;
    private VBuffer<float> _featureBuffer;

    internal PredictionSession(ITransformer model, DataViewSchema inputSchema, ModelOutputs outputs, TreeEnsembleFastPath? fast = null)
    {
        _input = new InputRow(inputSchema);
        if (fast is not null)
        {
            var featurizer = fast.Featurizer.GetRowToRowMapper(inputSchema);
            var column = featurizer.OutputSchema[fast.FeatureColumn];
            _featureRow = featurizer.GetRow(_input, [column]);
            _features = _featureRow.GetGetter<VBuffer<float>>(_featureRow.Schema[fast.FeatureColumn]);
            _dense = new float[fast.Trees.FeatureCount];
            _positive = new int[fast.Trees.FeatureCount];
            _fast = fast;
        }

        var mapper = model.GetRowToRowMapper(inputSchema);
        _outputs = outputs;
        var active = outputs.Active.Select(c => mapper.OutputSchema[c.Name]).ToList();
        _output = mapper.GetRow(_input, active);
        var schema = _output.Schema;
        if (outputs.Score is { } s)
        {
            if (outputs.ClassCount > 0)
            {
                _scores = _output.GetGetter<VBuffer<float>>(schema[s.Name]);
            }
            else
            {
                _score = _output.GetGetter<float>(schema[s.Name]);
            }
        }

        if (outputs.Probability is { } p)
        {
            _probability = _output.GetGetter<float>(schema[p.Name]);
        }

        if (outputs.Label is { } l)
        {
            var column = schema[l.Name];
            if (column.Type is KeyDataViewType && column.Type.RawType == typeof(uint))
            {
                _labelKey = _output.GetGetter<uint>(column);
            }
            else if (column.Type is TextDataViewType)
            {
                _labelText = _output.GetGetter<ReadOnlyMemory<char>>(column);
            }
            else if (column.Type is BooleanDataViewType)
            {
                _labelBoolean = _output.GetGetter<bool>(column);
            }
        }

        _classScores = new float[outputs.ClassCount];
    }

    /// <summary>The last prediction's scalar score (NaN for a multiclass model).</summary>
    public float Score { get; private set; } = float.NaN;

    /// <summary>The last prediction's probability (binary classifiers with calibration; NaN otherwise).</summary>
    public float Probability { get; private set; } = float.NaN;

    /// <summary>The last prediction's per-class scores (multiclass; empty otherwise).</summary>
    public ReadOnlySpan<float> ClassScores => _classScores;

    /// <summary>The last prediction's label as text (class name, <c>true</c>/<c>false</c>), or null when the model has none.</summary>
    public string? Label { get; private set; }

    internal InputRow Input => _input;

    /// <summary>Sets every input to missing (NaN, empty text, false).</summary>
    public void Clear()
    {
        Array.Fill(_input.Numbers, double.NaN);
        Array.Fill(_input.Texts, ReadOnlyMemory<char>.Empty);
        Array.Clear(_input.Booleans);
    }

    /// <summary>Sets a numeric input.</summary>
    public void SetNumber(InputColumn column, double value) => _input.Numbers[Checked(column).Index] = value;

    /// <summary>Sets a text input (null = missing).</summary>
    public void SetText(InputColumn column, string? value) => _input.Texts[Checked(column).Index] = value.AsMemory();

    /// <summary>Sets a boolean input.</summary>
    public void SetBoolean(InputColumn column, bool value) => _input.Booleans[Checked(column).Index] = value;

    /// <summary>Computes the prediction for the inputs set since the last call.</summary>
    public void Predict()
    {
        _input.Advance();
        if (_fast is not null && TryPredictCompiled(_fast))
        {
            return;
        }

        if (_score is not null)
        {
            var v = 0f;
            _score(ref v);
            Score = v;
        }

        if (_scores is not null)
        {
            _scores(ref _scoreBuffer);
            _scoreBuffer.CopyTo(_classScores);
        }

        if (_probability is not null)
        {
            var v = 0f;
            _probability(ref v);
            Probability = v;
        }

        Label = null;
        if (_labelKey is not null)
        {
            uint key = 0;
            _labelKey(ref key);
            Label = key == 0 ? null : _outputs.LabelNames is { } names && key <= names.Length ? names[key - 1] : (key - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (_labelText is not null)
        {
            ReadOnlyMemory<char> text = default;
            _labelText(ref text);
            Label = text.IsEmpty ? null : text.ToString();
        }
        else if (_labelBoolean is not null)
        {
            var b = false;
            _labelBoolean(ref b);
            Label = b ? "true" : "false";
        }
    }

    /// <summary>Writes the last prediction as a JSON object: <c>label</c>, then <c>score</c> and <c>probability</c>, or
    /// <c>scores</c> (class name → score, in the model's class order).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        if (_labelBoolean is not null)
        {
            writer.WriteBoolean("label", Label == "true");
        }
        else if (Label is not null)
        {
            writer.WriteString("label", Label);
        }
        else if (_outputs.Label is not null)
        {
            writer.WriteNull("label");
        }

        if (_scores is not null)
        {
            writer.WriteStartObject("scores");
            for (var c = 0; c < _classScores.Length; c++)
            {
                var name = _outputs.ClassNames?[c] ?? c.ToString(System.Globalization.CultureInfo.InvariantCulture);
                WriteNumber(writer, name, _classScores[c]);
            }

            writer.WriteEndObject();
        }
        else if (_score is not null)
        {
            WriteNumber(writer, "score", Score);
        }

        if (_probability is not null)
        {
            WriteNumber(writer, "probability", Probability);
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _output.Dispose();
        _featureRow?.Dispose();
    }

    /// <summary>Scores with the compiled trees; false (nothing set) when a feature is missing, which ML.NET then handles.</summary>
    private bool TryPredictCompiled(TreeEnsembleFastPath fast)
    {
        _features!(ref _featureBuffer);
        if (!fast.TryScore(_featureBuffer, _dense, _positive, out var score))
        {
            return false;
        }

        Score = score;
        if (fast.IsBinary)
        {
            Probability = fast.Probability(score);
            Label = score > fast.Threshold ? "true" : "false";
        }
        else
        {
            Label = null;
        }

        return true;
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private InputColumn Checked(InputColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Index < _input.Numbers.Length && _input.Schema[column.Index].Name == column.Name
            ? column
            : throw new ArgumentException($"Column '{column.Name}' is not an input of this model.", nameof(column));
    }
}
