namespace Pipelines.Serving;

/// <summary>Where the server finds model versions and how it verifies them.</summary>
public interface IModelSource
{
    /// <summary>The model names to serve.</summary>
    IReadOnlyList<string> ModelNames();

    /// <summary>The complete versions of <paramref name="name"/>, ascending.</summary>
    IReadOnlyList<int> Versions(string name);

    /// <summary>The directory of a version and its verified identity (the hash it must have).</summary>
    /// <exception cref="ModelLoadException">The version cannot be verified (refused; retried after a while).</exception>
    /// <exception cref="ModelNotReadyException">The version is not complete yet (retried at the next poll).</exception>
    Task<(string Directory, ModelIdentity Identity)> ResolveAsync(string name, int version, CancellationToken cancellationToken);

    /// <summary>For messages: where the models come from.</summary>
    string Describe();
}
