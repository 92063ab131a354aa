using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines;

/// <summary>
/// <c>push.json</c> beside a pushed model (<see cref="PushLayout"/>): which model artifact it is, the content hash the metadata
/// store recorded for it, and where it came from. Written before the version directory is renamed into place, so a version
/// directory that exists always has a complete manifest.
/// </summary>
/// <param name="ModelName">The served model's name.</param>
/// <param name="Version">The version (positive, only increasing per model name).</param>
/// <param name="ModelArtifactId">The <see cref="Model"/> artifact pushed.</param>
/// <param name="ModelContentHash">Its content hash (<see cref="DirectoryHash"/>) as recorded in the metadata store.</param>
/// <param name="Pipeline">The pipeline that trained it.</param>
/// <param name="RunId">The run that pushed it (for a rollback, the run that first pushed the model), when known.</param>
/// <param name="BlessingArtifactId">The Evaluator blessing that allowed the push, when known.</param>
/// <param name="InfraBlessingArtifactId">The InfraValidator blessing, when one was wired.</param>
/// <param name="Action"><c>push</c> or <c>rollback</c>.</param>
/// <param name="RolledBackFromVersion">For a rollback: the earlier version re-pushed.</param>
/// <param name="PushedAtUtc">When.</param>
public sealed record PushManifest(
    string ModelName,
    int Version,
    long ModelArtifactId,
    string ModelContentHash,
    string Pipeline,
    long? RunId,
    long? BlessingArtifactId,
    long? InfraBlessingArtifactId,
    string Action,
    int? RolledBackFromVersion,
    DateTime PushedAtUtc)
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "push.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads the manifest of a version directory.</summary>
    /// <exception cref="InvalidDataException">Missing or unreadable, with the path and the reason.</exception>
    public static async Task<PushManifest> ReadAsync(string versionDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(versionDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"'{path}' is missing: not a complete pushed model version.");
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<PushManifest>(stream, s_json, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"'{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid push manifest: {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest into <paramref name="versionDirectory"/>.</summary>
    public async Task WriteAsync(string versionDirectory, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(Path.Combine(versionDirectory, FileName));
        await JsonSerializer.SerializeAsync(stream, this, s_json, cancellationToken).ConfigureAwait(false);
    }
}
