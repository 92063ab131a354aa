namespace Pipelines.Tests.Execution;

public sealed class CacheKeyTests
{
    private static CacheKey Key(string options = """{"a":1,"b":"x"}""", string version = "1", string hash = "h1",
        ExternalFile? file = null, Dictionary<string, string>? facts = null) =>
        new("Comp", version, options, [new CacheKeyInput("examples", [hash])],
            file is null ? [] : [file], facts ?? new Dictionary<string, string>());

    [Fact]
    public void Fingerprint_SameInputs_IsStableAndIgnoresPortAndFactOrder()
    {
        var a = new CacheKey("C", "1", "{}", [new CacheKeyInput("x", ["1"]), new CacheKeyInput("y", ["2"])], [],
            new Dictionary<string, string> { ["span"] = "1", ["version"] = "2" });
        var b = new CacheKey("C", "1", "{}", [new CacheKeyInput("y", ["2"]), new CacheKeyInput("x", ["1"])], [],
            new Dictionary<string, string> { ["version"] = "2", ["span"] = "1" });
        Assert.Equal(a.Fingerprint(), b.Fingerprint());
        Assert.Equal(64, a.Fingerprint().Length);
        Assert.Equal(a.Fingerprint(), CacheKey.FromJson(a.ToJson()).Fingerprint());
    }

    [Fact]
    public void Fingerprint_AnyPartChanges_Differs()
    {
        var baseKey = Key();
        Assert.NotEqual(baseKey.Fingerprint(), Key(version: "2").Fingerprint());
        Assert.NotEqual(baseKey.Fingerprint(), Key(options: """{"a":2,"b":"x"}""").Fingerprint());
        Assert.NotEqual(baseKey.Fingerprint(), Key(hash: "h2").Fingerprint());
        Assert.NotEqual(baseKey.Fingerprint(), Key(file: new ExternalFile("/d.csv", 10, DateTime.UnixEpoch)).Fingerprint());
        Assert.NotEqual(baseKey.Fingerprint(), Key(facts: new() { ["span"] = "2" }).Fingerprint());
    }

    [Fact]
    public void Fingerprint_FileTouchedButSameContentHash_Unchanged()
    {
        var before = Key(file: new ExternalFile("/d.csv", 10, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), "abc"));
        var after = Key(file: new ExternalFile("/d.csv", 10, new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), "abc"));
        Assert.Equal(before.Fingerprint(), after.Fingerprint());
        Assert.Empty(CacheKey.ExplainDifferences(before, after));
    }

    [Fact]
    public void Fingerprint_FileWithoutHashTouched_Differs()
    {
        var before = Key(file: new ExternalFile("/d.csv", 10, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        var after = Key(file: new ExternalFile("/d.csv", 10, new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.NotEqual(before.Fingerprint(), after.Fingerprint());
    }

    [Fact]
    public void ExplainDifferences_NamesParameterVersionInputFileAndFact()
    {
        var before = Key(file: new ExternalFile("/d.csv", 10, DateTime.UnixEpoch, "aaaa"), facts: new() { ["span"] = "1" });
        var after = Key(options: """{"a":1,"b":"y"}""", version: "2", hash: "h2",
            file: new ExternalFile("/d.csv", 12, DateTime.UnixEpoch, "bbbb"), facts: new() { ["span"] = "2" });
        var reasons = CacheKey.ExplainDifferences(before, after);
        Assert.Contains("component version changed from 1 to 2", reasons);
        Assert.Contains("parameter 'b' changed from \"x\" to \"y\"", reasons);
        Assert.Contains("input 'examples' content changed", reasons);
        Assert.Contains(reasons, r => r.StartsWith("external file '/d.csv' changed (10 bytes", StringComparison.Ordinal));
        Assert.Contains("span changed from 1 to 2", reasons);
        Assert.Equal(5, reasons.Count);
    }

    [Fact]
    public void ExplainDifferences_NewExternalFile_SaysNew()
    {
        var before = Key();
        var after = Key(file: new ExternalFile("/new.csv", 1, DateTime.UnixEpoch, "x"));
        Assert.Equal(["external file '/new.csv' is new"], CacheKey.ExplainDifferences(before, after));
    }
}
