using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.EndToEnd.Tests;

public sealed class Roles_through_the_gateway(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Theory]
    [InlineData("GET", "/api/intake/appeals/queue")]
    [InlineData("GET", "/api/cases/tasks/overdue")]
    [InlineData("GET", "/api/cases/supervisor/figures")]
    [InlineData("GET", "/api/cases/coordinators/load")]
    public async Task Keep_an_insurer_key_out_of_staff_work(string method, string path)
    {
        var (_, insurer) = await platform.NewInsurerAsync("e2e-roles");

        var response = await insurer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:platform:problem:forbidden", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Let_a_coordinator_take_from_the_queue_but_not_a_doctor_or_a_token_without_roles()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("e2e-roles");
        var appeal = await (await insurer.PostAsJsonAsync("/api/intake/appeals", PlatformFixture.Appeal())).Content.ReadFromJsonAsync<JsonElement>();
        var take = $"/api/intake/appeals/{appeal.GetProperty("id").GetGuid()}/take";

        Assert.Equal(HttpStatusCode.Forbidden, (await platform.StaffClient("doctor-ivanov", "doctor", tenant).PostAsync(take, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.StaffClient("nobody", "", tenant).GetAsync("/api/cases/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await platform.StaffClient("coordinator-anna", "coordinator", tenant).PostAsync(take, null)).StatusCode);
    }
}
