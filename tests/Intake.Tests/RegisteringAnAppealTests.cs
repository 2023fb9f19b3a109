using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Intake.Tests;

public sealed class Registering_an_appeal(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Stores_it_and_its_event_in_one_transaction()
    {
        var response = await intake.ClientFor("insurer-a").PostAsJsonAsync("/appeals", Appeals.Valid());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal("urgent", body.GetProperty("triage").GetString());
        Assert.Equal(1, await intake.CountAsync("SELECT count(*) FROM appeals WHERE id = @id AND tenant_id = 'insurer-a'", ("id", id)));
        Assert.Equal(1, await intake.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.AppealRegistered,%' AND body->>'appealId' = @id",
            ("id", id.ToString())));
    }

    [Fact]
    public async Task From_the_emergency_line_is_an_emergency_unless_told_otherwise()
    {
        var appeal = new
        {
            channel = "emergency-line",
            caller = new { name = "Clinic doctor", relation = "clinic-doctor", phone = "+1 407 555 0100" },
            insured = new { policyNumber = "TRV-1", fullName = "Pyotr Ivanov" },
            location = new { country = "US" },
            description = "Patient is being examined in the emergency room",
        };
        var response = await intake.ClientFor("insurer-a").PostAsJsonAsync("/appeals", appeal);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("emergency", body.GetProperty("triage").GetString());
    }

    [Fact]
    public async Task Can_be_read_back_by_its_tenant_only()
    {
        var created = await (await intake.ClientFor("insurer-a").PostAsJsonAsync("/appeals", Appeals.Valid()))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();

        var own = await intake.ClientFor("insurer-a").GetAsync($"/appeals/{id}");
        var foreign = await intake.ClientFor("insurer-b").GetAsync($"/appeals/{id}");
        var missing = await intake.ClientFor("insurer-b").GetAsync($"/appeals/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        // A foreign appeal must be indistinguishable from a missing one, apart from the id echoed back.
        Assert.Equal((await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(),
            (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }
}

public sealed class A_malformed_appeal(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    public static TheoryData<string, string> Cases => new()
    {
        { """{"channel":"fax","caller":{"name":"A","relation":"relative","phone":"1"},"insured":{"policyNumber":"P","fullName":"B"},"location":{"country":"US"},"description":"d"}""", "channel" },
        { """{"channel":"phone","caller":{"name":"A","relation":"relative"},"insured":{"policyNumber":"P","fullName":"B"},"location":{"country":"US"},"description":"d"}""", "caller.phone" },
        { """{"channel":"phone","caller":{"name":"A","relation":"relative","phone":"1"},"insured":{"fullName":"B"},"location":{"country":"US"},"description":"d"}""", "insured.dateOfBirth" },
        { """{"channel":"phone","caller":{"name":"A","relation":"relative","phone":"1"},"insured":{"policyNumber":"P","fullName":"B","dateOfBirth":"12.04.1956"},"location":{"country":"US"},"description":"d"}""", "insured.dateOfBirth" },
        { """{"channel":"phone","caller":{"name":"A","relation":"relative","phone":"1"},"insured":{"policyNumber":"P","fullName":"B"},"location":{"country":"USA"},"description":"d"}""", "location.country" },
        { """{"channel":"phone","caller":{"name":"A","relation":"relative","phone":"1"},"insured":{"policyNumber":"P","fullName":"B"},"location":{"country":"US"}}""", "description" },
        { """{"channel":"phone","caller":{"name":"A","relation":"relative","phone":"1","preferredChannel":"fax"},"insured":{"policyNumber":"P","fullName":"B"},"location":{"country":"US"},"description":"d"}""", "caller.preferredChannel" },
        { """{"channel":"phone","caller":{"name":"A","relation":"relative","phone":"1","preferredChannel":"email"},"insured":{"policyNumber":"P","fullName":"B"},"location":{"country":"US"},"description":"d"}""", "caller.email" },
        { """{"channel":"phone", "caller": """, "caller" }, // truncated: named where the JSON breaks off
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Gets_a_400_problem_naming_the_field_and_writes_nothing(string json, string field)
    {
        var response = await intake.ClientFor("insurer-a").PostAsync("/appeals",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:platform:problem:validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        Assert.Equal(0, await intake.CountAsync("SELECT count(*) FROM appeals"));
        Assert.Equal(0, await intake.CountAsync("SELECT count(*) FROM outbox_messages"));
    }
}

public sealed class A_request_without_a_tenant(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Gets_a_401_problem()
    {
        var response = await intake.CreateClient().PostAsJsonAsync("/appeals", Appeals.Valid());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:platform:problem:unauthenticated", problem.GetProperty("type").GetString());
    }
}
