using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Contracts;
using Platform.Gateway.Auth;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

/// <summary>The replay moves the platform's clock, so it runs alone, after the other classes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PlatformClockCollection
{
    public const string Name = "platform clock";
}

/// <summary>
/// Seed 000 replayed through the gateway over three days: the father in a US hospital, his daughter's calls, documents,
/// a guarantee letter, the return flight. Each assertion is labelled with the row of PRODUCT.md's table it proves.
/// </summary>
[Collection(PlatformClockCollection.Name)]
public sealed class The_case_study_replayed_over_three_days(PlatformFixture platform) : IClassFixture<PlatformFixture>, IAsyncLifetime
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private readonly WebhookReceiver _receiver = new();

    [Fact]
    public async Task Meets_every_requirement_of_the_insurers_review()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("e2e-replay");
        var coordinator = StaffClient(tenant, "coordinator-anna", "coordinator");
        var doctor = StaffClient(tenant, "doctor-ivanov", "doctor");
        var supervisor = StaffClient(tenant, "supervisor-olga", "supervisor");

        // The insurer's register: 10,000 USD of medical expenses, the policy ends in five days.
        var csv = "policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,limits,deductible,covered_risks,excluded_risks\n" +
                  $"TRV-REPLAY-1,Comfort,{Today.AddDays(-10):yyyy-MM-dd},{Today.AddDays(5):yyyy-MM-dd},WORLD,Pyotr Ivanov,1956-04-12," +
                  "medical-expenses:10000:USD;repatriation:20000:USD;rehabilitation:1500:USD,100:USD,illness;accident,alcohol\n";
        (await insurer.PostAsync("/api/intake/policies/batch", new StringContent(csv, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        var hook = await (await insurer.PostAsJsonAsync("/api/cases/webhooks", new { url = _receiver.Url, events = new[] { "*" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var secret = hook.GetProperty("secret").GetString()!;

        // Day 1, call 1: the daughter calls.
        var call1 = await Call(insurer, "Отца госпитализировали с болью в груди. Что мне делать?");
        // Row 1: the call ends with a callback promise, due by urgency (an emergency: minutes).
        var promised = call1.GetProperty("callback").GetProperty("dueAt").GetDateTimeOffset();
        Assert.True(promised - call1.GetProperty("registeredAt").GetDateTimeOffset() <= TimeSpan.FromMinutes(15));
        // Row 2: next steps for the caller: what to send, what happens next.
        var steps = Codes(call1.GetProperty("nextSteps"));
        Assert.Contains("send-documents", steps);
        Assert.Contains("settlement", steps);
        // Row 4: US rules: ROMIF, itemised bill, no paying the clinic directly.
        Assert.Contains("romif", steps);
        Assert.Contains("itemised-bill", steps);
        Assert.Contains("no-direct-payment", steps);
        var caseNumber = await CaseNumberAsync(insurer, call1.GetProperty("id").GetGuid());

        // The coordinator takes the case, records the hospitalisation, the plan and what the clinic's doctor said.
        (await coordinator.PutAsJsonAsync($"/api/cases/cases/{caseNumber}/coordinator", new { coordinator = "coordinator-anna" })).EnsureSuccessStatusCode();
        (await coordinator.PutAsJsonAsync($"/api/cases/cases/{caseNumber}/status", new { status = "hospitalised", reason = "Admitted to AdventHealth Orlando" })).EnsureSuccessStatusCode();
        (await coordinator.PutAsJsonAsync($"/api/cases/cases/{caseNumber}/settlement-plan", new { kind = "hospitalisation" })).EnsureSuccessStatusCode();
        var medical = await (await doctor.PostAsJsonAsync($"/api/cases/cases/{caseNumber}/medical-details", new
        {
            diagnosis = new { code = "I21.4", text = "Non-ST elevation myocardial infarction" },
            procedures = new[] { "Coronary angiography", "Stent placement" },
            admissionOn = Today, expectedDischargeOn = Today.AddDays(8), returnFlightOn = Today.AddDays(6),
            recommendations = "Cardiology follow-up in 2 weeks; no flight for 7 days", fitToFly = "with-escort", rehabilitationNeeded = true,
        })).Content.ReadFromJsonAsync<JsonElement>();
        // Row 6: medical details are structured and the return flight is checked against the expected discharge.
        Assert.Equal("I21.4", medical.GetProperty("current").GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.Contains(medical.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("return-flight-before-discharge"));
        // Row 7: flying with an escort needs the MEDIF; it is explained.
        Assert.Contains(medical.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("medif-required"));

        // Row 1: nobody called back in time: an hour later the promise is overdue and escalated to a supervisor.
        await MoveClockAsync(TimeSpan.FromHours(1));
        await Eventually.True(async () => (await supervisor.GetFromJsonAsync<JsonElement>("/api/cases/tasks/overdue"))
                .EnumerateArray().Any(t => t.GetProperty("kind").GetString() == "callback" && t.TryGetProperty("escalatedAt", out var e) && e.ValueKind != JsonValueKind.Null),
            TimeSpan.FromSeconds(30), "the overdue callback is escalated");

        // Calls 2 and 3 the same day. Row 12: facts are captured once; each call joins the same case.
        foreach (var text in new[] { "Что с оплатой? Клиника присылает счета", "Когда папа сможет лететь домой?" })
        {
            var call = await Call(insurer, text);
            Assert.Equal(caseNumber, call.GetProperty("caseNumber").GetString());
        }

        // Row 7: the daughter sends a document; it is reviewed and she is told why it was rejected.
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.7\n% blurred passport scan\n%%EOF\n")) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, "file", "passport.pdf" },
            { new StringContent("passport"), "type" },
        };
        var uploaded = await (await insurer.PostAsync($"/api/cases/cases/{caseNumber}/documents", form)).Content.ReadFromJsonAsync<JsonElement>();
        var review = await coordinator.PostAsJsonAsync($"/api/cases/cases/{caseNumber}/documents/{uploaded.GetProperty("id").GetGuid()}/review",
            new { decision = "rejected", reason = "The scan is unreadable: the photo page is blurred" });
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        // Row 10: the checklist for a hospital case in the USA names what is still missing.
        var checklist = await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/documents/checklist");
        var items = checklist.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("type").GetString()!, i => i.GetProperty("state").GetString()!);
        Assert.Equal("rejected", items["passport"]);
        Assert.Equal("missing", items["romif"]);
        Assert.Equal("missing", items["itemised-bill"]);

        // Row 13: the clinic network issues a guarantee letter for 8,500 USD of the 10,000: past 80% of the limit.
        (await insurer.PostAsJsonAsync("/api/clinics/clinics/network/batch", new[]
        {
            new
            {
                code = "ORL-ADV", name = "AdventHealth Orlando", country = "US", city = "Orlando", address = "601 E Rollins St",
                latitude = 28.5744, longitude = -81.3689, email = "gop@adventhealth.example", inpatient = true, admits247 = true,
                directBilling = true, status = "active",
            },
        })).EnsureSuccessStatusCode();
        await Eventually.True(async () =>
        {
            var issued = await coordinator.PostAsJsonAsync("/api/clinics/guarantees", new
            {
                caseNumber, clinicCode = "ORL-ADV", benefit = "medical-expenses", amount = 8500m, currency = "USD",
                periodFrom = Today, periodTo = Today.AddDays(10), roomType = "semi-private",
            });
            if (issued.StatusCode == HttpStatusCode.NotFound) return false; // the case's cover is on its way to the clinic network
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
            return true;
        }, TimeSpan.FromSeconds(20), "the clinic network issues the letter within the case's cover");
        await Eventually.True(async () =>
        {
            var coverage = await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/coverage");
            return coverage.GetProperty("benefits").EnumerateArray().Any(b => b.GetProperty("benefit").GetString() == "medical-expenses" && b.GetProperty("reserved").GetDecimal() == 8500m);
        }, TimeSpan.FromSeconds(20), "the guarantee letter counts against the limit");

        // Day 2. Row 11: a hospitalised case gets its daily control call.
        await MoveClockAsync(TimeSpan.FromDays(1) + TimeSpan.FromHours(1));
        await Eventually.True(async () => (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/tasks"))
            .EnumerateArray().Any(t => t.GetProperty("kind").GetString() == "control-call"), TimeSpan.FromSeconds(30), "a control call is scheduled");

        // Day 3: the plan turns to repatriation. Row 8: its steps and who does what.
        (await coordinator.PutAsJsonAsync($"/api/cases/cases/{caseNumber}/settlement-plan", new { kind = "repatriation" })).EnsureSuccessStatusCode();
        await MoveClockAsync(TimeSpan.FromDays(2) + TimeSpan.FromHours(1));
        var tasks = await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/tasks");
        // Row 14: discharge after the policy's end raises an extension warning.
        Assert.Contains(tasks.EnumerateArray(), t => t.GetProperty("kind").GetString() == "extension-warning");
        // Row 13: the threshold raised a warning task.
        Assert.Contains(tasks.EnumerateArray(), t => t.GetProperty("kind").GetString() == "coverage-warning");

        // Row 5: the briefing answers whoever picks up the phone.
        var briefing = await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/briefing");
        Assert.Equal("hospitalised", briefing.GetProperty("status").GetString());
        Assert.Equal("coordinator-anna", briefing.GetProperty("coordinator").GetString());
        Assert.Equal("I21.4", briefing.GetProperty("medical").GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.True(briefing.GetProperty("lastContacts").EnumerateArray().Count(c => c.GetProperty("kind").GetString() == "appeal") >= 3);
        Assert.Contains(briefing.GetProperty("contacts").EnumerateArray(), c => c.GetProperty("name").GetString() == "Maria Ivanova");
        // Row 8: the repatriation plan's steps and owners are in the briefing; row 3: its current step.
        var plan = briefing.GetProperty("plan");
        Assert.Equal("repatriation", plan.GetProperty("kind").GetString());
        Assert.All(plan.GetProperty("steps").EnumerateArray(), s => Assert.False(string.IsNullOrEmpty(s.GetProperty("owner").GetString())));
        // Row 9: policy terms are answerable: limits, and rehabilitation after discharge.
        Assert.Contains(briefing.GetProperty("policy").GetProperty("limits").EnumerateArray(), l => l.GetProperty("benefit").GetString() == "rehabilitation");
        var callerSteps = Codes(briefing.GetProperty("nextStepsForCaller"));
        Assert.Contains("rehabilitation", callerSteps);
        Assert.Contains("policy-extension", callerSteps);
        Assert.Contains("medif", callerSteps);

        // Rows 7, 13, 14: the daughter was told: the rejected document, the limit, the policy's end.
        var timeline = await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/timeline");
        var messages = timeline.EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "message-to-contact").Select(e => e.GetProperty("summary").GetString()!).ToList();
        Assert.True(messages.Count >= 3, "messages to the contact: " + string.Join(" | ", messages));

        // The insurer heard of it through its signed webhook.
        await Eventually.True(() => Task.FromResult(_receiver.Received.Any(r => r.Body.Contains(caseNumber))), TimeSpan.FromSeconds(30), "a webhook arrives");
        Assert.All(_receiver.Received, r => Assert.Equal(Sign(secret, r.Timestamp, r.Body), r.Signature));
    }

    private HttpClient StaffClient(string tenant, string subject, string role) => platform.StaffClient(subject, role, tenant);

    private static async Task<JsonElement> Call(HttpClient insurer, string description)
    {
        var response = await insurer.PostAsJsonAsync("/api/intake/appeals", new
        {
            channel = "phone",
            caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
            insured = new { policyNumber = "TRV-REPLAY-1", fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
            location = new { country = "US", city = "Orlando" },
            description,
            risk = "illness",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<string> CaseNumberAsync(HttpClient insurer, Guid appealId)
    {
        string? number = null;
        await Eventually.True(async () =>
        {
            number = (await insurer.GetFromJsonAsync<JsonElement>($"/api/intake/appeals/{appealId}")).GetProperty("caseNumber").GetString();
            return number is not null;
        }, TimeSpan.FromSeconds(15), "the case is opened");
        return number!;
    }

    private async Task MoveClockAsync(TimeSpan offset) =>
        (await platform.Admin.PutAsJsonAsync("/admin/dev-clock", new { offset })).EnsureSuccessStatusCode();

    private static List<string> Codes(JsonElement steps) => steps.EnumerateArray().Select(s => s.GetProperty("code").GetString()!).ToList();

    private static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await MoveClockAsync(TimeSpan.Zero); // the clock goes back for whatever runs next
        _receiver.Dispose();
    }
}

/// <summary>The insurer's endpoint: a real HTTP listener on loopback that records what it receives.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    public string Url { get; }
    public ConcurrentBag<(string Signature, string Timestamp, string Body)> Received { get; } = [];

    public WebhookReceiver()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                Received.Add((context.Request.Headers["X-Webhook-Signature"] ?? "", context.Request.Headers["X-Webhook-Timestamp"] ?? "", await reader.ReadToEndAsync()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });
    }

    public void Dispose() => _listener.Close();
}
