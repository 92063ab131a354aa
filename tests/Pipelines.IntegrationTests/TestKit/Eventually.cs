namespace Pipelines.IntegrationTests.TestKit;

/// <summary>Waits for a condition with a deadline (never a fixed sleep), failing with a message that says what did not happen.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan deadline, Func<string> whatDidNotHappen)
    {
        var until = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"not within {deadline.TotalSeconds:0} s: {whatDidNotHappen()}");
            }

            await Task.Delay(50);
        }
    }
}
