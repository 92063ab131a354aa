using Pipelines.Tests.StatisticsGen;

namespace Pipelines.Tests.Serving;

public sealed class DirectoryHashTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Model(string name)
    {
        var directory = Directory.CreateDirectory(_temp.Combine(name, "sub")).Parent!.FullName;
        File.WriteAllBytes(Path.Combine(directory, "model.zip"), [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))]);
        File.WriteAllText(Path.Combine(directory, "sub", "input_schema.json"), "[]");
        return directory;
    }

    [Fact]
    public async Task ComputeAsync_SameContentElsewhere_SameHashAndSize()
    {
        var (a, sizeA) = await DirectoryHash.ComputeAsync(Model("a"), CancellationToken.None);
        var (b, sizeB) = await DirectoryHash.ComputeAsync(Model("b"), CancellationToken.None);
        Assert.Equal(a, b);
        Assert.Equal(5002, sizeA);
        Assert.Equal(sizeA, sizeB);
        Assert.Matches("^[0-9a-f]{64}$", a);
    }

    [Theory]
    [InlineData("byte")]
    [InlineData("truncate")]
    [InlineData("rename")]
    [InlineData("extra file")]
    public async Task ComputeAsync_AnyChange_ChangesTheHash(string change)
    {
        var directory = Model("m");
        var (before, _) = await DirectoryHash.ComputeAsync(directory, CancellationToken.None);
        var file = Path.Combine(directory, "model.zip");
        switch (change)
        {
            case "byte":
                var bytes = File.ReadAllBytes(file);
                bytes[2500] ^= 1;
                File.WriteAllBytes(file, bytes);
                break;
            case "truncate":
                File.WriteAllBytes(file, File.ReadAllBytes(file)[..4999]);
                break;
            case "rename":
                File.Move(file, Path.Combine(directory, "model2.zip"));
                break;
            default:
                File.WriteAllText(Path.Combine(directory, "extra"), "");
                break;
        }

        var (after, _) = await DirectoryHash.ComputeAsync(directory, CancellationToken.None);
        Assert.NotEqual(before, after);
    }
}
