using System.Text.Json;
using Microsoft.ML;

namespace Pipelines;

/// <summary>
/// Loads ML.NET model files written by Transform and Trainer: registers the assemblies whose custom mappings the model may
/// use (Pipelines.Core's own, plus the user's preprocessing assembly when given) before loading, as ML.NET requires.
/// </summary>
public static class ModelLoader
{
    /// <summary>Loads a model and its input schema.</summary>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema, params Type[] userTypes)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(userTypes);
        mlContext.ComponentCatalog.RegisterAssembly(typeof(ModelLoader).Assembly);
        foreach (var type in userTypes)
        {
            mlContext.ComponentCatalog.RegisterAssembly(type.Assembly);
        }

        using var stream = File.OpenRead(path);
        return mlContext.Model.Load(stream, out inputSchema);
    }

    /// <summary>
    /// The user's preprocessing type a model or transform graph directory names, to pass to <see cref="Load"/>: the
    /// <paramref name="typeName"/> given (a model's <c>preprocessing_type</c> property), else the <c>AssemblyQualifiedName</c> of
    /// the <see cref="PreprocessingFileName"/> Transform writes and the Trainer copies next to the model. None when neither names
    /// a type this process can load: loading then says which custom mapping is missing.
    /// </summary>
    public static IEnumerable<Type> PreprocessingTypes(string directory, string? typeName = null)
    {
        var described = Path.Combine(directory, PreprocessingFileName);
        if (typeName is null && File.Exists(described))
        {
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllText(described));
                typeName = json.RootElement.TryGetProperty("AssemblyQualifiedName", out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : null;
            }
            catch (JsonException)
            {
                // A description we cannot read only means its assembly is not pre-registered; loading says what is missing.
            }
        }

        if (typeName is not null && Type.GetType(typeName, throwOnError: false) is { } type)
        {
            yield return type;
        }
    }

    /// <summary>The file describing the preprocessing (its type, among others) in a transform graph's and a model's directory.</summary>
    public const string PreprocessingFileName = "preprocessing.json";
}
