using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

public sealed class A_message_to_the_caller(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task Reaches_her_by_SMS_and_then_by_email_once_she_prefers_it_in_Russian_through_the_gateway()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("e2e-deliver");
        var (_, number, _) = await PlatformFixture.RegisterAndAwaitCaseAsync(insurer);
        var coordinator = platform.StaffClient("e2e-coordinator", "coordinator", tenant);
        var daughter = (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{number}/contacts"))
            .EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Maria Ivanova");
        var contactId = daughter.GetProperty("id").GetGuid();
        using var mail = new HttpClient { BaseAddress = platform.MailUrl };
        using var sms = new HttpClient { BaseAddress = platform.SmsUrl };

        // She called from a mobile and prefers calls: what is written to her goes by SMS to that number.
        var first = await ReviewAsync(coordinator, number, contactId, "rejected");
        Assert.Equal(("sms", "+79165550102"), (first.GetProperty("channel").GetString(), first.GetProperty("address").GetString()));
        await SentAsync(coordinator, number, first.GetProperty("id").GetGuid());
        var text = (await sms.GetFromJsonAsync<JsonElement>($"/messages?reference={first.GetProperty("id").GetGuid()}")).EnumerateArray().Single();
        Assert.Equal("+79165550102", text.GetProperty("to").GetString());
        Assert.StartsWith($"Случай {number}: мы проверили документ «паспорт» (passport.pdf). Принять его нельзя: unreadable.",
            text.GetProperty("text").GetString());

        // She gives an e-mail address and asks for e-mail.
        var address = $"maria.{tenant}@example.ru";
        var saved = await coordinator.PutAsJsonAsync($"/api/cases/cases/{number}/contacts", new
        {
            name = "Maria Ivanova", relation = "daughter", phone = "+7 916 555-01-02", email = address, language = "ru", preferredChannel = "email",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var second = await ReviewAsync(coordinator, number, contactId, "accepted");
        Assert.Equal(("email", address), (second.GetProperty("channel").GetString(), second.GetProperty("address").GetString()));
        await SentAsync(coordinator, number, second.GetProperty("id").GetGuid());

        var received = (await mail.GetFromJsonAsync<JsonElement>("/api/messages?pageSize=500")).GetProperty("results").EnumerateArray()
            .Single(m => m.GetProperty("to").EnumerateArray().Any(t => t.GetString() == address));
        Assert.Equal($"Случай {number}: документы", received.GetProperty("subject").GetString());
        var body = await mail.GetStringAsync($"/api/messages/{received.GetProperty("id").GetString()}/plaintext");
        Assert.StartsWith($"Случай {number}: мы проверили документ «паспорт» (passport.pdf). Документ принят.", body);
        var briefing = await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{number}/briefing");
        Assert.Equal(new[] { "sent", "sent" }, briefing.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("status").GetString()!).ToArray());
    }

    /// <summary>Uploads a passport as sent by the contact and reviews it; returns the message the review queued to her.</summary>
    private static async Task<JsonElement> ReviewAsync(HttpClient coordinator, string number, Guid contactId, string decision)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes($"%PDF-1.7\n% {decision}\n%%EOF\n"));
        file.Headers.ContentType = new("application/pdf");
        form.Add(file, "file", "passport.pdf");
        form.Add(new StringContent("passport"), "type");
        form.Add(new StringContent(contactId.ToString()), "contactId");
        var upload = await coordinator.PostAsync($"/api/cases/cases/{number}/documents", form);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var document = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var review = await coordinator.PostAsJsonAsync($"/api/cases/cases/{number}/documents/{document}/review",
            new { decision, reason = decision == "rejected" ? "unreadable" : null });
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        return (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{number}/messages"))[0];
    }

    private static Task SentAsync(HttpClient coordinator, string number, Guid id)
    {
        JsonElement message = default;
        return Eventually.True(async () =>
        {
            message = (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{number}/messages")).EnumerateArray()
                .Single(m => m.GetProperty("id").GetGuid() == id);
            return message.GetProperty("status").GetString() == "sent";
        }, TimeSpan.FromSeconds(20), () => $"message {id} is sent (now {message})");
    }
}
