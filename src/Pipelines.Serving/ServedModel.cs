using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Serving;

/// <summary>
/// One loaded, verified model version: the ML.NET transform + model chain, its input columns, and a pool of
/// <see cref="PredictionSession"/>s (a session is single-threaded; the pool grows to the number of concurrent requests).
/// Immutable once loaded, so the server swaps whole instances when a new version arrives.
/// </summary>
public sealed class ServedModel
{
    /// <summary>The model file inside a model directory.</summary>
    public const string ModelFileName = "model.zip";

    /// <summary>The raw-column description the Trainer writes beside the model.</summary>
    public const string InputSchemaFileName = "input_schema.json";

    private readonly ITransformer _model;
    private readonly DataViewSchema _inputSchema;
    private readonly ModelOutputs _outputs;
    private readonly InstanceReader _reader;
    private readonly ConcurrentBag<PredictionSession> _pool = [];
    private readonly TreeEnsembleFastPath? _fast;

    private ServedModel(ModelIdentity identity, string directory, ITransformer model, DataViewSchema inputSchema, IReadOnlyList<InputColumn> columns, ModelOutputs outputs)
    {
        _fast = TreeEnsembleFastPath.TryCreate(model, inputSchema, out var reason);
        Scoring = _fast is not null ? "compiled trees (verified against ML.NET at load)" : $"ML.NET ({reason})";
        Identity = identity;
        Directory = directory;
        _model = model;
        _inputSchema = inputSchema;
        Columns = columns;
        _outputs = outputs;
        _reader = new InstanceReader(columns);
    }

    /// <summary>How predictions are computed: compiled trees, or ML.NET and why.</summary>
    public string Scoring { get; }

    /// <summary>Name, version, artifact and hash.</summary>
    public ModelIdentity Identity { get; }

    /// <summary>The folder the model was loaded from.</summary>
    public string Directory { get; }

    /// <summary>The raw input columns a request instance supplies.</summary>
    public IReadOnlyList<InputColumn> Columns { get; }

    /// <summary>Multiclass: the class names in score order (null otherwise or when the model does not name them).</summary>
    public IReadOnlyList<string>? ClassNames => _outputs.ClassNames;

    /// <summary>
    /// Verifies <paramref name="directory"/> against <paramref name="identity"/>'s content hash, loads it and runs one
    /// prediction to prove it works.
    /// </summary>
    /// <exception cref="ModelLoadException">The hash differs, the files are missing or unreadable, or it is not a predictor.</exception>
    public static async Task<ServedModel> LoadAsync(string directory, ModelIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var file = Path.Combine(directory, ModelFileName);
        if (!File.Exists(file))
        {
            throw new ModelLoadException($"'{file}' does not exist: a model directory holds the {ModelFileName} the Trainer wrote.");
        }

        var (hash, _) = await DirectoryHash.ComputeAsync(directory, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(hash, identity.ContentHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException(
                $"'{directory}' has sha256 {hash[..16]}..., but the metadata store recorded {identity.ContentHash[..Math.Min(16, identity.ContentHash.Length)]}... for model artifact {identity.ArtifactId}: the files were changed or truncated after training. Refusing to serve it; push the model again.");
        }

        ITransformer model;
        DataViewSchema inputSchema;
        try
        {
            var ml = new MLContext(seed: 0);

            // Custom mappings in the chain (DateParts, the user's own) need their assemblies registered with ML.NET: the pipeline
            // program (where a user's preprocessing usually lives), the preprocessing's own (named by the model's
            // preprocessing.json: it may be a class library) and Pipelines.Core's, registered by ModelLoader.
            if (Assembly.GetEntryAssembly() is { } entry)
            {
                ml.ComponentCatalog.RegisterAssembly(entry);
            }

            model = ModelLoader.Load(ml, file, out inputSchema, [.. ModelLoader.PreprocessingTypes(directory)]);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // A model file is untrusted input (truncated, tampered, from another version): any failure to read it is a refusal.
            throw new ModelLoadException($"'{file}' cannot be loaded as an ML.NET model: {e.Message}", e);
        }

        try
        {
            var columns = await ReadColumnsAsync(directory, inputSchema, cancellationToken).ConfigureAwait(false);
            var outputs = ModelOutputs.Of(model.GetOutputSchema(inputSchema));
            var served = new ServedModel(identity, directory, model, inputSchema, columns, outputs);

            // A model whose chain cannot run (a custom mapping whose code is missing) fails here, not on the first request.
            var session = served.Rent();
            session.Clear();
            session.Predict();
            served.Return(session);
            return served;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or JsonException)
        {
            throw new ModelLoadException($"The model in '{directory}' cannot make predictions: {e.Message}", e);
        }
    }

    /// <summary>A session from the pool (or a new one); give it back with <see cref="Return"/>.</summary>
    public PredictionSession Rent() => _pool.TryTake(out var session) ? session : new PredictionSession(_model, _inputSchema, _outputs, _fast);

    /// <summary>Returns a session to the pool.</summary>
    public void Return(PredictionSession session) => _pool.Add(session);

    /// <summary>The input column named <paramref name="name"/>.</summary>
    public InputColumn Column(string name) => Columns.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"The model has no input column '{name}'. Columns: {string.Join(", ", Columns.Select(c => c.Name))}.", nameof(name));

    /// <summary>Predicts every instance of a JSON array and writes the predictions as a JSON array.</summary>
    /// <exception cref="RequestValidationException">An instance does not fit the model (nothing is written then).</exception>
    public void Predict(JsonElement instances, int maxInstances, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (instances.ValueKind != JsonValueKind.Array)
        {
            throw new RequestValidationException("\"instances\" must be a JSON array of objects {\"column\": value, ...}.");
        }

        var count = instances.GetArrayLength();
        if (count == 0)
        {
            throw new RequestValidationException("\"instances\" is empty: send at least one instance.");
        }

        if (count > maxInstances)
        {
            throw new RequestValidationException($"\"instances\" has {count} instances, more than the limit of {maxInstances} per request (serve --max-instances): split the request.");
        }

        var session = Rent();
        try
        {
            // Validate every instance before writing, so a bad instance gives a clean 400 rather than half an answer.
            var index = 0;
            foreach (var instance in instances.EnumerateArray())
            {
                _reader.Read(instance, index++, session);
            }

            writer.WriteStartArray();
            index = 0;
            foreach (var instance in instances.EnumerateArray())
            {
                _reader.Read(instance, index++, session);
                session.Predict();
                session.WriteJson(writer);
            }

            writer.WriteEndArray();
        }
        finally
        {
            Return(session);
        }
    }

    private static async Task<IReadOnlyList<InputColumn>> ReadColumnsAsync(string directory, DataViewSchema schema, CancellationToken cancellationToken)
    {
        var described = Path.Combine(directory, InputSchemaFileName);
        Dictionary<string, bool>? required = null;
        if (File.Exists(described))
        {
            await using var stream = File.OpenRead(described);
            using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            required = json.RootElement.EnumerateArray().ToDictionary(
                e => e.GetProperty("Name").GetString() ?? "",
                e => !e.TryGetProperty("Required", out var r) || r.ValueKind != JsonValueKind.False,
                StringComparer.Ordinal);
        }

        var columns = new List<InputColumn>();
        foreach (var column in schema.Where(c => !c.IsHidden))
        {
            var raw = column.Type.RawType;
            var kind = column.Type is TextDataViewType ? InputKind.Text
                : column.Type is BooleanDataViewType ? InputKind.Boolean
                : raw == typeof(double) || raw == typeof(float) ? InputKind.Number
                : throw new InvalidOperationException($"input column '{column.Name}' has type {column.Type}, which requests cannot supply (numbers, text and booleans can).");

            // Columns the Trainer's description does not list (or lists as optional, like the label) may be left out.
            columns.Add(new InputColumn(column.Name, column.Index, kind, column.Type, required is null || required.GetValueOrDefault(column.Name)));
        }

        return columns;
    }
}
