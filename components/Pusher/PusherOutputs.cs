namespace Pipelines.Components;

/// <summary>The outputs of a <see cref="Pusher"/> node.</summary>
/// <param name="PushedModel">Port <c>pushed_model</c>: what was pushed, or why nothing was.</param>
public sealed record PusherOutputs(Channel<PushedModel> PushedModel);
