namespace Pipelines.IntegrationTests.TestKit;

/// <summary>Which metadata provider a scenario runs on.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}
