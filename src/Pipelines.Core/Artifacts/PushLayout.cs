using System.Globalization;

namespace Pipelines;

/// <summary>
/// The layout of a push destination, shared by the Pusher, the <c>rollback</c> verb and the model server (TensorFlow Serving's
/// base-path/name/version convention):
/// <code>
/// &lt;destination&gt;/&lt;model-name&gt;/&lt;version&gt;/model/     an exact copy of the Model artifact directory (model.zip, input_schema.json, ...)
/// &lt;destination&gt;/&lt;model-name&gt;/&lt;version&gt;/push.json  the <see cref="PushManifest"/>
/// </code>
/// Versions are positive integers that only increase. A version is written under a temporary name starting with <c>.</c>
/// and renamed into place when complete, so a reader never sees half a version.
/// </summary>
public static class PushLayout
{
    /// <summary>The model files' folder inside a version directory.</summary>
    public const string ModelFolder = "model";

    /// <summary>The directory of one model name.</summary>
    public static string ModelDirectory(string destination, string modelName) => Path.Combine(destination, CheckName(modelName));

    /// <summary>The directory of one version.</summary>
    public static string VersionDirectory(string destination, string modelName, int version) =>
        Path.Combine(ModelDirectory(destination, modelName), version.ToString(CultureInfo.InvariantCulture));

    /// <summary>The complete versions of a model name, ascending (temporary directories are not versions).</summary>
    public static IReadOnlyList<int> Versions(string destination, string modelName)
    {
        var directory = ModelDirectory(destination, modelName);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(directory)
            .Select(Path.GetFileName)
            .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : 0)
            .Where(v => v > 0)
            .Order()];
    }

    /// <summary>The model names under a destination (folders holding at least one version).</summary>
    public static IReadOnlyList<string> ModelNames(string destination) =>
        !Directory.Exists(destination) ? []
        : [.. Directory.EnumerateDirectories(destination)
            .Select(d => Path.GetFileName(d)!)
            .Where(n => IsUsableName(n) && Versions(destination, n).Count > 0)
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Publishes a version: <paramref name="fill"/> writes the content into a temporary directory, which is then renamed to the
    /// next free version number. Concurrent publishers never share a number (the rename fails if the version exists, and the
    /// next number is tried).
    /// </summary>
    /// <returns>The version number and its directory.</returns>
    public static async Task<(int Version, string Directory)> PublishAsync(
        string destination, string modelName, Func<string, int, Task> fill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fill);
        var modelDirectory = ModelDirectory(destination, modelName);
        Directory.CreateDirectory(modelDirectory);
        var temporary = Path.Combine(modelDirectory, $".incoming-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var version = (Versions(destination, modelName).LastOrDefault()) + 1;

                // The manifest names the version, so the content is (re)written for the number about to be claimed.
                await fill(temporary, version).ConfigureAwait(false);
                var target = VersionDirectory(destination, modelName, version);
                try
                {
                    Directory.Move(temporary, target);
                    return (version, target);
                }
                catch (IOException) when (Directory.Exists(target) && attempt < 100)
                {
                    // Another publisher took this number first: take the next one.
                }
            }
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    /// <summary>Copies a directory tree.</summary>
    public static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destinationFile = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destinationFile)!);
            File.Copy(file, destinationFile, overwrite: true);
        }
    }

    /// <summary>Whether a folder name can be a model name (others, like <c>lost+found</c>, are not models and are skipped).</summary>
    public static bool IsUsableName(string modelName) =>
        !string.IsNullOrEmpty(modelName) && !modelName.StartsWith('.') &&
        modelName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string CheckName(string modelName)
    {
        if (!IsUsableName(modelName))
        {
            throw new ArgumentException($"Model name '{modelName}' is not usable as a folder name: use letters, digits, '-', '_' or '.', not starting with '.'.", nameof(modelName));
        }

        return modelName;
    }
}
