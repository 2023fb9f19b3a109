using Platform.Tests;
using static Platform.Tests.OpenApiDocument;
using Platform.Contracts;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Platform.Cases.CaseFiles;
using Platform.Cases.Contacts;
using Platform.Cases.Documents;
using Platform.Cases.Medical;
using Platform.Cases.Settlement;
using Platform.Cases.Tasks;
using Platform.Cases.Timeline;
using Platform.Cases.Webhooks;

namespace Platform.Cases.Tests;

/// <summary>
/// The OpenAPI document as a client generator reads it: every field validated against a list names that list as its
/// enum (the very list the validation uses), and numbers are numbers.
/// </summary>
public sealed class The_cases_api_document(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Lists_the_values_of_every_validated_field_as_its_enum()
    {
        var document = await ReadAsync(cases.CreateClient());

        Assert.Equal(CaseContacts.Relations, EnumOf(document, Property(document, "ContactRequest", "relation")));
        Assert.Equal(CaseContacts.Channels, EnumOf(document, Property(document, "ContactRequest", "preferredChannel")));
        Assert.Equal(CaseContacts.Relations, EnumOf(document, Property(document, "CaseContact", "relation")));
        Assert.Equal(MedicalDetails.FitToFlyValues, EnumOf(document, Property(document, "MedicalDetailsRequest", "fitToFly")));
        Assert.Equal(CaseStatuses.All, EnumOf(document, Property(document, "ChangeStatusRequest", "status")));
        Assert.Equal(SettlementPlans.Kinds, EnumOf(document, Property(document, "SetPlanRequest", "kind")));
        Assert.Equal(SettlementPlans.Owners, EnumOf(document, Property(document, "PlanStepRequest", "owner")));
        Assert.Equal(TaskKinds.Manual, EnumOf(document, Property(document, "CreateTaskRequest", "kind")));
        Assert.Equal(CallResults.All, EnumOf(document, Property(document, "CompleteTaskRequest", "result")));
        Assert.Equal(DocumentsApi.Decisions, EnumOf(document, Property(document, "ReviewRequest", "decision")));
        Assert.Equal(DocumentTypes.Codes, EnumOf(document, Property(document, "DocumentResponse", "type")));
        Assert.Equal(ReviewStates.All, EnumOf(document, Property(document, "DocumentReview", "state")));
        // A field that may be left out admits null besides the list's values; one that is always there does not.
        Assert.True(AdmitsNull(Property(document, "ContactRequest", "relation")));
        Assert.False(AdmitsNull(Property(document, "CaseContact", "relation")));
        Assert.Equal(TimelineKinds.All, EnumOf(document, Property(document, "TimelineEntry", "kind")));

        var events = EnumOf(document, Property(document, "CreateWebhookRequest", "events").GetProperty("items"));
        Assert.Equal(WebhookEvents.All, events);
        Assert.Contains("*", events);
        Assert.Contains("document-reviewed", events);
    }

    [Fact]
    public async Task Names_each_list_once_as_a_schema_every_field_of_it_points_at()
    {
        var document = await ReadAsync(cases.CreateClient());

        // One enum type per list for a generated client, not one per property, and none with a member for null.
        Assert.Equal("#/components/schemas/Relation", Property(document, "CaseContact", "relation").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/Relation", Property(document, "ContactRequest", "relation").GetProperty("oneOf")[1].GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/CaseStatus", Property(document, "ChangeStatusRequest", "status").GetProperty("oneOf")[1].GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/PlanKind", Property(document, "SetPlanRequest", "kind").GetProperty("oneOf")[1].GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/WebhookEvent", Property(document, "CreateWebhookRequest", "events").GetProperty("items").GetProperty("$ref").GetString());
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal("string", schemas.GetProperty("Relation").GetProperty("type").GetString());
        Assert.DoesNotContain(schemas.GetProperty("Relation").GetProperty("enum").EnumerateArray(), v => v.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Requires_no_field_that_may_be_null()
    {
        var document = await ReadAsync(cases.CreateClient());

        Assert.DoesNotContain("relation", RequiredOf(document, "ContactRequest"));
        Assert.DoesNotContain("coordinator", RequiredOf(document, "CaseFileResponse"));
        Assert.Contains("number", RequiredOf(document, "CaseFileResponse"));
        var nullableRequired = document.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .Where(s => s.Value.TryGetProperty("properties", out _))
            .SelectMany(s => RequiredOf(document, s.Name).Where(r => AdmitsNull(Property(document, s.Name, r))).Select(r => $"{s.Name}.{r}"))
            .ToArray();
        Assert.True(nullableRequired.Length == 0, "required but nullable: " + string.Join(", ", nullableRequired));
    }

    [Fact]
    public async Task Lists_the_values_of_validated_query_parameters_and_form_fields()
    {
        var document = await ReadAsync(cases.CreateClient());
        var paths = document.GetProperty("paths");

        JsonElement Parameter(string path, string name) => paths.GetProperty(path).GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == name).GetProperty("schema");
        Assert.Equal(CaseStatuses.All, EnumOf(document, Parameter("/cases", "status")));
        Assert.Equal(WebhookDeliveryStatuses.All, EnumOf(document, Parameter("/webhooks/{id}/deliveries", "status")));

        var upload = paths.GetProperty("/cases/{numberOrId}/documents").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal("#/components/schemas/UploadDocumentForm", upload.GetProperty("$ref").GetString());
        Assert.Equal(DocumentTypes.Codes, EnumOf(document, Property(document, "UploadDocumentForm", "type")));
    }

    [Fact]
    public async Task Types_text_as_string_and_lists_of_text_with_string_items()
    {
        var document = await ReadAsync(cases.CreateClient());

        Assert.Equal("string", Property(document, "CaseContact", "name").GetProperty("type").GetString());
        Assert.Equal(["null", "string"], Property(document, "ContactRequest", "phone").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("string", Property(document, "MedicalDetailsRequest", "procedures").GetProperty("items").GetProperty("type").GetString());
        var untyped = document.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .SelectMany(s => s.Value.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => (s.Name, x.Name, x.Value)) : [])
            .Where(x => x.Value.ValueKind == JsonValueKind.Object && !x.Value.EnumerateObject().Any())
            .Select(x => $"{x.Item1}.{x.Item2}").ToArray();
        Assert.True(untyped.Length == 0, "properties without a schema: " + string.Join(", ", untyped));
    }

    [Fact]
    public async Task Types_numbers_as_numbers_never_as_strings_with_a_pattern()
    {
        var document = await ReadAsync(cases.CreateClient());

        var mixed = Schemas(document).Where(s => s.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array &&
                type.EnumerateArray().Any(t => t.GetString() is "number" or "integer") &&
                type.EnumerateArray().Any(t => t.GetString() == "string"))
            .Select(s => s.GetRawText()).ToArray();
        Assert.True(mixed.Length == 0, "numbers typed as strings too:\n" + string.Join('\n', mixed));
        var limit = document.GetProperty("paths").GetProperty("/webhooks/{id}/deliveries").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "limit").GetProperty("schema");
        Assert.Equal("integer", limit.GetProperty("type").GetString());
        Assert.False(limit.TryGetProperty("pattern", out _));
    }

    [Fact]
    public async Task Documents_the_webhook_headers_signature_and_secret_on_subscribing()
    {
        var document = await ReadAsync(cases.CreateClient());

        var description = document.GetProperty("paths").GetProperty("/webhooks").GetProperty("post").GetProperty("description").GetString()!;
        Assert.Contains("X-Webhook-Id", description);
        Assert.Contains("X-Webhook-Timestamp", description);
        Assert.Contains("Unix seconds", description);
        Assert.Contains("X-Webhook-Signature", description);
        Assert.Contains("HMAC-SHA256", description);
        Assert.Contains("{timestamp}.{body}", description);
        Assert.Contains("whsec_", description);
    }

    private static IEnumerable<JsonElement> Schemas(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("type", out _)) yield return element;
            foreach (var property in element.EnumerateObject())
            foreach (var inner in Schemas(property.Value))
                yield return inner;
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            foreach (var inner in Schemas(item))
                yield return inner;
        }
    }
}

/// <summary>Every problem says what it is: no client error is typed internal.</summary>
public sealed class Problems_of_the_protocol(CasesFactory cases) : IClassFixture<CasesFactory>
{

    [Fact]
    public async Task A_method_the_route_does_not_have_gets_405_method_not_allowed()
    {
        var response = await cases.ClientFor("problems").DeleteAsync("/cases");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, ProblemTypes.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_route_that_does_not_exist_gets_404_not_found()
    {
        var response = await cases.ClientFor("problems").GetAsync("/no-such-thing");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task A_body_of_another_media_type_gets_415_unsupported_media_type()
    {
        var response = await cases.ClientFor("problems").PostAsync("/webhooks",
            new StringContent("url=https://insurer.example/hooks", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_number_sent_as_text_gets_400_naming_the_field()
    {
        var response = await cases.ClientFor("problems").PutAsync("/settings/control-calls",
            new StringContent("""{"everyDays":{"hospitalised":"1"}}""", Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name.StartsWith("everyDays", StringComparison.Ordinal)),
            problem.GetRawText());
    }
}
