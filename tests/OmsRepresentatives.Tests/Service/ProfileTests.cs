using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.OmsRepresentatives.Tests.Service;

[Collection(OmsService.Name)]
public sealed class ProfileTests(OmsFactory service)
{
    [Fact]
    public async Task An_SMO_names_itself_and_its_time_zone_and_no_other_SMO_sees_it()
    {
        var smo = OmsFactory.Tenant("smo");
        var supervisor = service.Staff(smo, "oms-supervisor");
        var before = await supervisor.GetFromJsonAsync<JsonElement>("/profile");
        Assert.False(before.GetProperty("configured").GetBoolean());
        Assert.Equal("Europe/Moscow", before.GetProperty("timeZone").GetString());

        var put = await supervisor.PutAsJsonAsync("/profile", new
        {
            name = "«Ромашка-Мед»", phone = "8 800 200-00-00", timeZone = "Asia/Yekaterinburg", address = "Екатеринбург, ул. Ленина, 1", smsSender = "Romashka",
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var after = await service.Staff(smo, "oms-tier1").GetFromJsonAsync<JsonElement>("/profile");
        Assert.True(after.GetProperty("configured").GetBoolean());
        Assert.Equal("«Ромашка-Мед»", after.GetProperty("name").GetString());
        Assert.Equal("Asia/Yekaterinburg", after.GetProperty("timeZone").GetString());

        var other = await service.Staff(OmsFactory.Tenant("other"), "oms-supervisor").GetFromJsonAsync<JsonElement>("/profile");
        Assert.False(other.GetProperty("configured").GetBoolean());
        Assert.NotEqual("«Ромашка-Мед»", other.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_profile_without_a_known_time_zone_or_with_a_bad_sender_is_refused_naming_the_fields()
    {
        var smo = OmsFactory.Tenant("smo");
        var supervisor = service.Staff(smo, "oms-supervisor");
        var response = await supervisor.PutAsJsonAsync("/profile", new { name = "СМО", phone = "", timeZone = "Moscow/Nowhere", smsSender = "Очень длинное имя" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("phone", out _));
        Assert.True(errors.TryGetProperty("timeZone", out _));
        Assert.True(errors.TryGetProperty("smsSender", out _));
        Assert.False((await supervisor.GetFromJsonAsync<JsonElement>("/profile")).GetProperty("configured").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await service.Staff(smo, "oms-tier1").PutAsJsonAsync("/profile", new { name = "x" })).StatusCode);
    }
}
