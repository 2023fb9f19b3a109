using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Platform.Tests;

namespace Platform.Intake.Tests;

/// <summary>Intake on a clock the test sets, so appeals are registered in hours the test chooses.</summary>
public sealed class ClockedIntakeFactory() : ServiceFactory<Program>("intakedb")
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 50, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public static string Tenant(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
}

public sealed class Appeal_figures(ClockedIntakeFactory intake) : IClassFixture<ClockedIntakeFactory>
{
    private static object Appeal(string channel) => new
    {
        channel,
        caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", email = "maria@example.org", language = "ru" },
        insured = new { policyNumber = "TRV-2026-000117", fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
        location = new { country = "TR", city = "Antalya" },
        description = "Stomach ache for two days",
    };

    private async Task RegisterAsync(HttpClient client, params string[] channels)
    {
        foreach (var channel in channels)
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/appeals", Appeal(channel))).StatusCode);
    }

    private static Dictionary<string, long> Counts(JsonElement channels) =>
        channels.EnumerateArray().ToDictionary(c => c.GetProperty("channel").GetString()!, c => c.GetProperty("appeals").GetInt64());

    [Fact]
    public async Task Count_the_tenants_appeals_per_utc_hour_and_channel_with_totals_per_channel()
    {
        var tenant = ClockedIntakeFactory.Tenant("figures");
        var coordinator = intake.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        var supervisor = intake.ClientFor(tenant, "supervisor-olga", "staff", "supervisor");
        // 09:50 UTC: two calls and a chat; 10:20: a call and two e-mails; 12:05: an SMS. Another insurer's appeal at 10:20.
        intake.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 9, 50, 0, TimeSpan.Zero));
        await RegisterAsync(coordinator, "phone", "phone", "chat");
        intake.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 10, 20, 0, TimeSpan.Zero));
        await RegisterAsync(coordinator, "email", "phone", "email");
        var other = ClockedIntakeFactory.Tenant("figures-other");
        await RegisterAsync(intake.ClientFor(other), "phone");
        intake.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 12, 5, 0, TimeSpan.Zero));
        await RegisterAsync(coordinator, "sms");
        intake.Clock.Advance(TimeSpan.FromMinutes(1));

        // The default period is the last 24 hours.
        var response = await supervisor.GetAsync("/appeals/figures");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var figures = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 6, 0, TimeSpan.Zero), figures.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 12, 6, 0, TimeSpan.Zero), figures.GetProperty("to").GetDateTimeOffset());
        Assert.Equal(7, figures.GetProperty("total").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["phone"] = 3, ["email"] = 2, ["chat"] = 1, ["sms"] = 1 }, Counts(figures.GetProperty("channels")));
        Assert.Equal("phone", figures.GetProperty("channels")[0].GetProperty("channel").GetString());
        var hours = figures.GetProperty("hours").EnumerateArray().ToArray();
        Assert.Equal(
            [new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero)],
            hours.Select(h => h.GetProperty("hour").GetDateTimeOffset()).ToArray());
        Assert.Equal([3L, 3L, 1L], hours.Select(h => h.GetProperty("appeals").GetInt64()).ToArray());
        Assert.Equal(new Dictionary<string, long> { ["phone"] = 2, ["chat"] = 1 }, Counts(hours[0].GetProperty("channels")));
        Assert.Equal(new Dictionary<string, long> { ["email"] = 2, ["phone"] = 1 }, Counts(hours[1].GetProperty("channels")));
        Assert.Equal(new Dictionary<string, long> { ["sms"] = 1 }, Counts(hours[2].GetProperty("channels")));

        // A period given in another zone: 13:00-15:00 Moscow time is 10:00-12:00 UTC, the 10 o'clock hour only.
        var window = await supervisor.GetFromJsonAsync<JsonElement>(
            "/appeals/figures?from=2026-03-02T13:00:00%2B03:00&to=2026-03-02T15:00:00%2B03:00");
        Assert.Equal(3, window.GetProperty("total").GetInt64());
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), window.GetProperty("hours").EnumerateArray().Single().GetProperty("hour").GetDateTimeOffset());

        // Each insurer sees its own appeals only.
        var theirs = await intake.ClientFor(other, "supervisor-ivan", "staff", "supervisor").GetFromJsonAsync<JsonElement>("/appeals/figures");
        Assert.Equal(1, theirs.GetProperty("total").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["phone"] = 1 }, Counts(theirs.GetProperty("channels")));
        var nobody = await intake.ClientFor(ClockedIntakeFactory.Tenant("figures-none"), "supervisor-ivan", "staff", "supervisor")
            .GetFromJsonAsync<JsonElement>("/appeals/figures");
        Assert.Equal(0, nobody.GetProperty("total").GetInt64());
        Assert.Equal(0, nobody.GetProperty("hours").GetArrayLength());

        // Figures are for supervisors: a coordinator and an insurer's key are refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.GetAsync("/appeals/figures")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await intake.ClientFor(tenant, "key", "insurer", "insurer").GetAsync("/appeals/figures")).StatusCode);
    }

    [Theory]
    [InlineData("from=2026-03-02T10:00:00Z&to=2026-03-02T10:00:00Z", "from")]
    [InlineData("from=2026-03-02T12:00:00Z&to=2026-03-02T10:00:00Z", "from")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:01Z", "to")]
    public async Task Reject_a_period_that_is_empty_backwards_or_longer_than_31_days_naming_the_field(string query, string field)
    {
        var response = await intake.ClientFor(ClockedIntakeFactory.Tenant("figures-bad"), "supervisor-olga", "staff", "supervisor")
            .GetAsync($"/appeals/figures?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemTypes.Validation, problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public async Task Accept_exactly_31_days()
    {
        var response = await intake.ClientFor(ClockedIntakeFactory.Tenant("figures-month"), "supervisor-olga", "staff", "supervisor")
            .GetAsync("/appeals/figures?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
