namespace Pipelines;

/// <summary>A pipeline definition is invalid: the message names the node, the port and what was expected.</summary>
public sealed class PipelineDefinitionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PipelineDefinitionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PipelineDefinitionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PipelineDefinitionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
