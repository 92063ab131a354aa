using Pipelines.Serving;

namespace Pipelines.Tests.Serving;

/// <summary>Which listen addresses count as loopback (anything else needs an API key).</summary>
public sealed class ModelServerLoopbackTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8501")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("https://127.0.0.1:443")]
    [InlineData("http://127.1.2.3:8501")]
    [InlineData("http://localhost:8501")]
    [InlineData("http://LOCALHOST:8501")]
    [InlineData("http://[::1]:8501")]
    public void IsLoopback_LoopbackAddress_IsTrue(string url) => Assert.True(ModelServer.IsLoopback(url));

    [Theory]
    [InlineData("http://0.0.0.0:8501")]
    [InlineData("http://*:8501")]
    [InlineData("http://+:8501")]
    [InlineData("http://[::]:8501")]
    [InlineData("http://192.168.1.20:8501")]
    [InlineData("http://10.0.0.1:8501")]
    [InlineData("http://models.example.com:8501")]
    [InlineData("http://localhost.example.com:8501")]
    [InlineData("http://127.0.0.1.example.com:8501")]
    [InlineData("http://loopback:8501")] // resolves to loopback, but Kestrel binds any such host name to all interfaces
    [InlineData("http://LOOPBACK:8501")]
    [InlineData("not a url")]
    [InlineData("")]
    public void IsLoopback_AnythingElse_IsFalse(string url) => Assert.False(ModelServer.IsLoopback(url));
}
