using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Serving;

namespace Pipelines.IntegrationTests.Serving;

/// <summary>The model server in process, over the penguin model the fixture's run trained: bad requests, tampered models, exposure.</summary>
[Collection(ServingCollection.Name)]
public sealed class ModelServerTests(PenguinCliFixture penguin)
{
    private const string ApiKey = "test-api-key-0123456789abcdef";

    private static readonly ServingOptions Loopback = new() { Urls = ["http://127.0.0.1:0"] };

    private Task<ModelServer> StartAsync(ServingOptions options, string? directory = null, string? hash = null) =>
        ModelServer.StartAsync(options, new DirectoryModelSource("penguin", directory ?? penguin.Model.Uri, penguin.Model.Id, hash ?? penguin.Model.ContentHash!),
            _ => { }, TimeProvider.System, CancellationToken.None);

    private static string BaseUrl(ModelServer server) =>
        server.Addresses.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal);

    private static JsonObject Good() => PenguinServing.Instances(1)[0].Instance;

    private static JsonObject Changed(Action<JsonObject> change)
    {
        var instance = Good();
        change(instance);
        return instance;
    }

    private static string With(Action<JsonObject> change) => PenguinServing.Body([Changed(change)]);

    private static (string Body, string[] Expected) Malformed(string what) => what switch
    {
        "bad JSON" => ("""{"instances": [{"island": "Biscoe",""", ["not valid JSON"]),
        "missing column" => (With(i => i.Remove("sex")), ["instances[0] has no column 'sex'", "which the model needs"]),
        "wrong type" => (With(i => i["body_mass_g"] = "heavy"), ["instances[0].body_mass_g is a JSON string", "\"heavy\"", "the column is number"]),
        "boolean for a text column" => (With(i => i["island"] = true), ["instances[0].island is a JSON boolean", "the column is text"]),
        "unknown column" => (With(i => i["wing_span_mm"] = 3), ["instances[0] has column 'wing_span_mm'", "which the model does not take"]),
        "too many instances" => (PenguinServing.Body(Enumerable.Repeat(Good(), 1001)), ["1001 instances", "limit of 1000"]),
        "a bad second instance" => (PenguinServing.Body([Good(), Changed(i => { i["gender"] = i["sex"]?.DeepClone(); i.Remove("sex"); })]), ["instances[1] has column 'gender'"]),
        "instance not an object" => ("""{"instances": [42]}""", ["instances[0] is a JSON number", "must be an object"]),
        "no instances" => ("""{"instances": []}""", ["\"instances\" is empty"]),
        "no instances property" => ("""{"inputs": [{}]}""", ["the body must be a JSON object {\"instances\""]),
        "empty body" => ("", ["the body is empty"]),
        _ => throw new ArgumentOutOfRangeException(nameof(what), what, null),
    };

    [Theory]
    [InlineData("bad JSON")]
    [InlineData("missing column")]
    [InlineData("wrong type")]
    [InlineData("boolean for a text column")]
    [InlineData("unknown column")]
    [InlineData("too many instances")]
    [InlineData("a bad second instance")]
    [InlineData("instance not an object")]
    [InlineData("no instances")]
    [InlineData("no instances property")]
    [InlineData("empty body")]
    public async Task Predict_MalformedRequest_Is400NamingTheColumnOrReasonAndTheServerKeepsAnswering(string what)
    {
        var (body, expected) = Malformed(what);
        await using var server = await StartAsync(Loopback);
        var url = BaseUrl(server);
        using var http = new HttpClient();
        using (var content = new StringContent(body, Encoding.UTF8, "application/json"))
        using (var response = await http.PostAsync($"{url}/v1/models/penguin:predict", content))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: HTTP {(int)response.StatusCode} {text}");
            var error = JsonNode.Parse(text)!["error"]!.GetValue<string>();
            Assert.All(expected, e => Assert.Contains(e, error));
        }

        var (status, good) = await PenguinServing.PredictAsync(http, url, "penguin", PenguinServing.Body([Good()]));
        Assert.True(status == 200, good.ToString());
        PenguinServing.AssertPenguinPrediction(good.GetProperty("predictions")[0]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Predict_10MegabyteBody_Is400WithTheLimitWhetherOrNotTheLengthIsDeclared(bool declaredLength)
    {
        await using var server = await StartAsync(Loopback);
        var url = BaseUrl(server);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var bytes = Encoding.UTF8.GetBytes("{\"instances\": [" + new string(' ', 10 * 1024 * 1024) + "]}");
        using HttpContent content = declaredLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using (var response = await http.PostAsync($"{url}/v1/models/penguin:predict", content))
        {
            Assert.Equal(declaredLength, content.Headers.ContentLength is not null);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"HTTP {(int)response.StatusCode} {text}");
            Assert.Contains("more than the limit of 4194304 bytes", text);
        }

        var (status, good) = await PenguinServing.PredictAsync(http, url, "penguin", PenguinServing.Body([Good()]));
        Assert.True(status == 200, good.ToString());
    }

    [Theory]
    [InlineData("a changed byte")]
    [InlineData("truncated")]
    public async Task StartAsync_ModelFilesDifferFromTheRecordedHash_RefusesToServeWithTheHashReason(string damage)
    {
        using var temp = new TempDirectory();
        var copy = Path.Combine(temp.Path, "model");
        PushLayout.CopyDirectory(penguin.Model.Uri, copy);
        var file = Path.Combine(copy, ServedModel.ModelFileName);
        var bytes = await File.ReadAllBytesAsync(file);
        if (damage == "truncated")
        {
            bytes = bytes[..(bytes.Length / 2)];
        }
        else
        {
            bytes[bytes.Length / 2] ^= 0x5A;
        }

        await File.WriteAllBytesAsync(file, bytes);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(Loopback, copy));
        Assert.Contains("No model version could be loaded", error.Message);
        Assert.Contains($"has sha256 {(await DirectoryHash.ComputeAsync(copy, CancellationToken.None)).Hash[..16]}", error.Message);
        Assert.Contains($"recorded {penguin.Model.ContentHash![..16]}", error.Message);
        Assert.Contains("changed or truncated", error.Message);
    }

    [Fact]
    public async Task StartAsync_IntactCopyOfTheModel_LoadsBecauseTheHashCoversContentNotLocation()
    {
        using var temp = new TempDirectory();
        var copy = Path.Combine(temp.Path, "elsewhere");
        PushLayout.CopyDirectory(penguin.Model.Uri, copy);
        await using var server = await StartAsync(Loopback, copy);
        Assert.Equal(penguin.Model.ContentHash, server.Registry.Get("penguin")!.Identity.ContentHash);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://[::]:0")]
    public async Task StartAsync_BeyondLoopbackWithoutApiKey_IsRefusedBeforeListening(string url)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new ServingOptions { Urls = ["http://127.0.0.1:0", url] }));
        Assert.Contains(url, error.Message);
        Assert.Contains("set an API key", error.Message);
    }

    [Fact]
    public async Task Serve_BeyondLoopbackWithoutApiKey_ExitsWithCode2AndSaysWhy()
    {
        var result = await CliProcess.RunAsync("penguin", penguin.Folder, new Dictionary<string, string> { ["PIPELINES_API_KEY"] = "" }, "serve", "--urls", "http://0.0.0.0:0");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("set an API key", result.Error);
        Assert.DoesNotContain("ready:", result.Output);
    }

    [Fact]
    public async Task Predict_WithApiKeyBeyondLoopback_401WithoutOrWithAWrongKeyAnd200WithIt()
    {
        await using var server = await StartAsync(new ServingOptions { Urls = ["http://0.0.0.0:0"], ApiKey = ApiKey });
        var url = BaseUrl(server);
        using var http = new HttpClient();
        var body = PenguinServing.Body([Good()]);

        async Task<(HttpStatusCode Status, string Text)> SendAsync(HttpMethod method, string path, Action<HttpRequestHeaders>? headers)
        {
            using var request = new HttpRequestMessage(method, url + path);
            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            headers?.Invoke(request.Headers);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        const string predict = "/v1/models/penguin:predict";
        var none = await SendAsync(HttpMethod.Post, predict, null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Contains("API key", none.Text);
        Assert.DoesNotContain("predictions", none.Text);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Post, predict, h => h.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey + "x"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Post, predict, h => h.Add("X-Api-Key", ApiKey[..^1]))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/v1/models/penguin", null)).Status);

        var bearer = await SendAsync(HttpMethod.Post, predict, h => h.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey));
        Assert.True(bearer.Status == HttpStatusCode.OK, bearer.Text);
        Assert.Contains("predictions", bearer.Text);
        var header = await SendAsync(HttpMethod.Post, predict, h => h.Add("X-Api-Key", ApiKey));
        Assert.True(header.Status == HttpStatusCode.OK, header.Text);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/v1/models/penguin", h => h.Add("X-Api-Key", ApiKey))).Status);

        // Health checks (load balancers) need no key and reveal no predictions.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/healthz", null)).Status);
    }

    /// <summary>A stream whose length is unknown, so HttpClient sends it chunked (no Content-Length).</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
