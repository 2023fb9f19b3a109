using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Cases.Tests;

public sealed class CasesFactory() : ServiceFactory<Program>("casesdb")
{
    /// <summary>Publishes as Intake's outbox relay would, with an explicit message id (a redelivery reuses it).</summary>
    public Task PublishAsync(AppealRegistered appeal, Guid messageId) =>
        Services.GetRequiredService<IBus>().Publish(appeal, ctx => ctx.MessageId = messageId);

    /// <summary>An appeal about <paramref name="fullName"/>, whose policy number is derived from the name.</summary>
    public Task PublishAsync<T>(T message) where T : class => Services.GetRequiredService<IBus>().Publish(message);

    public static AppealRegistered Appeal(string tenant, string fullName = "Pyotr Ivanov") => new(
        Guid.CreateVersion7(), tenant, "phone", "urgent", ["default for the phone channel"],
        new AppealCaller("Maria Ivanova", "relative", "+7 916 555-01-02", null, "ru", false),
        new InsuredIdentity($"TRV-{fullName.GetHashCode():X8}", fullName, new DateOnly(1956, 4, 12)),
        new AppealLocation("US", "Orlando", null),
        "Father admitted with chest pain", new DateOnly(2026, 11, 20),
        new CoverageResult("covered", [], new PolicyTerms($"TRV-{fullName.GetHashCode():X8}", "Comfort", new DateOnly(2026, 11, 1),
            new DateOnly(2026, 11, 30), ["WORLD"], [new CoverLimit("medical-expenses", 50_000m, "USD")], null, ["illness", "accident"], [], null)),
        DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow);
}
