using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Pipelines.Components;

/// <summary>
/// Writes an <see cref="IDataView"/> in ML.NET's binary format (<c>.idv</c>) with a deterministic block order, so the same
/// data always gives the same bytes, hence the same artifact content hash (a re-run Transform with unchanged output does not
/// re-run the Trainer).
/// </summary>
/// <remarks>
/// <c>mlContext.Data.SaveAsBinary</c> compresses blocks on several threads and writes them in completion order. The option
/// that orders them (<c>BinarySaver.Arguments.DeterministicBlockOrder</c>) is public but the saver type is internal, so it is
/// reached by reflection, pinned by a test (Transform writes identical bytes twice). Should a later ML.NET rename it, the
/// writer falls back to <c>SaveAsBinary</c> (correct data, bytes that may differ between runs) and says so.
/// </remarks>
internal static class IdvWriter
{
    private static readonly Lazy<Func<MLContext, Stream, IDataView, bool>?> s_save = new(CreateSaver);

    /// <summary>Saves the visible columns of <paramref name="data"/>; returns false when the deterministic writer was not
    /// available and the default one was used.</summary>
    public static bool Save(MLContext mlContext, IDataView data, Stream stream)
    {
        if (s_save.Value is { } save && save(mlContext, stream, data))
        {
            return true;
        }

        mlContext.Data.SaveAsBinary(data, stream, keepHidden: false);
        return false;
    }

    private static Func<MLContext, Stream, IDataView, bool>? CreateSaver()
    {
        var saverType = typeof(MLContext).Assembly.GetType("Microsoft.ML.Data.IO.BinarySaver");
        var argumentsType = saverType?.GetNestedType("Arguments", BindingFlags.Public);
        var ordered = argumentsType?.GetField("DeterministicBlockOrder", BindingFlags.Public | BindingFlags.Instance);
        // Deflate compression is most of the write time and the files are scratch-like intermediate data: store blocks raw.
        var compression = argumentsType?.GetField("Compression", BindingFlags.Public | BindingFlags.Instance);
        var constructor = saverType?.GetConstructor([typeof(IHostEnvironment), argumentsType!]);
        var saveData = saverType?.GetMethod("SaveData", [typeof(Stream), typeof(IDataView), typeof(int[])]);
        if (argumentsType is null || ordered is null || constructor is null || saveData is null)
        {
            return null;
        }

        return (ml, stream, data) =>
        {
            var arguments = Activator.CreateInstance(argumentsType)!;
            ordered.SetValue(arguments, true);
            if (compression is { FieldType.IsEnum: true } && Enum.GetNames(compression.FieldType).Contains("None"))
            {
                compression.SetValue(arguments, Enum.Parse(compression.FieldType, "None"));
            }

            var saver = constructor.Invoke([ml, arguments]);
            var columns = Enumerable.Range(0, data.Schema.Count).Where(i => !data.Schema[i].IsHidden).ToArray();
            try
            {
                saveData.Invoke(saver, [stream, data, columns]);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            }

            return true;
        };
    }
}
