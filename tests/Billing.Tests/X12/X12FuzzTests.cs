using Platform.Billing.X12;

namespace Platform.Billing.Tests.X12;

public class X12FuzzTests
{
    private const string Alphabet = "*:^~\n\r ABCHILNPRSVXZ0123456789.-";

    [Theory]
    [InlineData("837p-three-claims.x12", 1)]
    [InlineData("837i-two-claims.x12", 2)]
    public void Hundreds_of_random_mutations_of_a_sample_give_errors_and_never_an_exception(string sample, int seed)
    {
        var original = X12Samples.Read(sample);
        var random = new Random(seed);
        var refused = 0;
        for (var i = 0; i < 400; i++)
        {
            var text = Mutate(original, random, 1 + random.Next(4));
            Claim837Result result;
            try
            {
                result = Claim837.Parse(text, X12Samples.Tenant, X12Samples.ReceivedAt);
            }
            catch (Exception ex)
            {
                Assert.Fail($"mutation {i} threw {ex}\n{text}");
                return;
            }
            Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
            if (result.Errors.Count > 0) refused++;
        }
        Assert.True(refused > 200, $"only {refused} of 400 mutations were found wrong");
    }

    private static string Mutate(string text, Random random, int times)
    {
        for (var t = 0; t < times && text.Length > 0; t++)
        {
            var at = random.Next(text.Length);
            var segments = text.Split("~\n").ToList();
            text = random.Next(7) switch
            {
                0 => text.Remove(at, 1),
                1 => text.Insert(at, Alphabet[random.Next(Alphabet.Length)].ToString()),
                2 => text[..at] + Alphabet[random.Next(Alphabet.Length)] + text[(at + 1)..],
                3 => text[..at],
                4 => Join(segments, s => s.RemoveAt(random.Next(s.Count))),
                5 => Join(segments, s => s.Insert(random.Next(s.Count), s[random.Next(s.Count)])),
                _ => Join(segments, s => (s[random.Next(s.Count)], s[random.Next(s.Count)]) = (s[random.Next(s.Count)], s[random.Next(s.Count)])),
            };
        }
        return text;
    }

    private static string Join(List<string> segments, Action<List<string>> change)
    {
        change(segments);
        return string.Join("~\n", segments);
    }
}
