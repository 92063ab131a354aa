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
}
