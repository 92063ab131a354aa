namespace Pipelines.Components;

/// <summary>The outputs of an <see cref="InfraValidator"/> node.</summary>
/// <param name="Blessing">Port <c>blessing</c>: whether the model served correctly and fast enough, and if not why.</param>
public sealed record InfraValidatorOutputs(Channel<InfraBlessing> Blessing);
