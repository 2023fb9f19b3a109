using Platform.Messaging;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Cases.Tests;

/// <summary>
/// Cases with a receiver on loopback: private addresses allowed (production refuses them), the dispatcher polling
/// often, and three attempts per delivery (a cap on top of the retry window) so that giving up takes 1 s + 2 s.
/// </summary>
public sealed class WebhooksFactory() : ServiceFactory<Program>("casesdb"), IAsyncLifetime
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Receiver.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
        builder.UseSetting("Webhooks:PollInterval", "00:00:00.100");
        builder.UseSetting("Webhooks:MaxAttempts", "3");
    }

    /// <summary>Subscribes <paramref name="tenant"/> and returns the subscription's id and generated secret.</summary>
    public async Task<(Guid Id, string Secret)> SubscribeAsync(string tenant, string path, params string[] events)
    {
        var response = await ClientFor(tenant).PostAsJsonAsync("/webhooks", new { url = Receiver.Url(path), events });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetGuid(), created.GetProperty("secret").GetString()!);
    }

    public async Task<JsonElement[]> DeliveriesAsync(string tenant, Guid subscription) =>
        (await ClientFor(tenant).GetFromJsonAsync<JsonElement>($"/webhooks/{subscription}/deliveries")).EnumerateArray().ToArray();
}

public sealed class Insurer_webhooks(WebhooksFactory cases) : IClassFixture<WebhooksFactory>
{
    private WebhookReceiver Receiver => cases.Receiver;

    [Fact]
    public async Task Post_each_timeline_entry_signed_with_the_secret_returned_once()
    {
        const string tenant = "hooks-signed";
        var (subscription, secret) = await cases.SubscribeAsync(tenant, "/signed", "*");
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Signed Person"));

        await Eventually.True(() => Task.FromResult(Receiver.At("/signed").Length >= 3), TimeSpan.FromSeconds(15), "the case's first entries arrive");
        var received = Receiver.At("/signed");
        Assert.All(received, r => Assert.True(r.IsSignedWith(secret), $"bad signature on {r.Body}"));
        Assert.All(received, r => Assert.InRange(long.Parse(r.Timestamp!), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var bodies = received.Select(r => JsonSerializer.Deserialize<JsonElement>(r.Body)).ToArray();
        var kinds = bodies.Select(b => b.GetProperty("kind").GetString()).ToArray();
        Assert.Contains("case-opened", kinds);
        Assert.Contains("appeal", kinds);
        Assert.Contains("task-created", kinds);
        var opened = bodies.Single(b => b.GetProperty("kind").GetString() == "case-opened");
        Assert.Equal(tenant, opened.GetProperty("tenantId").GetString());
        Assert.Equal(caseId, opened.GetProperty("caseId").GetGuid());
        Assert.Equal(number, opened.GetProperty("caseNumber").GetString());
        Assert.Contains("Signed Person", opened.GetProperty("summary").GetString());
        Assert.True(opened.TryGetProperty("at", out _) && opened.TryGetProperty("id", out _) && opened.TryGetProperty("data", out _));

        // The secret is never shown again, and the log names each delivery by the id the receiver saw.
        var listed = await cases.ClientFor(tenant).GetStringAsync("/webhooks");
        Assert.DoesNotContain(secret, listed);
        await Eventually.True(async () => (await cases.DeliveriesAsync(tenant, subscription)).All(d => d.GetProperty("status").GetString() == "delivered"),
            TimeSpan.FromSeconds(10), "the log records the deliveries");
        var log = await cases.DeliveriesAsync(tenant, subscription);
        Assert.Subset(log.Select(d => d.GetProperty("id").GetString()).ToHashSet(), received.Select(r => r.Id).ToHashSet());
        Assert.All(log, d => Assert.Equal(204, d.GetProperty("attemptLog")[0].GetProperty("statusCode").GetInt32()));
    }

    [Fact]
    public async Task Send_text_as_it_is_with_cyrillic_and_plus_unescaped()
    {
        const string tenant = "hooks-utf8";
        await cases.SubscribeAsync(tenant, "/utf8", "appeal", "case-opened");
        var appeal = CasesFactory.Appeal(tenant, "Пётр Иванов") with
        {
            Caller = new AppealCaller("Мария Иванова", "relative", "+7 916 555-01-02", null, "ru", false),
            Description = "Отцу плохо: давит в груди & <одышка>",
        };
        await CaseOpening.OpenAsync(cases, appeal);

        await Eventually.True(() => Task.FromResult(Receiver.At("/utf8").Length >= 2), TimeSpan.FromSeconds(15), "both entries arrive");
        var bodies = Receiver.At("/utf8").Select(r => r.Body).ToArray();
        Assert.All(bodies, body => Assert.DoesNotContain("\\u", body));
        var opened = Assert.Single(bodies, b => b.Contains("\"kind\":\"case-opened\""));
        Assert.Contains("Пётр Иванов", opened);
        var fromAppeal = Assert.Single(bodies, b => b.Contains("\"kind\":\"appeal\""));
        Assert.Contains("\"Мария Иванова\"", fromAppeal);
        Assert.Contains("\"+7 916 555-01-02\"", fromAppeal);
        Assert.Contains("Отцу плохо: давит в груди & <одышка>", fromAppeal);
        // And what was written is what was signed.
        Assert.All(Receiver.At("/utf8"), r => Assert.Equal(JsonValueKind.Object, JsonSerializer.Deserialize<JsonElement>(r.Body).ValueKind));
    }

    [Fact]
    public async Task Send_only_the_kinds_subscribed_to()
    {
        const string tenant = "hooks-kinds";
        var (subscription, _) = await cases.SubscribeAsync(tenant, "/kinds", "case-opened", "document-received");
        var (_, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Kinds Person"));
        await cases.ClientFor(tenant).PostAsync($"/cases/{number}/documents", SampleFiles.Form(SampleFiles.Pdf(), "application/pdf", "passport"));

        await Eventually.True(() => Task.FromResult(Receiver.At("/kinds").Length >= 2), TimeSpan.FromSeconds(15), "two entries arrive");
        // Deliveries are written with the entries they carry, in one transaction, and only deliveries are sent: the
        // subscription's deliveries are the whole of what it can ever receive for what happened so far.
        Assert.Equal(2, (await cases.DeliveriesAsync(tenant, subscription)).Length);

        Assert.Equal(["case-opened", "document-received"], Receiver.At("/kinds")
            .Select(r => JsonSerializer.Deserialize<JsonElement>(r.Body).GetProperty("kind").GetString()).Order());
    }

    [Fact]
    public async Task Retry_a_failing_endpoint_with_growing_waits_until_it_answers()
    {
        const string tenant = "hooks-flaky";
        Receiver.FailNext("/flaky", 500, 503);
        var (subscription, _) = await cases.SubscribeAsync(tenant, "/flaky", "case-opened");
        await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Flaky Person"));

        await Eventually.True(() => Task.FromResult(Receiver.At("/flaky").Length >= 3), TimeSpan.FromSeconds(20), "the third attempt arrives");
        var attempts = Receiver.At("/flaky");
        Assert.Equal([500, 503, 204], attempts.Select(a => a.AnsweredWith));
        Assert.Single(attempts.Select(a => a.Id).Distinct()); // one delivery, retried under its id
        Assert.InRange((attempts[1].At - attempts[0].At).TotalSeconds, 0.9, 5);
        Assert.InRange((attempts[2].At - attempts[1].At).TotalSeconds, 1.9, 6);

        await Eventually.True(async () => (await cases.DeliveriesAsync(tenant, subscription)).Single().GetProperty("status").GetString() == "delivered",
            TimeSpan.FromSeconds(10), "the delivery is recorded as delivered");
        var delivery = (await cases.DeliveriesAsync(tenant, subscription)).Single();
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal([500, 503, 204], delivery.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Contains("500", delivery.GetProperty("attemptLog")[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Give_up_after_the_last_attempt_and_log_the_delivery_as_failed()
    {
        const string tenant = "hooks-down";
        Receiver.FailAlways("/down", 502);
        var (subscription, _) = await cases.SubscribeAsync(tenant, "/down", "case-opened");
        await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Down Person"));

        await Eventually.True(async () => (await cases.DeliveriesAsync(tenant, subscription)).SingleOrDefault() is { } d &&
            d.GetProperty("status").GetString() == "failed", TimeSpan.FromSeconds(20), "the delivery fails for good");
        // "failed" is written once the last attempt has been answered, and a failed delivery is never picked again.

        var delivery = (await cases.DeliveriesAsync(tenant, subscription)).Single();
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(502, delivery.GetProperty("lastStatusCode").GetInt32());
        Assert.StartsWith("Gave up after 3 attempt(s)", delivery.GetProperty("lastError").GetString());
        Assert.Equal(3, Receiver.At("/down").Length);
    }

    [Fact]
    public async Task Redeliver_a_failed_delivery_on_request_under_the_same_id()
    {
        const string tenant = "hooks-redeliver";
        Receiver.FailNext("/redeliver", 502, 502, 502);
        var (subscription, secret) = await cases.SubscribeAsync(tenant, "/redeliver", "case-opened");
        await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Redeliver Person"));
        await Eventually.True(async () => (await cases.DeliveriesAsync(tenant, subscription)).SingleOrDefault() is { } d &&
            d.GetProperty("status").GetString() == "failed", TimeSpan.FromSeconds(20), "the delivery fails for good");
        var id = (await cases.DeliveriesAsync(tenant, subscription)).Single().GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor("hooks-redeliver-other").PostAsync($"/webhooks/deliveries/{id}/redeliver", null)).StatusCode);
        var redeliver = await cases.ClientFor(tenant).PostAsync($"/webhooks/deliveries/{id}/redeliver", null);

        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        Assert.Equal("pending", (await redeliver.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await Eventually.True(async () => (await cases.ClientFor(tenant).GetFromJsonAsync<JsonElement>($"/webhooks/deliveries/{id}"))
            .GetProperty("status").GetString() == "delivered", TimeSpan.FromSeconds(15), "the redelivery arrives");
        var received = Receiver.At("/redeliver");
        Assert.Equal([502, 502, 502, 204], received.Select(r => r.AnsweredWith));
        Assert.All(received, r => Assert.Equal(id.ToString(), r.Id));
        Assert.True(received[^1].IsSignedWith(secret));
        var delivery = await cases.ClientFor(tenant).GetFromJsonAsync<JsonElement>($"/webhooks/deliveries/{id}");
        Assert.Equal(4, delivery.GetProperty("attemptLog").GetArrayLength());
        Assert.Equal(subscription, delivery.GetProperty("subscriptionId").GetGuid());

        // Once unsubscribed there is nowhere to send it.
        await cases.ClientFor(tenant).DeleteAsync($"/webhooks/{subscription}");
        Assert.Equal(HttpStatusCode.Conflict, (await cases.ClientFor(tenant).PostAsync($"/webhooks/deliveries/{id}/redeliver", null)).StatusCode);
    }

    [Fact]
    public async Task Never_reach_another_tenants_endpoint()
    {
        await cases.SubscribeAsync("hooks-mine", "/mine", "*");
        var (theirs, _) = await cases.SubscribeAsync("hooks-theirs", "/theirs", "*");
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal("hooks-mine", "Mine Person"));
        await cases.ClientFor("hooks-mine").PostAsync($"/cases/{number}/documents", SampleFiles.Form(SampleFiles.Pdf(), "application/pdf", "passport"));

        await Eventually.True(() => Task.FromResult(Receiver.At("/mine").Length >= 4), TimeSpan.FromSeconds(15), "the owner's entries arrive");
        // Only deliveries are sent, and the other tenant's subscription has none (below): nothing can reach it later.

        Assert.Empty(Receiver.At("/theirs"));
        Assert.Empty(await cases.DeliveriesAsync("hooks-theirs", theirs));
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM webhook_deliveries WHERE case_id = @id AND tenant_id <> 'hooks-mine'", ("id", caseId)));
        // Nor can another tenant read or delete a subscription: it is not found.
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor("hooks-mine").GetAsync($"/webhooks/{theirs}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor("hooks-mine").DeleteAsync($"/webhooks/{theirs}")).StatusCode);
        Assert.Single((await cases.ClientFor("hooks-theirs").GetFromJsonAsync<JsonElement>("/webhooks")).EnumerateArray());
    }

    [Fact]
    public async Task Stop_once_the_subscription_is_deleted_and_cancel_what_was_still_to_retry()
    {
        const string tenant = "hooks-deleted";
        Receiver.FailAlways("/deleted", 503);
        var (subscription, _) = await cases.SubscribeAsync(tenant, "/deleted", "case-opened");
        await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Deleted Person"));
        // The first attempt failed: the delivery waits for its retry (about a second later).
        await Eventually.True(() => Task.FromResult(Receiver.At("/deleted").Length >= 1), TimeSpan.FromSeconds(15), "the first attempt arrives");

        var deleted = await cases.ClientFor(tenant).DeleteAsync($"/webhooks/{subscription}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM webhook_deliveries WHERE subscription_id = @id AND status = 'cancelled'", ("id", subscription)));
        // The retries would have come after 1 s and 2 s more.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.Single(Receiver.At("/deleted"));
        Assert.Empty((await cases.ClientFor(tenant).GetFromJsonAsync<JsonElement>("/webhooks")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor(tenant).DeleteAsync($"/webhooks/{subscription}")).StatusCode);
    }

    [Fact]
    public async Task Keep_a_secret_the_insurer_chose_and_do_not_echo_it()
    {
        const string tenant = "hooks-own-secret";
        var response = await cases.ClientFor(tenant).PostAsJsonAsync("/webhooks",
            new { url = Receiver.Url("/own-secret"), events = new[] { "case-opened" }, secret = "insurer-chosen-secret-0123456789" });
        await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Secret Person"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").ValueKind);
        await Eventually.True(() => Task.FromResult(Receiver.At("/own-secret").Length == 1), TimeSpan.FromSeconds(15), "the entry arrives");
        Assert.True(Receiver.At("/own-secret")[0].IsSignedWith("insurer-chosen-secret-0123456789"));
    }
}

public sealed class Subscribing_to_webhooks(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Theory]
    [InlineData("ftp://insurer.example/hooks")]
    [InlineData("/hooks/relative")]
    [InlineData("not a url")]
    [InlineData("https://user:password@insurer.example/hooks")]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("http://localhost/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.0.0.5/hooks")]
    [InlineData("https://[::ffff:10.0.0.5]/hooks")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/latest/meta-data")]
    [InlineData("https://[2002:c0a8:0101::1]/hooks")]
    [InlineData("https://[::127.0.0.1]/hooks")]
    public async Task With_a_url_that_is_not_an_absolute_public_http_url_gets_a_problem_naming_url(string url)
    {
        var response = await cases.ClientFor("hooks-validation").PostAsJsonAsync("/webhooks", new { url, events = new[] { "*" } });

        await Uploading_a_document.AssertProblemNaming(response, HttpStatusCode.BadRequest, "url");
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM webhook_subscriptions WHERE tenant_id = 'hooks-validation'"));
    }

    [Fact]
    public async Task Without_events_or_with_a_malformed_kind_or_a_short_secret_gets_a_problem_naming_them()
    {
        var client = cases.ClientFor("hooks-validation");

        var none = await client.PostAsJsonAsync("/webhooks", new { url = "https://insurer.example/hooks", events = Array.Empty<string>() });
        var malformed = await client.PostAsJsonAsync("/webhooks",
            new { url = "https://insurer.example/hooks", events = new[] { "case-opened", "Case Opened!" }, secret = "short" });

        await Uploading_a_document.AssertProblemNaming(none, HttpStatusCode.BadRequest, "events");
        var problem = await Uploading_a_document.AssertProblemNaming(malformed, HttpStatusCode.BadRequest, "events[1]");
        Assert.True(problem.GetProperty("errors").TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task With_an_unknown_event_kind_gets_a_problem_naming_it_and_listing_the_known_kinds()
    {
        var response = await cases.ClientFor("hooks-validation").PostAsJsonAsync("/webhooks",
            new { url = "https://insurer.example/hooks", events = new[] { "case-opened", "case-exploded" } });

        var problem = await Uploading_a_document.AssertProblemNaming(response, HttpStatusCode.BadRequest, "events[1]");
        var error = problem.GetProperty("errors").GetProperty("events[1]")[0].GetString()!;
        Assert.Contains("case-exploded", error);
        Assert.All(Timeline.TimelineKinds.All, kind => Assert.Contains(kind, error));
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM webhook_subscriptions WHERE tenant_id = 'hooks-validation'"));
    }

    [Fact]
    public async Task To_a_public_url_returns_a_generated_secret_once()
    {
        var client = cases.ClientFor("hooks-public");

        var response = await client.PostAsJsonAsync("/webhooks", new { url = "https://insurer.example/hooks/cases", events = new[] { "*" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString());
        var read = await client.GetStringAsync($"/webhooks/{created.GetProperty("id").GetGuid()}");
        Assert.Contains("https://insurer.example/hooks/cases", read);
        Assert.DoesNotContain("whsec_", read);
    }
}

/// <summary>Cases outside Development, as far as webhooks go: http is refused.</summary>
public sealed class HttpsOnlyCasesFactory() : ServiceFactory<Program>("casesdb")
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:AllowHttp", "false");
    }
}

public sealed class Subscribing_where_deliveries_must_be_encrypted(HttpsOnlyCasesFactory cases) : IClassFixture<HttpsOnlyCasesFactory>
{
    [Fact]
    public async Task With_an_http_url_gets_a_problem_naming_url_and_with_https_is_created()
    {
        var client = cases.ClientFor("hooks-https");

        var http = await client.PostAsJsonAsync("/webhooks", new { url = "http://insurer.example/hooks", events = new[] { "*" } });
        var https = await client.PostAsJsonAsync("/webhooks", new { url = "https://insurer.example/hooks", events = new[] { "*" } });

        var problem = await Uploading_a_document.AssertProblemNaming(http, HttpStatusCode.BadRequest, "url");
        Assert.Contains("https", problem.GetProperty("errors").GetProperty("url")[0].GetString());
        Assert.Equal(HttpStatusCode.Created, https.StatusCode);
    }
}

public sealed class Webhook_addresses
{
    [Theory]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]                 // IPv4-mapped
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("::ffff:93.184.216.34", true)]
    [InlineData("::127.0.0.1", false)]                      // IPv4-compatible (deprecated): refused whatever it wraps
    [InlineData("::10.0.0.1", false)]
    [InlineData("::93.184.216.34", false)]
    [InlineData("64:ff9b::127.0.0.1", false)]               // NAT64, well-known prefix
    [InlineData("64:ff9b::a9fe:a9fe", false)]               // ... to 169.254.169.254
    [InlineData("64:ff9b::c0a8:0101", false)]               // ... to 192.168.1.1
    [InlineData("64:ff9b::5db8:d822", true)]                // ... to 93.184.216.34
    [InlineData("64:ff9b:1::5db8:d822", false)]             // NAT64 for local use
    [InlineData("2002:7f00:0001::1", false)]                // 6to4 of 127.0.0.1
    [InlineData("2002:0a00:0001::1", false)]                // 6to4 of 10.0.0.1
    [InlineData("2002:a9fe:a9fe::1", false)]                // 6to4 of 169.254.169.254
    [InlineData("2002:5db8:d822::1", true)]                 // 6to4 of 93.184.216.34
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", false)] // Teredo
    [InlineData("2001:db8::1", false)]                      // documentation
    [InlineData("2001:4860:4860::8888", true)]              // 2001:: outside Teredo's /32
    public void Are_public_only_when_nothing_on_the_way_leads_to_a_private_one(string address, bool allowed) =>
        Assert.Equal(allowed, Webhooks.WebhookEgress.IsPublic(IPAddress.Parse(address)));
}

public sealed class Webhook_retries
{
    [Fact]
    public void Go_on_for_a_day_by_default_with_doubling_waits_capped_at_an_hour()
    {
        var options = new Webhooks.WebhookOptions();
        var start = DateTimeOffset.UnixEpoch;
        var now = start;
        var waits = new List<TimeSpan>();
        for (var attempt = 1; ; attempt++)
        {
            if (RetrySchedule.NextAttempt(attempt, now, start, options, random: 0.5) is not { } next) break;
            waits.Add(next - now);
            now = next;
        }

        Assert.InRange(now - start, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        Assert.All(waits, w => Assert.True(w <= TimeSpan.FromHours(1), $"{w} is over the cap"));
        Assert.Equal(TimeSpan.FromSeconds(1.1), waits[0]); // 1 s, spread by half the 20 % jitter
        Assert.Equal(TimeSpan.FromSeconds(2.2), waits[1]);
        Assert.Equal(TimeSpan.FromMinutes(54), waits[^1]); // at the cap the spread shortens the wait
    }

    [Theory]
    [InlineData(1, 0.0, 1.0)]
    [InlineData(1, 0.999, 1.1998)]
    [InlineData(3, 0.0, 4.0)]
    [InlineData(20, 0.0, 3600.0)]
    [InlineData(20, 0.999, 2880.72)]
    public void Wait_between_the_doubling_and_the_cap(int attempt, double random, double seconds) =>
        Assert.Equal(seconds, RetrySchedule.Backoff(attempt, new Webhooks.WebhookOptions(), random).TotalSeconds, 3);

    [Fact]
    public void Stop_at_the_end_of_a_configured_window()
    {
        var options = new Webhooks.WebhookOptions { RetryFor = TimeSpan.FromMinutes(10), Jitter = 0 };
        var start = DateTimeOffset.UnixEpoch;
        // Attempts at 0, 1, 3, 7, ... 255 s; the ninth's retry at 511 s is inside the window, the tenth's (1023 s) is not.
        Assert.Equal(start.AddSeconds(511), RetrySchedule.NextAttempt(9, start.AddSeconds(255), start, options, 0));
        Assert.Null(RetrySchedule.NextAttempt(10, start.AddSeconds(511), start, options, 0));
    }
}
