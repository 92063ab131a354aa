using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pipelines;

/// <summary>
/// Everything that decides an execution's result: component type and version, bound options, the content of every input
/// artifact, and the identity of external files. Its SHA-256 is the cache fingerprint; it is stored with the execution so a
/// cache miss can be explained against the previous execution of the same node (<see cref="ExplainDifferences"/>).
/// </summary>
/// <param name="ComponentType">The component's full type name.</param>
/// <param name="ComponentVersion">The component's <see cref="Component.Version"/>.</param>
/// <param name="OptionsJson">The bound options as canonical JSON.</param>
/// <param name="Inputs">Per input port, the content hashes of its artifacts in order.</param>
/// <param name="ExternalFiles">External files read.</param>
/// <param name="ExternalFacts">Facts resolved from them (span, version).</param>
/// <param name="CodeIdentity">For user-written components, the identity of the compiled code (assembly name and MVID, which a
/// deterministic build derives from the source): editing the code re-runs the node even without a version bump. Null for the
/// built-in components, whose <see cref="ComponentVersion"/> is bumped with every change in behaviour.</param>
public sealed record CacheKey(
    string ComponentType,
    string ComponentVersion,
    string OptionsJson,
    IReadOnlyList<CacheKeyInput> Inputs,
    IReadOnlyList<ExternalFile> ExternalFiles,
    IReadOnlyDictionary<string, string> ExternalFacts,
    string? CodeIdentity = null)
{
    /// <summary>The code identity of a component type: null for this product's own assemblies, else assembly name and MVID.</summary>
    public static string? CodeIdentityOf(Type componentType)
    {
        ArgumentNullException.ThrowIfNull(componentType);
        var assembly = componentType.Assembly;
        var name = assembly.GetName().Name ?? "";
        return name.StartsWith("Pipelines.", StringComparison.Ordinal) ? null : $"{name} {assembly.ManifestModule.ModuleVersionId:N}";
    }

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    /// <summary>The fingerprint: SHA-256 (hex) of the canonical JSON.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())));

    /// <summary>Canonical JSON (ports and facts sorted).</summary>
    public string ToJson() => JsonSerializer.Serialize(Canonical(), s_json);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static CacheKey FromJson(string json) =>
        JsonSerializer.Deserialize<CacheKey>(json, s_json) ?? throw new InvalidDataException("Empty cache key.");

    /// <summary>Why <paramref name="current"/> differs from <paramref name="previous"/>, one phrase per difference; empty when equal.</summary>
    public static IReadOnlyList<string> ExplainDifferences(CacheKey previous, CacheKey current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        var reasons = new List<string>();
        if (previous.ComponentType != current.ComponentType)
        {
            reasons.Add($"component type changed from {previous.ComponentType} to {current.ComponentType}");
        }

        if (previous.ComponentVersion != current.ComponentVersion)
        {
            reasons.Add($"component version changed from {previous.ComponentVersion} to {current.ComponentVersion}");
        }

        if (previous.CodeIdentity != current.CodeIdentity)
        {
            reasons.Add($"component code changed ({previous.CodeIdentity ?? "built-in"} -> {current.CodeIdentity ?? "built-in"})");
        }

        reasons.AddRange(ExplainOptions(previous.OptionsJson, current.OptionsJson));

        var before = previous.Inputs.ToDictionary(i => i.Port, StringComparer.Ordinal);
        var after = current.Inputs.ToDictionary(i => i.Port, StringComparer.Ordinal);
        foreach (var port in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var had = before.TryGetValue(port, out var b);
            var has = after.TryGetValue(port, out var a);
            if (had && !has)
            {
                reasons.Add($"input '{port}' is no longer present");
            }
            else if (!had && has)
            {
                reasons.Add($"input '{port}' is new");
            }
            else if (!b!.ContentHashes.SequenceEqual(a!.ContentHashes))
            {
                reasons.Add($"input '{port}' content changed");
            }
        }

        var oldFiles = previous.ExternalFiles.Select(Identity).ToDictionary(f => f.Path, StringComparer.Ordinal);
        var newFiles = current.ExternalFiles.Select(Identity).ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var path in oldFiles.Keys.Union(newFiles.Keys).Order(StringComparer.Ordinal))
        {
            var had = oldFiles.TryGetValue(path, out var o);
            var has = newFiles.TryGetValue(path, out var n);
            if (had && !has)
            {
                reasons.Add($"external file '{path}' is no longer read");
            }
            else if (!had && has)
            {
                reasons.Add($"external file '{path}' is new");
            }
            else if (o != n)
            {
                reasons.Add($"external file '{path}' changed ({Describe(o!)} -> {Describe(n!)})");
            }
        }

        foreach (var fact in previous.ExternalFacts.Keys.Union(current.ExternalFacts.Keys).Order(StringComparer.Ordinal))
        {
            previous.ExternalFacts.TryGetValue(fact, out var o);
            current.ExternalFacts.TryGetValue(fact, out var n);
            if (o != n)
            {
                reasons.Add($"{fact} changed from {o ?? "(none)"} to {n ?? "(none)"}");
            }
        }

        return reasons;
    }

    private static string Describe(ExternalFile f) => f.ContentHash is not null
        ? $"{f.Length} bytes, sha256 {f.ContentHash[..Math.Min(12, f.ContentHash.Length)]}"
        : $"{f.Length} bytes, modified {f.LastWriteTimeUtc:yyyy-MM-dd HH:mm:ss}Z";

    // With a content hash the modification time is noise: touching a file must not invalidate the cache.
    private static ExternalFile Identity(ExternalFile f) => f.ContentHash is null ? f : f with { LastWriteTimeUtc = default };

    private static IEnumerable<string> ExplainOptions(string previousJson, string currentJson)
    {
        if (previousJson == currentJson)
        {
            yield break;
        }

        Dictionary<string, JsonElement>? before = null;
        Dictionary<string, JsonElement>? after = null;
        try
        {
            before = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(previousJson);
            after = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(currentJson);
        }
        catch (JsonException)
        {
            // Options that are not a JSON object are compared whole below.
        }

        if (before is null || after is null)
        {
            yield return "options changed";
            yield break;
        }

        foreach (var name in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var o = before.TryGetValue(name, out var b) ? b.GetRawText() : "(unset)";
            var n = after.TryGetValue(name, out var a) ? a.GetRawText() : "(unset)";
            if (o != n)
            {
                yield return $"parameter '{name}' changed from {Shorten(o)} to {Shorten(n)}";
            }
        }
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";

    private CacheKey Canonical() => this with
    {
        Inputs = [.. Inputs.OrderBy(i => i.Port, StringComparer.Ordinal)],
        ExternalFiles = [.. ExternalFiles.Select(Identity)],
        ExternalFacts = new SortedDictionary<string, string>(ExternalFacts.ToDictionary(), StringComparer.Ordinal),
    };
}

/// <summary>The content hashes of one input port's artifacts.</summary>
/// <param name="Port">The port.</param>
/// <param name="ContentHashes">Hashes in artifact order.</param>
public sealed record CacheKeyInput(string Port, IReadOnlyList<string> ContentHashes);
