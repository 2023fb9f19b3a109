using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

/// <summary>
/// The service's copy of each case's cover, from Cases' pictures arriving together (one batch, applied in set-based
/// statements): the highest version wins whatever the order, a later picture replaces the benefits, and a picture
/// without a city keeps the one known.
/// </summary>
public sealed class Case_covers(ClinicsFactory clinics) : IClassFixture<ClinicsFactory>
{
    private static CaseCoverageChanged Picture(string tenant, Guid caseId, string number, long version, string? city, params BenefitCover[] benefits) =>
        new(tenant, caseId, number, new InsuredIdentity("POL-1", $"Insured v{version}", new DateOnly(1956, 4, 12)), benefits, version,
            DateTimeOffset.UtcNow, city is null ? null : new AppealLocation("US", city, null));

    private static BenefitCover Medical(decimal limit) => new(Gop.Medical, limit, "usd", 0, 0);

    [Fact]
    public async Task Published_together_keep_the_latest_picture_of_each_case()
    {
        const string tenant = "cover-batch";
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        CaseCoverageChanged[] pictures =
        [
            Picture(tenant, a, "2026-000901", 1, "Tampa", Medical(10_000m), new BenefitCover("dental", 500m, "USD", 0, 0)),
            Picture(tenant, b, "2026-000902", 2, "Miami", Medical(20_000m)),
            Picture(tenant, a, "2026-000901", 3, null, Medical(30_000m), new BenefitCover(" Medical-Expenses ", 1m, "USD", 0, 0)),
            Picture(tenant, b, "2026-000902", 1, "Orlando", Medical(5_000m)), // older than the one kept: changes nothing
            Picture(tenant, a, "2026-000901", 2, "Denver", Medical(15_000m)), // older than v3, arriving after it
            Picture(tenant, c, "2026-000903", 1, null),
        ];
        var ids = pictures.Select(_ => Guid.NewGuid()).ToArray();
        var bus = clinics.Services.GetRequiredService<IBus>();
        for (var i = 0; i < pictures.Length; i++) await bus.Publish(pictures[i], ctx => ctx.MessageId = ids[i]);

        await Eventually.True(async () => await clinics.CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = ANY(@ids)",
            ("ids", ids)) == pictures.Length, TimeSpan.FromSeconds(15), "every picture is handled");

        Task<long> Count(string where, params (string, object)[] args) =>
            clinics.CountAsync($"SELECT count(*) FROM case_covers WHERE tenant_id = '{tenant}' AND {where}", args);
        Assert.Equal(1, await Count("case_id = @id AND version = 3 AND insured_name = 'Insured v3' AND city = 'Tampa'", ("id", a)));
        Assert.Equal(1, await Count("case_id = @id AND version = 2 AND insured_name = 'Insured v2' AND city = 'Miami'", ("id", b)));
        Assert.Equal(1, await Count("case_id = @id AND version = 1 AND city IS NULL", ("id", c)));
        Assert.Equal(3, await Count("true"));

        var benefits = await clinics.CountAsync("""
            SELECT count(*) FROM case_cover_benefits WHERE tenant_id = @tenant AND
              ((case_id = @a AND benefit = 'medical-expenses' AND limit_amount = 30000 AND currency = 'USD')
               OR (case_id = @b AND benefit = 'medical-expenses' AND limit_amount = 20000))
            """, ("tenant", tenant), ("a", a), ("b", b));
        Assert.Equal(2, benefits);
        // The dental benefit of a's first picture is gone with it; c has none; a's second "medical" line is the same benefit.
        Assert.Equal(2, await clinics.CountAsync("SELECT count(*) FROM case_cover_benefits WHERE tenant_id = @tenant", ("tenant", tenant)));
    }
}
