using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Platform.Cases.Contacts;
using Platform.Tests;

namespace Platform.Cases.Tests;

/// <summary>Cases with the AppHost's mail catcher (smtp4dev) and SMS stand-in, retrying quickly.</summary>
public sealed class DeliveringCasesFactory() : ServiceFactory<Program>("casesdb"), IAsyncLifetime
{
    public DeliveryServers Delivery { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Delivery = await DeliveryServers.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:mail", Delivery.Mail);
        builder.UseSetting("ConnectionStrings:sms", Delivery.Sms);
        builder.UseSetting("Messages:PollInterval", "00:00:00.200");
        builder.UseSetting("Messages:InitialBackoff", "00:00:00.200");
        builder.UseSetting("Messages:From", "Assistance Acme <assist@acme.example>");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Delivery.DisposeAsync();
    }
}

public sealed class Delivering_messages_to_contacts(DeliveringCasesFactory cases) : IClassFixture<DeliveringCasesFactory>
{
    private const string DaughterSms = "+79165550102";

    /// <summary>The daughter with a number of her own, so that what the stand-in does to one number touches no other test's messages.</summary>
    private static object Daughter(string phone) => new { name = "Maria Ivanova", relation = "daughter", phone, language = "ru" };

    /// <summary>Opens the case study's case, sets the daughter's details, and has a document she sent reviewed: one message to her.</summary>
    private async Task<(string Number, HttpClient Client, JsonElement Message)> ReviewMessageAsync(string tenant, object? daughter = null,
        string decision = "accepted")
    {
        var (_, number, daughterId, _, client) = await DaughterAndDoctor.OpenAsync(
            cases, tenant, $"{tenant} Ivanov");
        if (daughter is not null) Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/cases/{number}/contacts", daughter)).StatusCode);
        var form = SampleFiles.Form(SampleFiles.Pdf(tenant), "application/pdf", "passport", "passport.pdf");
        form.Add(new StringContent(daughterId.ToString()), "contactId");
        var document = await (await client.PostAsync($"/cases/{number}/documents", form)).Content.ReadFromJsonAsync<JsonElement>();
        var review = await client.PostAsJsonAsync($"/cases/{number}/documents/{document.GetProperty("id").GetGuid()}/review",
            new { decision, reason = decision == "rejected" ? "unreadable" : null });
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        var messages = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/messages");
        return (number, client, messages.EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "documents"));
    }

    private static async Task<JsonElement> SettledAsync(HttpClient client, string number, Guid id, string status)
    {
        JsonElement message = default;
        await Eventually.True(async () =>
        {
            message = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/messages")).EnumerateArray()
                .Single(m => m.GetProperty("id").GetGuid() == id);
            return message.GetProperty("status").GetString() == status;
        }, TimeSpan.FromSeconds(20), () => $"message {id} is {status} (now: {message})");
        return message;
    }

    private static async Task<JsonElement[]> TimelineAsync(HttpClient client, string number, string kind) =>
        (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == kind).ToArray();

    [Fact]
    public async Task A_contact_who_prefers_email_gets_an_email_in_her_language_and_the_timeline_and_briefing_say_it_was_sent()
    {
        var (number, client, queued) = await ReviewMessageAsync("deliver-mail", new
        {
            name = "Maria Ivanova", relation = "daughter", phone = "+7 916 555-01-02", email = "maria@deliver-mail.example", language = "ru",
            preferredChannel = "email",
        });
        Assert.Equal("email", queued.GetProperty("channel").GetString());
        Assert.Equal("maria@deliver-mail.example", queued.GetProperty("address").GetString());

        var sent = await SettledAsync(client, number, queued.GetProperty("id").GetGuid(), "sent");

        Assert.Equal(1, sent.GetProperty("attempts").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, sent.GetProperty("sentAt").ValueKind);
        var mail = Assert.Single(await cases.Delivery.MailsToAsync("maria@deliver-mail.example"));
        Assert.Equal($"Случай {number}: документы", mail.Subject);
        Assert.StartsWith($"Случай {number}: мы проверили документ «паспорт» (passport.pdf). Документ принят.", mail.Body);
        Assert.Contains("Это автоматическое сообщение", mail.Body);
        Assert.Equal("assist@acme.example", mail.Summary.GetProperty("from").GetString());
        var entry = Assert.Single(await TimelineAsync(client, number, "message-sent"));
        Assert.Equal($"E-mail to Maria Ivanova (maria@deliver-mail.example) sent: Случай {number}: документы", entry.GetProperty("summary").GetString());
        var briefing = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing");
        var latest = briefing.GetProperty("messages")[0];
        Assert.Equal("sent", latest.GetProperty("status").GetString());
        Assert.Contains(briefing.GetProperty("lastContacts").EnumerateArray(), c => c.GetProperty("kind").GetString() == "message-to-contact");
    }

    [Fact]
    public async Task An_sms_is_retried_through_the_providers_outage_and_arrives_once()
    {
        await cases.Delivery.OutageAsync("+79165550303", 2, 503);
        var (number, client, queued) = await ReviewMessageAsync("deliver-retry", Daughter("+7 916 555-03-03"));
        Assert.Equal("sms", queued.GetProperty("channel").GetString());
        Assert.Equal("+79165550303", queued.GetProperty("address").GetString());
        Assert.Equal("Prefers calls; written messages go by SMS to the same number.", queued.GetProperty("note").GetString());

        var id = queued.GetProperty("id").GetGuid();
        var sent = await SettledAsync(client, number, id, "sent");

        Assert.Equal(3, sent.GetProperty("attempts").GetInt32());
        var sms = (await cases.Delivery.SmsToAsync("+79165550303")).Where(s => s.GetProperty("reference").GetString() == id.ToString()).ToArray();
        Assert.Single(sms);
        Assert.Equal("MedAssist", sms[0].GetProperty("sender").GetString());
        Assert.StartsWith($"Случай {number}: мы проверили документ", sms[0].GetProperty("text").GetString());
        Assert.Empty(await TimelineAsync(client, number, "message-failed"));
    }

    [Fact]
    public async Task A_refused_sms_fails_at_once_gives_the_coordinator_a_call_task_and_goes_by_email_when_resent_after_the_address_is_added()
    {
        await cases.Delivery.OutageAsync("+79165550404", 1, 400);
        var (number, client, queued) = await ReviewMessageAsync("deliver-refused", Daughter("+7 916 555-04-04"), decision: "rejected");
        var id = queued.GetProperty("id").GetGuid();

        var failed = await SettledAsync(client, number, id, "failed");

        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        Assert.Contains("The SMS provider answered 400", failed.GetProperty("lastError").GetString());
        Assert.Single(await TimelineAsync(client, number, "message-failed"));
        var task = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/tasks")).EnumerateArray()
            .Single(t => t.GetProperty("kind").GetString() == "pass-on-message");
        Assert.Equal("open", task.GetProperty("status").GetString());
        Assert.StartsWith("Pass on a message to Maria Ivanova by phone", task.GetProperty("title").GetString());

        var corrected = await client.PutAsJsonAsync($"/cases/{number}/contacts", new
        {
            name = "Maria Ivanova", relation = "daughter", phone = "+7 916 555-01-02", email = "maria@deliver-refused.example", language = "ru",
            preferredChannel = "email",
        });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var resent = await client.PostAsync($"/cases/{number}/messages/{id}/resend", null);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal("email", (await resent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("channel").GetString());

        await SettledAsync(client, number, id, "sent");
        Assert.Single(await cases.Delivery.MailsToAsync("maria@deliver-refused.example"));
        var again = await client.PostAsync($"/cases/{number}/messages/{id}/resend", null);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, ProblemTypes.Conflict);
    }

    [Fact]
    public async Task Nothing_is_written_to_a_contact_who_has_not_agreed_and_a_coordinator_is_asked_to_call()
    {
        var (number, client, queued) = await ReviewMessageAsync("deliver-consent", new
        {
            name = "Maria Ivanova", relation = "daughter", phone = "+7 916 555-01-02", language = "ru", consentsToMessages = false,
        });
        var id = queued.GetProperty("id").GetGuid();

        Assert.Equal("held", queued.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("channel").ValueKind);
        Assert.Equal("Maria Ivanova has not agreed to be written to: pass it on by phone.", queued.GetProperty("note").GetString());
        Assert.Contains((await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/tasks")).EnumerateArray(),
            t => t.GetProperty("kind").GetString() == "pass-on-message");
        var resend = await client.PostAsync($"/cases/{number}/messages/{id}/resend", null);
        await ProblemAssert.IsProblemAsync(resend, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        await Task.Delay(600); // three polls of the sender: a held message is never claimed
        Assert.DoesNotContain(await cases.Delivery.SmsToAsync(DaughterSms), s => s.GetProperty("reference").GetString() == id.ToString());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/messages")).EnumerateArray().Single().GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Another_tenant_cannot_see_the_messages_or_resend_them()
    {
        var (number, _, queued) = await ReviewMessageAsync("deliver-owner");
        var stranger = cases.ClientFor("deliver-stranger", "coordinator-bob", "staff", "coordinator");

        await ProblemAssert.IsProblemAsync(await stranger.GetAsync($"/cases/{number}/messages"), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await ProblemAssert.IsProblemAsync(await stranger.PostAsync($"/cases/{number}/messages/{queued.GetProperty("id").GetGuid()}/resend", null),
            HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }
}

public sealed class Routing_a_message
{
    private static CaseContact Contact(string? phone, string? email, string preferred, bool consents = true) =>
        new(Guid.NewGuid(), "Maria Ivanova", "daughter", phone, email, "ru", preferred, false, DateTimeOffset.UtcNow, ConsentsToMessages: consents);

    [Theory]
    [InlineData("+7 916 555-01-02", "maria@example.ru", "email", "pending", "email", "maria@example.ru")]
    [InlineData("+7 916 555-01-02", null, "email", "pending", "sms", "+79165550102")]
    [InlineData("+7 916 555-01-02", "not an address", "email", "pending", "sms", "+79165550102")]
    [InlineData("+7 916 555-01-02", "maria@example.ru", "sms", "pending", "sms", "+79165550102")]
    [InlineData("+7 916 555-01-02", "maria@example.ru", "phone", "pending", "sms", "+79165550102")]
    [InlineData("+7 916 555-01-02", null, "messenger", "pending", "sms", "+79165550102")]
    [InlineData("+7 495 123-45-67", "maria@example.ru", "sms", "pending", "email", "maria@example.ru")] // a Moscow fixed line takes no SMS
    [InlineData("+7 495 123-45-67", null, "phone", "held", null, null)]
    [InlineData("8 916 555 01 02", null, "sms", "held", null, null)] // no country code: the platform cannot tell where it is
    [InlineData(null, null, "email", "held", null, null)]
    public void By_the_preferred_channel_when_it_has_an_address_else_the_other_else_held(
        string? phone, string? email, string preferred, string status, string? channel, string? address)
    {
        var route = ContactMessages.Route(Contact(phone, email, preferred));

        Assert.Equal((status, channel, address), (route.Status, route.Channel, route.Address));
        if (status == "held" || channel != preferred) Assert.False(string.IsNullOrEmpty(route.Note));
    }

    [Fact]
    public void Never_to_a_contact_who_has_not_agreed_nor_when_the_case_has_no_contact()
    {
        Assert.Equal("held", ContactMessages.Route(Contact("+7 916 555-01-02", "maria@example.ru", "email", consents: false)).Status);
        Assert.Equal("held", ContactMessages.Route(null).Status);
    }
}
