using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Platform.Cases.Documents;
using Platform.Contracts;

namespace Platform.Cases.Tests;

public sealed class Uploading_a_document(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Stores_it_with_its_hash_awaiting_review_and_serves_the_same_bytes()
    {
        var (_, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("docs-upload", "Upload Person"));
        var client = cases.ClientFor("docs-upload", "coordinator-anna", "staff", "coordinator");
        var pdf = SampleFiles.Pdf();

        var response = await client.PostAsync($"/cases/{number}/documents", SampleFiles.Form(pdf, "application/pdf", "passport", "passport.pdf"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = document.GetProperty("id").GetGuid();
        Assert.Equal($"/cases/{number}/documents/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), document.GetProperty("sha256").GetString());
        Assert.Equal("received", document.GetProperty("review").GetProperty("state").GetString());
        Assert.Equal(pdf.Length, document.GetProperty("size").GetInt64());

        var list = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/documents");
        Assert.Equal(["passport"], list.EnumerateArray().Select(d => d.GetProperty("type").GetString()));
        var content = await client.GetAsync($"/cases/{number}/documents/{id}/content");
        Assert.Equal("application/pdf", content.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", content.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(pdf, await content.Content.ReadAsByteArrayAsync());
        var timeline = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline");
        var entry = timeline.EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "document-received");
        Assert.Equal("coordinator-anna", entry.GetProperty("actor").GetString());
        Assert.Contains("passport.pdf", entry.GetProperty("summary").GetString());
    }

    [Theory]
    [InlineData("image/jpeg", "jpeg")]
    [InlineData("image/png", "png")]
    [InlineData("image/heic", "heic")]
    [InlineData("image/tiff", "tiff")]
    public async Task Of_an_image_format_on_the_allow_list_is_accepted(string contentType, string format)
    {
        var (_, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("docs-formats", $"Format {format}"));
        var bytes = format switch { "jpeg" => SampleFiles.Jpeg, "png" => SampleFiles.Png, "heic" => SampleFiles.Heic, _ => SampleFiles.Tiff };

        var response = await cases.ClientFor("docs-formats").PostAsync($"/cases/{number}/documents",
            SampleFiles.Form(bytes, contentType, "medical-report", $"photo.{format}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(contentType, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task Whose_content_is_not_what_it_declares_gets_a_problem_naming_file_and_stores_nothing()
    {
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("docs-mismatch", "Mismatch Person"));
        var client = cases.ClientFor("docs-mismatch");

        var pngAsPdf = await client.PostAsync($"/cases/{number}/documents", SampleFiles.Form(SampleFiles.Png, "application/pdf", "passport"));
        var executable = await client.PostAsync($"/cases/{number}/documents", SampleFiles.Form(SampleFiles.Executable, "application/pdf", "passport"));
        var octetStream = await client.PostAsync($"/cases/{number}/documents", SampleFiles.Form(SampleFiles.Pdf(), "application/octet-stream", "passport"));

        foreach (var response in new[] { pngAsPdf, executable, octetStream })
            await AssertProblemNaming(response, HttpStatusCode.BadRequest, "file");
        Assert.Contains("image/png", await pngAsPdf.Content.ReadAsStringAsync());
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_documents WHERE case_id = @id", ("id", caseId)));
    }

    [Fact]
    public async Task Larger_than_20_MiB_gets_413_naming_file()
    {
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("docs-large", "Large Person"));
        var large = new byte[DocumentOptions.DefaultMaxBytes + 1];
        SampleFiles.Pdf().CopyTo(large, 0);

        var response = await cases.ClientFor("docs-large").PostAsync($"/cases/{number}/documents",
            SampleFiles.Form(large, "application/pdf", "medical-report"));

        await AssertProblemNaming(response, HttpStatusCode.RequestEntityTooLarge, "file");
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_documents WHERE case_id = @id", ("id", caseId)));
    }

    [Fact]
    public async Task Twice_on_one_case_is_a_conflict_naming_the_first_but_another_case_may_have_it()
    {
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("docs-twice", "Twice Person"));
        var (_, other) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("docs-twice", "Twice Other"));
        var client = cases.ClientFor("docs-twice");
        var pdf = SampleFiles.Pdf("the same scan");

        var first = await client.PostAsync($"/cases/{number}/documents", SampleFiles.Form(pdf, "application/pdf", "policy"));
        var again = await client.PostAsync($"/cases/{number}/documents", SampleFiles.Form(pdf, "application/pdf", "passport", "renamed.pdf"));
        var elsewhere = await client.PostAsync($"/cases/{other}/documents", SampleFiles.Form(pdf, "application/pdf", "policy"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var problem = await AssertProblemNaming(again, HttpStatusCode.Conflict, "file");
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), problem.GetProperty("documentId").GetGuid());
        Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_documents WHERE case_id = @id", ("id", caseId)));
    }

    [Fact]
    public async Task Without_a_file_or_with_an_unknown_type_gets_a_problem_naming_them_and_json_gets_415()
    {
        var (_, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("docs-fields", "Fields Person"));
        var client = cases.ClientFor("docs-fields");
        var typeOnly = new MultipartFormDataContent { { new StringContent("selfie"), "type" } };

        var response = await client.PostAsync($"/cases/{number}/documents", typeOnly);
        var json = await client.PostAsJsonAsync($"/cases/{number}/documents", new { type = "passport" });

        var problem = await AssertProblemNaming(response, HttpStatusCode.BadRequest, "file");
        Assert.True(problem.GetProperty("errors").TryGetProperty("type", out _), problem.ToString());
        // Only multipart bodies reach the upload at all.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Of_another_tenants_case_is_not_found_and_its_documents_cannot_be_read()
    {
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("docs-owner", "Owner Person"));
        var created = await (await cases.ClientFor("docs-owner").PostAsync($"/cases/{number}/documents",
            SampleFiles.Form(SampleFiles.Pdf(), "application/pdf", "passport"))).Content.ReadFromJsonAsync<JsonElement>();
        var documentId = created.GetProperty("id").GetGuid();
        var other = cases.ClientFor("docs-intruder");

        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/cases/{number}/documents",
            SampleFiles.Form(SampleFiles.Pdf("intruder"), "application/pdf", "passport"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/cases/{caseId}/documents")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/cases/{number}/documents/{documentId}/content")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/cases/{number}/documents/{documentId}/review",
            new { decision = "accepted" })).StatusCode);
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_documents WHERE case_id = @id", ("id", caseId)));
    }

    internal static async Task<JsonElement> AssertProblemNaming(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), body);
        return problem;
    }
}

public sealed class Reviewing_a_document(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Without_a_reason_for_a_rejection_gets_a_problem_naming_reason()
    {
        var (_, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("review-reason", "Reason Person"));
        var client = cases.ClientFor("review-reason", "coordinator-anna", "staff", "coordinator");
        var id = await UploadAsync(client, number, "passport");

        var noReason = await client.PostAsJsonAsync($"/cases/{number}/documents/{id}/review", new { decision = "rejected" });
        var badDecision = await client.PostAsJsonAsync($"/cases/{number}/documents/{id}/review", new { decision = "maybe" });
        var missing = await client.PostAsJsonAsync($"/cases/{number}/documents/{Guid.NewGuid()}/review", new { decision = "accepted" });

        await Uploading_a_document.AssertProblemNaming(noReason, HttpStatusCode.BadRequest, "reason");
        await Uploading_a_document.AssertProblemNaming(badDecision, HttpStatusCode.BadRequest, "decision");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Keeps_the_reason_given_with_an_acceptance()
    {
        var (_, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("review-accept-reason", "Accept Person"));
        var client = cases.ClientFor("review-accept-reason", "coordinator-anna", "staff", "coordinator");
        var id = await UploadAsync(client, number, "passport");

        var response = await client.PostAsJsonAsync($"/cases/{number}/documents/{id}/review",
            new { decision = "accepted", reason = "копия читаема, срок действия до 2031 года" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var review = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("review");
        Assert.Equal("accepted", review.GetProperty("state").GetString());
        Assert.Equal("копия читаема, срок действия до 2031 года", review.GetProperty("reason").GetString());
        var listed = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/documents")).EnumerateArray().Single();
        Assert.Equal("копия читаема, срок действия до 2031 года", listed.GetProperty("review").GetProperty("reason").GetString());
        var entry = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray()
            .Single(e => e.GetProperty("kind").GetString() == "document-reviewed");
        Assert.EndsWith("accepted: копия читаема, срок действия до 2031 года", entry.GetProperty("summary").GetString());
        Assert.Equal("копия читаема, срок действия до 2031 года", entry.GetProperty("data").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Tells_the_contact_in_Russian_why_it_was_rejected_and_what_is_still_missing()
    {
        // The daughter called in Russian (the appeal's caller language is ru).
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("review-ru", "Pyotr Ivanov"));
        var client = cases.ClientFor("review-ru", "coordinator-anna", "staff", "coordinator");
        var passport = await UploadAsync(client, number, "passport");

        var response = await client.PostAsJsonAsync($"/cases/{number}/documents/{passport}/review",
            new { decision = "rejected", reason = "скан нечитаем, нужна страница с фотографией" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var review = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("review");
        Assert.Equal("rejected", review.GetProperty("state").GetString());
        Assert.Equal("coordinator-anna", review.GetProperty("reviewedBy").GetString());
        var message = await CaseOpening.ScalarAsync(cases, "SELECT text FROM contact_messages WHERE case_id = @id AND kind = 'documents'", ("id", caseId));
        Assert.Contains("Принять его нельзя: скан нечитаем, нужна страница с фотографией", message);
        // A US case: the policy, ROMIF and the itemised bill are still missing, each with the reason it is needed.
        Assert.Contains("страховой полис", message);
        Assert.Contains("форма ROMIF: клиники США передают медицинскую информацию только по этому подписанному разрешению (HIPAA)", message);
        Assert.Contains("детализированный счёт клиники", message);

        var kinds = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray()
            .Select(e => e.GetProperty("kind").GetString()).ToArray();
        Assert.Equal(new string?[] { "document-received", "document-reviewed", "message-to-contact" }, kinds.SkipWhile(k => k != "document-received"));
    }

    [Fact]
    public async Task Tells_an_English_speaking_contact_in_English_and_says_when_everything_is_in()
    {
        var appeal = CasesFactory.Appeal("review-en", "John Smith") with
        {
            Caller = new AppealCaller("John Smith", "insured", "+1 407 555 0100", null, "en", true),
            Location = new AppealLocation("TR", "Antalya", null),
        };
        var (caseId, number) = await CaseOpening.OpenAsync(cases, appeal);
        var client = cases.ClientFor("review-en", "coordinator-anna", "staff", "coordinator");
        var passport = await UploadAsync(client, number, "passport");
        await client.PostAsJsonAsync($"/cases/{number}/documents/{passport}/review", new { decision = "accepted" });
        var policy = await UploadAsync(client, number, "policy");
        await client.PostAsJsonAsync($"/cases/{number}/documents/{policy}/review", new { decision = "accepted" });

        var messages = await CaseOpening.ScalarAsync(cases,
            "SELECT string_agg(text, ' | ' ORDER BY created_at) FROM contact_messages WHERE case_id = @id AND kind = 'documents'", ("id", caseId));
        Assert.Contains($"Case {number}: we have reviewed your passport (passport.pdf). It is accepted.", messages);
        Assert.Contains("We still need: insurance policy", messages);
        Assert.EndsWith("All the documents needed are received and accepted.", messages);
    }

    internal static async Task<Guid> UploadAsync(HttpClient client, string number, string type, string? text = null)
    {
        var response = await client.PostAsync($"/cases/{number}/documents",
            SampleFiles.Form(SampleFiles.Pdf(text ?? $"{type} {Guid.NewGuid()}"), "application/pdf", type, $"{type}.pdf"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class The_document_checklist(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Of_a_case_in_the_US_asks_for_ROMIF_and_the_itemised_bill_from_the_start()
    {
        var (_, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("checklist-us", "Us Person"));

        var checklist = await cases.ClientFor("checklist-us").GetFromJsonAsync<JsonElement>($"/cases/{number}/documents/checklist");

        Assert.Equal(["passport", "policy", "romif", "itemised-bill"], Types(checklist));
        Assert.All(checklist.GetProperty("items").EnumerateArray(), i => Assert.Equal("missing", i.GetProperty("state").GetString()));
        Assert.Contains("HIPAA", checklist.GetProperty("items")[2].GetProperty("why").GetString());
        Assert.False(checklist.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Follows_the_case_from_hospital_to_repatriation()
    {
        var appeal = CasesFactory.Appeal("checklist-flow", "Flow Person") with { Location = new AppealLocation("TR", "Antalya", null) };
        var (_, number) = await CaseOpening.OpenAsync(cases, appeal);
        var client = cases.ClientFor("checklist-flow", "coordinator-anna", "staff", "coordinator");

        var opened = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/documents/checklist");
        await client.PutAsJsonAsync($"/cases/{number}/status", new { status = "hospitalised", reason = "Admitted" });
        var hospitalised = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/documents/checklist");
        await client.PutAsJsonAsync($"/cases/{number}/status", new { status = "awaiting-repatriation", reason = "Discharged, fit to fly" });
        var repatriation = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/documents/checklist");

        Assert.Equal(["passport", "policy"], Types(opened));
        Assert.Equal(["passport", "policy", "medical-report"], Types(hospitalised));
        Assert.Equal(["passport", "policy", "medical-report", "discharge-summary", "medif"], Types(repatriation));
    }

    [Fact]
    public async Task Shows_each_document_received_accepted_or_rejected_with_the_reason()
    {
        var (_, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("checklist-states", "States Person"));
        var client = cases.ClientFor("checklist-states", "coordinator-anna", "staff", "coordinator");
        await Reviewing_a_document.UploadAsync(client, number, "passport");
        var policy = await Reviewing_a_document.UploadAsync(client, number, "policy");
        var romif = await Reviewing_a_document.UploadAsync(client, number, "romif");
        await client.PostAsJsonAsync($"/cases/{number}/documents/{policy}/review", new { decision = "accepted" });
        await client.PostAsJsonAsync($"/cases/{number}/documents/{romif}/review", new { decision = "rejected", reason = "Not signed by the patient" });

        var items = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/documents/checklist")).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("type").GetString()!);

        Assert.Equal("received", items["passport"].GetProperty("state").GetString());
        Assert.Equal("accepted", items["policy"].GetProperty("state").GetString());
        Assert.Equal(policy, items["policy"].GetProperty("documentId").GetGuid());
        Assert.Equal("rejected", items["romif"].GetProperty("state").GetString());
        Assert.Equal("Not signed by the patient", items["romif"].GetProperty("reason").GetString());
        Assert.Equal("missing", items["itemised-bill"].GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("closed", "DE", true, "passport,policy,medical-report,discharge-summary")]
    [InlineData("closed", "DE", false, "passport,policy")]
    [InlineData("outpatient", "US", false, "passport,policy,medical-report,romif,itemised-bill")]
    [InlineData("awaiting-repatriation", "US", true, "passport,policy,medical-report,discharge-summary,romif,itemised-bill,medif")]
    public void Rules_by_case_type_and_country(string status, string country, bool wasHospitalised, string expected)
    {
        Assert.Equal(expected, string.Join(",", DocumentChecklistRules.For(new CaseProfile(status, country, wasHospitalised)).Select(r => r.Type)));
    }

    private static string[] Types(JsonElement checklist) =>
        checklist.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()!).ToArray();
}
