using Platform.Tests;
using static Platform.Tests.OpenApiDocument;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Platform.Intake.Appeals;

namespace Platform.Intake.Tests;

/// <summary>The OpenAPI document as a client generator reads it: validated fields carry their lists as enums; numbers are numbers.</summary>
public sealed class The_intake_api_document(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Lists_the_appeal_channels_urgencies_relations_and_triage_levels_as_enums()
    {
        var document = await ReadAsync(intake.CreateClient());

        Assert.Equal(AppealVocabulary.Channels, EnumOf(document, Property(document, "RegisterAppealRequest", "channel")));
        Assert.Equal(AppealVocabulary.Urgencies, EnumOf(document, Property(document, "RegisterAppealRequest", "urgency")));
        Assert.Equal(AppealVocabulary.Relations, EnumOf(document, Property(document, "CallerDto", "relation")));
        Assert.Equal(AppealVocabulary.Channels, EnumOf(document, Property(document, "AppealResponse", "channel")));
        Assert.Equal(TriageLevels.All, EnumOf(document, Property(document, "AppealResponse", "triage")));
        Assert.Equal(["null", "string"], Property(document, "RegisterAppealRequest", "description").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        // Both channel fields point at one named enum: one type in a generated client.
        Assert.Equal("#/components/schemas/Channel", Property(document, "AppealResponse", "channel").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/Channel", Property(document, "RegisterAppealRequest", "channel").GetProperty("oneOf")[1].GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task Requires_only_what_may_not_be_null()
    {
        var document = await ReadAsync(intake.CreateClient());

        // An appeal may leave out the urgency and the description; the answer always has its id and channel.
        Assert.DoesNotContain("urgency", RequiredOf(document, "RegisterAppealRequest"));
        Assert.DoesNotContain("description", RequiredOf(document, "RegisterAppealRequest"));
        Assert.Contains("id", RequiredOf(document, "AppealResponse"));
        Assert.Contains("channel", RequiredOf(document, "AppealResponse"));
        Assert.DoesNotContain("caseNumber", RequiredOf(document, "AppealResponse"));
    }

    [Fact]
    public async Task Types_numbers_as_numbers_never_as_strings_with_a_pattern()
    {
        var text = await intake.CreateClient().GetStringAsync("/openapi/v1.json");
        var document = JsonDocument.Parse(text).RootElement;

        Assert.DoesNotContain("\"pattern\"", text);
        var amount = document.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .SelectMany(s => s.Value.TryGetProperty("properties", out var p) ? p.EnumerateObject() : [])
            .First(p => p.Name == "amount").Value;
        Assert.Equal("number", amount.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_method_the_route_does_not_have_gets_405_method_not_allowed()
    {
        var response = await intake.ClientFor("problems").DeleteAsync("/appeals");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ProblemTypes.MethodNotAllowed, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_number_written_as_text_gets_400_naming_the_field()
    {
        var response = await intake.ClientFor("problems").PutAsync("/settings", new StringContent(
            """{"redFlags":["chest pain"],"callbackMinutes":{"emergency":"5","urgent":30,"telemedicine":60,"planned":240}}""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemTypes.Validation, problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("callbackMinutes.emergency", out _), problem.GetRawText());
    }
}
