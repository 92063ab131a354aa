using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Validation;

/// <summary>
/// The data schema: what every column should look like, written by SchemaGen to <c>schema.json</c> of a <see cref="Schema"/>
/// artifact, or curated by hand as <c>schemas/&lt;pipeline&gt;.schema.json</c>. The format is documented with an example in
/// <c>schemas/README.md</c>.
/// </summary>
/// <remarks>
/// JSON: <c>{"source":"inferred","features":[{"name","type","presence","domain","range","drift","skip"}...],"labelColumn":"Species",
/// "task":"classification","datasetConstraints":{...}}</c>. Reading is strict: unknown members, a missing <c>name</c> or
/// <c>type</c>, and inconsistent values (see <see cref="Validate"/>) are errors; comments and trailing commas are allowed.
/// </remarks>
/// <param name="Features">The expected columns.</param>
/// <param name="LabelColumn">The label column (must be one of <paramref name="Features"/>), or null.</param>
/// <param name="Task">What the label is for, or null.</param>
/// <param name="DatasetConstraints">Row-count change limits against the previous span, or null.</param>
public sealed record DataSchema(
    IReadOnlyList<FeatureSchema> Features,
    string? LabelColumn = null,
    LearningTask? Task = null,
    DatasetConstraints? DatasetConstraints = null)
{
    /// <summary>The file name inside a <see cref="Schema"/> artifact.</summary>
    public const string FileName = "schema.json";

    /// <summary>Where the schema came from, as SchemaGen records it in its output (null = unknown, e.g. a schema written before
    /// this member existed). ExampleValidator warns when it is <see cref="SchemaSource.Inferred"/>: such a schema was inferred from
    /// the data it validates. In a curated file the member is optional and ignored: SchemaGen records <c>curated</c> for any
    /// schema it reads from the curated file. Written first in the JSON so a reader sees it at once.</summary>
    [JsonPropertyOrder(-1)]
    public SchemaSource? Source { get; init; }

    /// <summary>The feature named <paramref name="name"/>, or null.</summary>
    public FeatureSchema? FindFeature(string name)
    {
        foreach (var f in Features)
        {
            if (string.Equals(f.Name, name, StringComparison.Ordinal))
            {
                return f;
            }
        }

        return null;
    }

    /// <summary>The schema as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ValidationJson.Default);

    /// <summary>Parses and validates schema JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Names the origin in error messages (a file path).</param>
    /// <exception cref="DataValidationException">The JSON does not parse or the schema is inconsistent; the message names
    /// <paramref name="source"/>, the line and position, and what to fix.</exception>
    public static DataSchema Parse(string json, string source = "schema")
    {
        ArgumentNullException.ThrowIfNull(json);
        json = json.TrimStart('\uFEFF');
        DataSchema? schema;
        try
        {
            schema = JsonSerializer.Deserialize<DataSchema>(json, ValidationJson.Strict);
        }
        catch (JsonException e)
        {
            throw new DataValidationException(
                $"The schema '{source}' cannot be read: {ValidationJson.Describe(e)}. Fix the file (the format is in schemas/README.md), or delete a curated schema to infer one again.",
                e);
        }

        if (schema is null)
        {
            throw new DataValidationException($"The schema '{source}' holds null. Write a schema object (the format is in schemas/README.md).");
        }

        var problems = schema.Validate();
        if (problems.Count > 0)
        {
            throw new DataValidationException(
                $"The schema '{source}' is invalid:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}{Environment.NewLine}The format is in schemas/README.md.");
        }

        return schema;
    }

    /// <summary>Loads and validates a schema file (a curated schema or an artifact's <c>schema.json</c>).</summary>
    /// <exception cref="DataValidationException">The file does not parse or is inconsistent; the message names the file.</exception>
    public static DataSchema Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path, Encoding.UTF8), path);
    }

    /// <summary>Loads and validates a schema file.</summary>
    public static async Task<DataSchema> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        return Parse(json, path);
    }

    /// <summary>Loads the schema of an artifact.</summary>
    public static Task<DataSchema> LoadAsync(Schema artifact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return LoadAsync(artifact.FilePath, cancellationToken);
    }

    /// <summary>Writes the schema as indented JSON (the starting point of a curated schema).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, ToJson() + Environment.NewLine, new UTF8Encoding(false));
    }

    /// <summary>Writes the schema as indented JSON.</summary>
    public Task SaveAsync(string path, CancellationToken cancellationToken) => ValidationJson.SaveAsync(this, path, cancellationToken);

    /// <summary>The inconsistencies of this schema, one phrase each (empty when valid): duplicate or empty names, a fraction
    /// outside [0, 1], a range with min &gt; max, a domain on a non-string feature, a drift measure that does not fit the type,
    /// negative thresholds, an unknown label.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Features.Count; i++)
        {
            var f = Features[i];
            var at = string.IsNullOrWhiteSpace(f.Name) ? $"features[{i}]" : $"feature '{f.Name}'";
            if (string.IsNullOrWhiteSpace(f.Name))
            {
                problems.Add($"{at}: 'name' is empty.");
            }
            else if (!names.Add(f.Name))
            {
                problems.Add($"{at}: listed twice; keep one entry per column.");
            }

            if (f.Presence is { } p && (double.IsNaN(p.MinFraction) || p.MinFraction < 0 || p.MinFraction > 1))
            {
                problems.Add($"{at}: presence.minFraction is {p.MinFraction}; use a value from 0 to 1 (1 = required).");
            }

            if (f.Domain is not null && f.Type != FeatureType.String)
            {
                problems.Add($"{at}: a domain is only allowed for type 'string' (this feature is '{JsonNamingPolicy.CamelCase.ConvertName(f.Type.ToString())}'); use 'range' for numbers.");
            }

            if (f.Range is not null && f.Type is not (FeatureType.Int or FeatureType.Float))
            {
                problems.Add($"{at}: a range is only allowed for types 'int' and 'float'.");
            }

            if (f.Range is { Min: { } min, Max: { } max } && min > max)
            {
                problems.Add($"{at}: range.min {min} is greater than range.max {max}.");
            }

            if (f.Drift is { } d && (d.LInfinity < 0 || d.JensenShannon < 0))
            {
                problems.Add($"{at}: drift thresholds must not be negative.");
            }

            if (f.Drift is { LInfinity: not null } && f.Type != FeatureType.String)
            {
                problems.Add($"{at}: drift.lInfinity applies to 'string' features only; use drift.jensenShannon for numbers.");
            }

            if (f.Drift is { JensenShannon: not null } && f.Type == FeatureType.String)
            {
                problems.Add($"{at}: drift.jensenShannon applies to numeric and timestamp features; use drift.lInfinity for strings.");
            }
        }

        if (LabelColumn is not null && !names.Contains(LabelColumn))
        {
            problems.Add($"labelColumn '{LabelColumn}' is not one of the features; add it to 'features' or fix the name.");
        }

        if (Task is not null && LabelColumn is null)
        {
            problems.Add("task is set but labelColumn is not; name the label column.");
        }

        if (DatasetConstraints is { } c && (c.MaxRelativeSizeChange < 0 || c.MaxAbsoluteSizeChange < 0))
        {
            problems.Add("datasetConstraints: limits must not be negative.");
        }

        return problems;
    }
}
