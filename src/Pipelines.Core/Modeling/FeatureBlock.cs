namespace Pipelines;

/// <summary>
/// One block of a <see cref="CompiledFeaturizer"/>'s feature vector, computed from one raw value: a number or date part
/// (one slot) or a one-hot block of a text column (<see cref="SlotCount"/> slots, at most one of them hot).
/// </summary>
/// <param name="FirstSlot">The block's first slot in the vector.</param>
/// <param name="SlotCount">Its slots (0 for a one-hot block of a column whose dictionary the chain saw empty).</param>
/// <param name="IsOneHot">Whether it is a one-hot block.</param>
public readonly record struct FeatureBlock(int FirstSlot, int SlotCount, bool IsOneHot);
