namespace Pipelines.Hosting;

/// <summary>A command-line or configuration mistake: printed as one line, exit code 2.</summary>
internal sealed class HostUsageException : Exception
{
    public HostUsageException(string message) : base(message)
    {
    }

    public HostUsageException()
    {
    }

    public HostUsageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
