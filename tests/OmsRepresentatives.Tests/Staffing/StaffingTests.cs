using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.OmsRepresentatives.Staffing;
using Platform.OmsRepresentatives.Tests.Reports;
using Platform.OmsRepresentatives.Tests.Service;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.OmsRepresentatives.Tests.Staffing;

[Collection(OmsService.Name)]
public sealed class StaffingTests(OmsFactory service)
{
    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static JsonElement Tier(JsonElement staffing, int tier) =>
        staffing.GetProperty("tiers").EnumerateArray().Single(t => t.GetProperty("tier").GetInt32() == tier);

    private static void AssertTier(JsonElement staffing, int tier, int norm, long needed, decimal onRoster, decimal gap)
    {
        var t = Tier(staffing, tier);
        Assert.Equal(norm, t.GetProperty("norm").GetInt32());
        Assert.Equal(needed, t.GetProperty("needed").GetInt64());
        Assert.Equal(onRoster, t.GetProperty("onRoster").GetDecimal());
        Assert.Equal(gap, t.GetProperty("gap").GetDecimal());
    }

    private static string Message(JsonElement staffing, int tier) => Tier(staffing, tier).GetProperty("message").GetString()!.Replace('\u00A0', ' ');

    [Fact]
    public async Task Counts_the_representatives_needed_by_the_seeds_norms_against_the_active_roster_of_the_tenant_only()
    {
        var tenant = OmsFactory.Tenant("staff");
        var other = OmsFactory.Tenant("staff-other");
        await new OmsRows(service, tenant).ManyInsuredAsync(100_000);
        await new OmsRows(service, other).ManyInsuredAsync(500);
        using var configure = service.Staff(tenant, "oms-supervisor");
        foreach (var (id, name, tier, fte, active) in new[]
                 {
                     ("rep-1", "Смирнова Анна", 1, 1m, true), ("rep-2", "Кузнецов Илья", 1, 0.5m, true),
                     ("rep-3", "Попова Ольга", 2, 1m, true), ("rep-4", "Волков Сергей", 3, 1m, false),
                 })
            await Json(await configure.PutAsJsonAsync($"/staffing/roster/{id}", new { name, tier, fte, active }), HttpStatusCode.Created);
        using var otherClient = service.Staff(other, "oms-supervisor");
        await Json(await otherClient.PutAsJsonAsync("/staffing/roster/rep-1", new { name = "Чужой", tier = 3, fte = 1.5m }), HttpStatusCode.Created);

        var staffing = await Json(await configure.GetAsync("/staffing"));

        Assert.Equal(100_000, staffing.GetProperty("insured").GetInt64());
        Assert.Equal(JsonValueKind.Null, staffing.GetProperty("normsUpdatedAt").ValueKind);
        // 100 000 / 41 000 = 2.44 → 3; 100 000 / 35 000 = 2.86 → 3; 100 000 / 142 000 = 0.70 → 1. The inactive tier-3 member does not count.
        AssertTier(staffing, 1, 41_000, 3, 1.5m, 1.5m);
        AssertTier(staffing, 2, 35_000, 3, 1m, 2m);
        AssertTier(staffing, 3, 142_000, 1, 0m, 1m);
        Assert.Equal("Страховые представители 1-го уровня: на 100 000 застрахованных по норме (1 на 41 000) требуется 3, " +
                     "в штате 1,5 ставки — не хватает 1,5 ставки.", Message(staffing, 1));
        Assert.EndsWith("в штате 1 ставка — не хватает 2 ставок.", Message(staffing, 2));
        Assert.EndsWith("в штате 0 ставок — не хватает 1 ставки.", Message(staffing, 3));

        var others = await Json(await otherClient.GetAsync("/staffing"));
        Assert.Equal(500, others.GetProperty("insured").GetInt64());
        AssertTier(others, 3, 142_000, 1, 1.5m, -0.5m);
        Assert.EndsWith("в штате 1,5 ставки — сверх нормы 0,5 ставки.", Message(others, 3));
    }

    [Fact]
    public async Task Changed_norms_change_the_figures_of_that_tenant_and_answer_with_them()
    {
        var tenant = OmsFactory.Tenant("norms");
        await new OmsRows(service, tenant).ManyInsuredAsync(60_000);
        using var client = service.Staff(tenant, "oms-supervisor");
        await Json(await client.PutAsJsonAsync("/staffing/roster/a", new { name = "Андреева", tier = 2, fte = 1m }), HttpStatusCode.Created);
        await Json(await client.PutAsJsonAsync("/staffing/roster/b", new { name = "Борисов", tier = 2, fte = 1m }), HttpStatusCode.Created);

        var before = Instant(service.Clock.GetUtcNow());
        var changed = await Json(await client.PutAsJsonAsync("/staffing/norms", new { tier1 = 20_000, tier2 = 30_000, tier3 = 100_000 }));

        AssertTier(changed, 1, 20_000, 3, 0m, 3m);
        AssertTier(changed, 2, 30_000, 2, 2m, 0m);
        AssertTier(changed, 3, 100_000, 1, 0m, 1m);
        Assert.EndsWith("в штате 2 ставки — штат укомплектован по норме.", Message(changed, 2));
        Assert.Equal(before, Instant(changed.GetProperty("normsUpdatedAt").GetDateTimeOffset()));
        AssertTier(await Json(await client.GetAsync("/staffing")), 1, 20_000, 3, 0m, 3m);

        // Another tenant keeps the seed's norms.
        using var other = service.Staff(OmsFactory.Tenant("norms-other"), "oms-supervisor");
        var untouched = await Json(await other.GetAsync("/staffing"));
        AssertTier(untouched, 1, 41_000, 0, 0m, 0m);
        Assert.EndsWith("представители этого уровня по норме не требуются.", Message(untouched, 1));
    }

    private static long Instant(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000;

    [Fact]
    public async Task The_roster_is_added_to_changed_listed_and_removed_per_tenant()
    {
        var tenant = OmsFactory.Tenant("roster");
        using var client = service.Staff(tenant, "oms-supervisor");
        var created = await client.PutAsJsonAsync("/staffing/roster/rep-7", new { name = " Егорова Нина ", tier = 1, fte = 0.75m });
        var member = await Json(created, HttpStatusCode.Created);
        Assert.Equal("/staffing/roster/rep-7", created.Headers.Location?.OriginalString);
        Assert.Equal("Егорова Нина", member.GetProperty("name").GetString());
        Assert.True(member.GetProperty("active").GetBoolean());

        var changed = await Json(await client.PutAsJsonAsync("/staffing/roster/rep-7", new { name = "Егорова Нина", tier = 2, fte = 1m, active = false }));
        Assert.Equal(2, changed.GetProperty("tier").GetInt32());
        Assert.Equal(1m, changed.GetProperty("fte").GetDecimal());
        Assert.False(changed.GetProperty("active").GetBoolean());
        await Json(await client.PutAsJsonAsync("/staffing/roster/rep-8", new { name = "Зайцев Олег", tier = 2, fte = 0.5m }), HttpStatusCode.Created);

        var roster = await Json(await client.GetAsync("/staffing/roster"));
        Assert.Equal(["rep-7", "rep-8"], roster.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        AssertTier(await Json(await client.GetAsync("/staffing")), 2, 35_000, 0, 0.5m, -0.5m);

        // Another tenant sees none of it and cannot remove it: exactly as if it did not exist.
        using var other = service.Staff(OmsFactory.Tenant("roster-other"), "oms-supervisor");
        Assert.Empty((await Json(await other.GetAsync("/staffing/roster"))).EnumerateArray());
        await ProblemAssert.IsProblemAsync(await other.DeleteAsync("/staffing/roster/rep-7"), HttpStatusCode.NotFound, ProblemTypes.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/staffing/roster/rep-8")).StatusCode);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync("/staffing/roster/rep-8"), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.Equal(["rep-7"], (await Json(await client.GetAsync("/staffing/roster"))).EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Bad_norms_and_members_are_refused_naming_each_field_and_nothing_is_saved()
    {
        var tenant = OmsFactory.Tenant("staff-bad");
        using var client = service.Staff(tenant, "oms-supervisor");

        var norms = await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/staffing/norms", new { tier1 = 0, tier3 = 2_000_000 }), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["tier1", "tier2", "tier3"], norms.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM staffing_norms WHERE tenant_id = @t", ("t", tenant)));

        var member = await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/staffing/roster/bad%20id!", new { name = " ", tier = 4, fte = 1.555m }), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["fte", "id", "name", "tier"], member.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        var tooMuch = await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/staffing/roster/rep-1", new { name = "Иванов", tier = 1, fte = 1.6m }), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["fte"], tooMuch.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var missing = await ProblemAssert.IsProblemAsync(
            await client.PutAsJsonAsync("/staffing/roster/rep-1", new { }), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["fte", "name", "tier"], missing.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM roster WHERE tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public async Task Only_the_supervisor_reads_it_and_tier_staff_cannot_change_it()
    {
        var tenant = OmsFactory.Tenant("staff-acl");
        using var tier2 = service.Staff(tenant, "oms-tier2");
        Assert.Equal(HttpStatusCode.Forbidden, (await tier2.GetAsync("/staffing")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tier2.PutAsJsonAsync("/staffing/norms", new { tier1 = 10_000, tier2 = 10_000, tier3 = 10_000 })).StatusCode);
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM staffing_norms WHERE tenant_id = @t", ("t", tenant)));
    }

    [Theory]
    [InlineData(1, "ставка")]
    [InlineData(3, "ставки")]
    [InlineData(11, "ставок")]
    [InlineData(21, "ставка")]
    [InlineData(25, "ставок")]
    [InlineData(104, "ставки")]
    public void Counts_take_the_russian_plural(long count, string expected) =>
        Assert.Equal(expected, StaffingFigures.Plural(count, "ставка", "ставки", "ставок"));
}
