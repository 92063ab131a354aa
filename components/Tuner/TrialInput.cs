using System.Text.Json;

namespace Pipelines.Components;

/// <summary>What one trial subtask receives: the Trainer's input artifacts, the option overrides and the iterations.</summary>
/// <param name="Inputs">Input artifacts by Trainer port.</param>
/// <param name="Overrides">Algorithm option values to try.</param>
/// <param name="Iterations">Boosting iterations.</param>
/// <param name="Metric">The eval metric to report.</param>
/// <param name="Deadline">When the Tuner's time budget ends (UTC): a trial not started by then does not start, one running
/// then is stopped (LightGBM's C API engine checks after every iteration). Null = no budget.</param>
internal sealed record TrialInput(
    IReadOnlyDictionary<string, ArtifactReference> Inputs,
    IReadOnlyDictionary<string, JsonElement> Overrides,
    int Iterations,
    string Metric,
    DateTimeOffset? Deadline = null);

/// <summary>An artifact passed by reference to another process.</summary>
/// <param name="Type">Stored type name.</param>
/// <param name="Id">Artifact id.</param>
/// <param name="Uri">Its directory.</param>
/// <param name="ContentHash">Its content hash.</param>
/// <param name="Properties">Its properties.</param>
internal sealed record ArtifactReference(string Type, long Id, string Uri, string? ContentHash, IReadOnlyDictionary<string, JsonElement> Properties)
{
    public static ArtifactReference Of(Artifact a) => new(a.TypeName, a.Id, a.Uri, a.ContentHash, a.Properties);

    public Artifact ToArtifact() => Artifact.Create(ArtifactTypes.Resolve(Type), Id, Uri, Properties, ContentHash);
}

/// <summary>What a trial returns.</summary>
/// <param name="Value">The eval metric.</param>
/// <param name="Iterations">Iterations actually trained (early stopping may stop sooner).</param>
internal sealed record TrialOutput(double Value, int? Iterations);
