using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.Intake.Tests;

public sealed class Every_Intake_endpoint(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public Task Names_who_may_call_it_and_refuses_every_other_role() => AccessMatrix.VerifyAsync(intake);
}

public sealed class Bad_input_to_any_Intake_operation(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public Task Gets_a_problem_and_never_a_5xx() => InputFuzz.VerifyAsync(intake);

    [Fact]
    public async Task With_a_NUL_in_a_name_gets_a_problem_naming_that_field_and_writes_nothing()
    {
        var tenant = $"nul-{Guid.NewGuid():N}"[..16];
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            channel = "phone",
            caller = new { name = "Maria\u0000Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
            insured = new { policyNumber = "TRV-2026-000117", fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
            location = new { country = "US", city = "Orlando" },
            description = "Chest pain",
        });

        var response = await intake.ClientFor(tenant).PostAsync("/appeals", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(PlainText.Rule, problem.GetProperty("errors").GetProperty("caller.name")[0].GetString());
        Assert.Equal(0, await intake.CountAsync("SELECT count(*) FROM appeals WHERE tenant_id = @t", ("t", tenant)));
    }
}
