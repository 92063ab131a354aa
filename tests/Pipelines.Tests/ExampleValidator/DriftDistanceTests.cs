using Pipelines.Validation;

namespace Pipelines.Tests.ExampleValidator;

public sealed class DriftDistanceTests
{
    [Fact]
    public void LInfinity_ShiftedShares_IsLargestShareChange()
    {
        // current a:b = 3:1 → 0.75/0.25; baseline 1:1 → 0.5/0.5; both move by 0.25.
        var d = DriftDistance.LInfinity([new("a", 3), new("b", 1)], [new("a", 1), new("b", 1)], out var worst);

        Assert.Equal(0.25, d, 12);
        Assert.Equal("a", worst);
    }

    [Fact]
    public void LInfinity_NewAndVanishedValues_CountAsZeroShareOnTheOtherSide()
    {
        // current a 0.2, c 0.8; baseline a 0.6, b 0.4: |0.2-0.6| = 0.4, |0-0.4| = 0.4, |0.8-0| = 0.8.
        var d = DriftDistance.LInfinity([new("a", 1), new("c", 4)], [new("a", 3), new("b", 2)], out var worst);

        Assert.Equal(0.8, d, 12);
        Assert.Equal("c", worst);
    }

    [Fact]
    public void LInfinity_SameShares_IsZero() =>
        Assert.Equal(0, DriftDistance.LInfinity([new("a", 2), new("b", 6)], [new("b", 3), new("a", 1)]), 12);

    [Fact]
    public void JensenShannon_IdenticalHistograms_IsZero() =>
        Assert.Equal(0, DriftDistance.JensenShannon([new(0, 1, 5), new(1, 2, 5)], [new(0, 1, 50), new(1, 2, 50)]), 12);

    [Fact]
    public void JensenShannon_DisjointSupports_IsOne() =>
        Assert.Equal(1, DriftDistance.JensenShannon([new(0, 1, 5)], [new(2, 3, 7)]), 12);

    [Fact]
    public void JensenShannon_SameBucketsDifferentMass_MatchesHandComputedValue()
    {
        // p = (0.5, 0.5), q = (0.25, 0.75), m = (0.375, 0.625):
        // JS = ½[0.5 log2(0.5/0.375) + 0.5 log2(0.5/0.625)] + ½[0.25 log2(0.25/0.375) + 0.75 log2(0.75/0.625)] = 0.0487949...
        var js = DriftDistance.JensenShannon([new(0, 1, 1), new(1, 2, 1)], [new(0, 1, 1), new(1, 2, 3)]);

        Assert.Equal(0.048794940695398, js, 12);
    }

    [Fact]
    public void JensenShannon_HalfOverlappingBuckets_AlignsOnUnionBoundariesToOneHalf()
    {
        // Cells [0,.5), [.5,1), [1,1.5): p = (.5, .5, 0), q = (0, .5, .5), m = (.25, .5, .25) → JS = ½·½·1 + ½·½·1 = 0.5.
        var js = DriftDistance.JensenShannon([new(0, 1, 10)], [new(0.5, 1.5, 4)]);

        Assert.Equal(0.5, js, 12);
    }

    [Fact]
    public void JensenShannon_OneWideBucketVersusTwoNarrowEvenOnes_IsZero() =>
        Assert.Equal(0, DriftDistance.JensenShannon([new(0, 2, 2)], [new(0, 1, 1), new(1, 2, 1)]), 12);

    [Fact]
    public void JensenShannon_SamePointMass_IsZero() =>
        Assert.Equal(0, DriftDistance.JensenShannon([new(3, 3, 10)], [new(3, 3, 2)]), 12);
}
