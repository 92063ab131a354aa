using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>Builds the <see cref="PreprocessingContext"/> from the schema and checks it against a split's columns.</summary>
internal static class PreprocessingContextFactory
{
    /// <summary>The label and feature columns of <paramref name="schema"/>: features are all columns but the label and the
    /// skipped ones; numbers and timestamps are numeric features, strings text features.</summary>
    public static PreprocessingContext Create(DataSchema schema)
    {
        var numeric = new List<string>();
        var text = new List<string>();
        foreach (var feature in schema.Features)
        {
            if (feature.Skip || string.Equals(feature.Name, schema.LabelColumn, StringComparison.Ordinal))
            {
                continue;
            }

            (feature.Type == FeatureType.String ? text : numeric).Add(feature.Name);
        }

        return new PreprocessingContext(schema, schema.LabelColumn, numeric, text);
    }

    /// <summary>Checks that every column the context uses (label and features) is in the split with the kind the schema says.</summary>
    /// <exception cref="DataValidationException">A column is missing or of another kind; names the column, the schema type,
    /// the data kind and the split.</exception>
    public static void CheckColumns(PreprocessingContext context, ColumnManifest manifest, string split, string splitDirectory)
    {
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        foreach (var column in manifest.Columns)
        {
            kinds[column.Name] = column.Kind;
        }

        var problems = new List<string>();
        foreach (var feature in context.Schema.Features)
        {
            var used = !feature.Skip || string.Equals(feature.Name, context.LabelColumn, StringComparison.Ordinal);
            if (!used)
            {
                continue;
            }

            var expected = ExpectedKind(feature.Type);
            var role = string.Equals(feature.Name, context.LabelColumn, StringComparison.Ordinal) ? "label" : "feature";
            if (!kinds.TryGetValue(feature.Name, out var actual))
            {
                problems.Add($"{role} column '{feature.Name}' (schema type {Describe(feature.Type)}) is missing from the data");
            }
            else if (actual != expected)
            {
                problems.Add($"{role} column '{feature.Name}' has schema type {Describe(feature.Type)} but the data holds {actual.ToString().ToLowerInvariant()} values");
            }
        }

        if (problems.Count > 0)
        {
            throw new DataValidationException(
                $"Split '{split}' ('{splitDirectory}') does not match the schema: {string.Join("; ", problems)}. Columns in the data: {string.Join(", ", manifest.Columns.Select(c => $"{c.Name} ({c.Kind.ToString().ToLowerInvariant()})"))}. " +
                "Fix the schema (or mark the column 'skip': true), or re-run ExampleGen on data that has the column.");
        }
    }

    private static ColumnKind ExpectedKind(FeatureType type) => type switch
    {
        FeatureType.String => ColumnKind.Text,
        FeatureType.Timestamp => ColumnKind.Timestamp,
        _ => ColumnKind.Numeric,
    };

    private static string Describe(FeatureType type) => $"'{type.ToString().ToLowerInvariant()}'";
}
