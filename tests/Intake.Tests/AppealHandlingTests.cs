using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Intake.Tests;

public static class Json
{
    public static async Task<JsonElement> BodyAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static string[] Codes(this JsonElement appeal) =>
        appeal.GetProperty("nextSteps").EnumerateArray().Select(s => s.GetProperty("code").GetString()!).ToArray();
}

public sealed class Triage_and_the_callback_promise(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task A_red_flag_symptom_makes_an_emergency_promised_within_the_default_15_minutes()
    {
        var appeal = new
        {
            channel = "chat",
            caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
            insured = new { policyNumber = "TRV-1", fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
            location = new { country = "TR" },
            description = "У отца сильная БОЛЬ В ГРУДИ",
        };
        var before = DateTimeOffset.UtcNow;

        var body = await (await intake.ClientFor("triage-default").PostAsJsonAsync("/appeals", appeal)).BodyAsync();

        Assert.Equal("emergency", body.GetProperty("triage").GetString());
        Assert.Contains(body.GetProperty("triageReasons").EnumerateArray(), r => r.GetString()!.Contains("боль в груди"));
        var due = body.GetProperty("callback").GetProperty("dueAt").GetDateTimeOffset();
        Assert.InRange(due, before.AddMinutes(15), DateTimeOffset.UtcNow.AddMinutes(15));
        Assert.Equal("+7 916 555-01-02", body.GetProperty("callback").GetProperty("phone").GetString());
        Assert.Equal("emergency-services", body.Codes()[0]);
    }

    [Fact]
    public async Task Follows_the_insurers_own_red_flags_and_callback_times()
    {
        var insurer = intake.ClientFor("triage-tuned");
        var put = await insurer.PutAsJsonAsync("/settings", new { redFlags = new[] { "fracture" }, callbackMinutes = new Dictionary<string, int> { ["emergency"] = 5, ["planned"] = 120 } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var appeal = new
        {
            channel = "email",
            caller = new { name = "Ivan", relation = "insured", email = "ivan@example.org" },
            insured = new { policyNumber = "TRV-2", fullName = "Ivan Petrov" },
            location = new { country = "ES" },
            description = "Suspected fracture of the wrist after a fall",
        };
        var before = DateTimeOffset.UtcNow;

        var body = await (await insurer.PostAsJsonAsync("/appeals", appeal)).BodyAsync();

        Assert.Equal("emergency", body.GetProperty("triage").GetString());
        Assert.InRange(body.GetProperty("callback").GetProperty("dueAt").GetDateTimeOffset(), before.AddMinutes(5), DateTimeOffset.UtcNow.AddMinutes(5));
        // The insured may always be told medical details about themself.
        Assert.True(body.GetProperty("caller").GetProperty("mayReceiveMedicalDetails").GetBoolean());
    }

    [Fact]
    public async Task Rejects_settings_naming_the_bad_field()
    {
        var put = await intake.ClientFor("triage-bad").PutAsJsonAsync("/settings",
            new { redFlags = new[] { "" }, callbackMinutes = new Dictionary<string, int> { ["soon"] = 5, ["urgent"] = 0 } });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var errors = (await put.BodyAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("redFlags[0]", out _));
        Assert.True(errors.TryGetProperty("callbackMinutes.soon", out _));
        Assert.True(errors.TryGetProperty("callbackMinutes.urgent", out _));
    }
}

public sealed class Next_steps_for_the_caller(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task For_a_case_in_the_USA_include_the_ROMIF_and_itemised_bill_in_the_callers_language()
    {
        var body = await (await intake.ClientFor("steps").PostAsJsonAsync("/appeals", Appeals.Valid())).BodyAsync();

        var codes = body.Codes();
        Assert.Contains("romif", codes);
        Assert.Contains("itemised-bill", codes);
        Assert.Contains("no-direct-payment", codes);
        Assert.Contains("callback", codes);
        Assert.Contains("settlement", codes);
        var romif = body.GetProperty("nextSteps").EnumerateArray().First(s => s.GetProperty("code").GetString() == "romif");
        Assert.Contains("разрешение на передачу медицинской информации", romif.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Outside_the_USA_in_English_have_no_US_steps()
    {
        var appeal = new
        {
            channel = "phone",
            caller = new { name = "John", relation = "relative", phone = "+44 20 7946 0000", language = "en" },
            insured = new { policyNumber = "TRV-3", fullName = "Jane Smith", dateOfBirth = "1980-01-01" },
            location = new { country = "TH" },
            description = "Stomach ache for two days",
        };

        var body = await (await intake.ClientFor("steps").PostAsJsonAsync("/appeals", appeal)).BodyAsync();

        Assert.DoesNotContain("romif", body.Codes());
        Assert.StartsWith("A coordinator will call you back by", body.GetProperty("nextSteps")[0].GetProperty("text").GetString());
    }
}

public sealed class Idempotency_keys(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Are_kept_by_the_gateway_and_Intake_has_no_table_for_them()
    {
        // The gateway answers a retry with the same Idempotency-Key for every service (tests/Gateway.Tests/IdempotencyTests.cs);
        // migration 0004 dropped the table Intake used to keep them in.
        var client = intake.ClientFor("idem");
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/appeals", Appeals.Valid())).StatusCode);

        Assert.Equal(0, await intake.CountAsync("SELECT count(*) FROM pg_tables WHERE tablename = 'idempotency_keys'"));
    }
}

public sealed class An_appeal_about_an_insured_with_an_open_case(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Says_at_once_which_case_it_joined()
    {
        var client = intake.ClientFor("open-case");
        var first = await (await client.PostAsJsonAsync("/appeals", Appeals.Valid("TRV-OPEN"))).BodyAsync();
        Assert.False(first.GetProperty("attachedToOpenCase").GetBoolean());
        // Cases opens the case and says so (as it would over RabbitMQ).
        var bus = intake.Services.GetRequiredService<IBus>();
        await bus.Publish(new CaseOpened(Guid.NewGuid(), "open-case", "2026-000042", first.GetProperty("id").GetGuid(),
            new InsuredIdentity("TRV-OPEN", "Pyotr Ivanov", new DateOnly(1956, 4, 12)), DateTimeOffset.UtcNow));
        await Eventually.True(async () => await intake.CountAsync("SELECT count(*) FROM open_cases WHERE case_number = '2026-000042'") == 1,
            TimeSpan.FromSeconds(15), "Intake learns of the open case");

        var second = await (await client.PostAsJsonAsync("/appeals", Appeals.Valid("TRV-OPEN"))).BodyAsync();
        var otherTenant = await (await intake.ClientFor("open-case-other").PostAsJsonAsync("/appeals", Appeals.Valid("TRV-OPEN"))).BodyAsync();

        Assert.True(second.GetProperty("attachedToOpenCase").GetBoolean());
        Assert.Equal("2026-000042", second.GetProperty("caseNumber").GetString());
        Assert.Contains("callback-attached", second.Codes());
        Assert.Equal("2026-000042", (await client.GetFromJsonAsync<JsonElement>($"/appeals/{first.GetProperty("id").GetGuid()}")).GetProperty("caseNumber").GetString());
        Assert.False(otherTenant.GetProperty("attachedToOpenCase").GetBoolean());
    }

    [Fact]
    public async Task Is_not_attached_to_it_once_the_case_is_closed()
    {
        var client = intake.ClientFor("closed-case");
        var first = await (await client.PostAsJsonAsync("/appeals", Appeals.Valid("TRV-CLOSED"))).BodyAsync();
        var bus = intake.Services.GetRequiredService<IBus>();
        var caseId = Guid.NewGuid();
        await bus.Publish(new CaseOpened(caseId, "closed-case", "2026-000077", first.GetProperty("id").GetGuid(),
            new InsuredIdentity("TRV-CLOSED", "Pyotr Ivanov", new DateOnly(1956, 4, 12)), DateTimeOffset.UtcNow));
        await Eventually.True(async () => await intake.CountAsync("SELECT count(*) FROM open_cases WHERE case_id = @id", ("id", caseId)) == 1,
            TimeSpan.FromSeconds(15), "Intake learns of the open case");

        // Cases closes it (as it would over RabbitMQ).
        await bus.Publish(new CaseStatusChanged(caseId, "closed-case", "2026-000077", "open", "closed", "Recovered", DateTimeOffset.UtcNow));
        await Eventually.True(async () => await intake.CountAsync("SELECT count(*) FROM open_cases WHERE case_id = @id", ("id", caseId)) == 0,
            TimeSpan.FromSeconds(15), "Intake forgets the closed case");

        var later = await (await client.PostAsJsonAsync("/appeals", Appeals.Valid("TRV-CLOSED"))).BodyAsync();
        Assert.False(later.GetProperty("attachedToOpenCase").GetBoolean());
        Assert.Equal(JsonValueKind.Null, later.GetProperty("caseNumber").ValueKind);
    }
}

public sealed class The_work_queue(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Lists_the_most_urgent_first_and_lets_only_one_coordinator_take_an_appeal()
    {
        var insurer = intake.ClientFor("queue");
        var planned = await (await insurer.PostAsJsonAsync("/appeals", new
        {
            channel = "email",
            caller = new { name = "Ivan", relation = "insured", email = "ivan@example.org" },
            insured = new { policyNumber = "Q-1", fullName = "Ivan Petrov" },
            location = new { country = "ES" },
            description = "Question about a refund",
        })).BodyAsync();
        var emergency = await (await insurer.PostAsJsonAsync("/appeals", new
        {
            channel = "emergency-line",
            caller = new { name = "Dr. Garcia", relation = "clinic-doctor", phone = "+34 600 000 000" },
            insured = new { policyNumber = "Q-2", fullName = "Olga Petrova" },
            location = new { country = "ES" },
            description = "Patient admitted",
        })).BodyAsync();

        var queue = await intake.ClientFor("queue", "coordinator-1", "staff", "coordinator").GetFromJsonAsync<JsonElement>("/appeals/queue");
        var order = queue.EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
        Assert.True(order.IndexOf(emergency.GetProperty("id").GetGuid()) < order.IndexOf(planned.GetProperty("id").GetGuid()));

        var id = emergency.GetProperty("id").GetGuid();
        var takes = await Task.WhenAll(
            intake.ClientFor("queue", "coordinator-1", "staff", "coordinator").PostAsync($"/appeals/{id}/take", null),
            intake.ClientFor("queue", "coordinator-2", "staff", "coordinator").PostAsync($"/appeals/{id}/take", null));
        Assert.Single(takes, t => t.StatusCode == HttpStatusCode.OK);
        Assert.Single(takes, t => t.StatusCode == HttpStatusCode.Conflict);

        var winner = takes[0].StatusCode == HttpStatusCode.OK ? "coordinator-1" : "coordinator-2";
        var loser = winner == "coordinator-1" ? "coordinator-2" : "coordinator-1";
        Assert.Equal(HttpStatusCode.Conflict, (await intake.ClientFor("queue", loser, "staff", "coordinator").PostAsync($"/appeals/{id}/complete", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await intake.ClientFor("queue", winner, "staff", "coordinator").PostAsync($"/appeals/{id}/complete", null)).StatusCode);
        // Cases is told, through the outbox, so the callback promised for this appeal is kept.
        Assert.Equal(1, await intake.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.AppealHandled,%' AND body->>'appealId' = @id AND body->>'handledBy' = @by",
            ("id", id.ToString()), ("by", winner)));
        var after = await insurer.GetFromJsonAsync<JsonElement>("/appeals/queue");
        Assert.DoesNotContain(after.EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await intake.ClientFor("queue-other").PostAsync($"/appeals/{id}/take", null)).StatusCode);
    }
}
