using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Messaging;
using Platform.Tests;
using RabbitMQ.Client;

namespace Platform.Cases.Tests;

public sealed class An_overdue_callback(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Escalates_exactly_once_even_with_two_workers_scanning_at_once()
    {
        var tenant = TasksFactory.Tenant("sla-race");
        for (var i = 0; i < 10; i++) await cases.OpenCaseAsync(tenant, $"Race Person {i}");
        var callbacks = await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE tenant_id = @t AND kind = 'callback'", ("t", tenant));
        Assert.Equal(10, callbacks);

        // The callbacks were promised for an hour from now; two hours pass with nobody calling.
        cases.Clock.Advance(TimeSpan.FromHours(2));
        var (mine, other) = (cases.SlaClock, cases.AnotherSlaClock());
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? mine : other).RunOnceAsync()));

        Assert.Equal(10, await cases.CountAsync(
            "SELECT count(*) FROM case_tasks WHERE tenant_id = @t AND escalated_at IS NOT NULL AND escalated_to = 'supervisor'", ("t", tenant)));
        Assert.Equal(10, await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE tenant_id = @t AND kind = 'task-escalated'", ("t", tenant)));
        Assert.Equal(10, await cases.CountAsync(
            "SELECT count(DISTINCT body->>'taskId') FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.TaskOverdue,%' AND body->>'tenantId' = @t",
            ("t", tenant)));
        Assert.Equal(10, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.TaskOverdue,%' AND body->>'tenantId' = @t", ("t", tenant)));

        // Later scans find nothing new: the state is in the table, not in a worker's memory.
        cases.Clock.Advance(TimeSpan.FromHours(1));
        await Task.WhenAll(mine.RunOnceAsync(), other.RunOnceAsync());
        Assert.Equal(10, await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE tenant_id = @t AND kind = 'task-escalated'", ("t", tenant)));

        var overdue = await cases.ClientFor(tenant, "supervisor-olga", "staff", "supervisor").GetFromJsonAsync<JsonElement>("/tasks/overdue");
        Assert.Equal(10, overdue.GetArrayLength());
        Assert.All(overdue.EnumerateArray(), t =>
        {
            Assert.Equal("supervisor", t.GetProperty("escalatedTo").GetString());
            Assert.True(t.GetProperty("overdue").GetBoolean());
        });
        Assert.Equal(0, (await cases.ClientFor(TasksFactory.Tenant("sla-race-other")).GetFromJsonAsync<JsonElement>("/tasks/overdue")).GetArrayLength());
    }
}

public sealed class A_callback_completed_on_time(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Does_not_escalate_and_is_on_the_timeline()
    {
        var tenant = TasksFactory.Tenant("sla-on-time");
        var (_, number, _) = await cases.OpenCaseAsync(tenant);
        var coordinator = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        var callback = (await cases.TasksAsync(coordinator, number, "callback")).Single();

        cases.Clock.Advance(TimeSpan.FromMinutes(30));
        var done = await coordinator.PostAsJsonAsync($"/tasks/{callback.GetProperty("id").GetGuid()}/complete",
            new { note = "Told the daughter the clinic sends the bill to us; next call tomorrow", result = "reached" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var completed = await done.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("done", completed.GetProperty("status").GetString());
        Assert.True(completed.GetProperty("onTime").GetBoolean());
        Assert.Equal("coordinator-anna", completed.GetProperty("completedBy").GetString());
        Assert.Equal("reached", completed.GetProperty("result").GetString());
        Assert.Equal("Told the daughter the clinic sends the bill to us; next call tomorrow", completed.GetProperty("note").GetString());
        Assert.False(completed.TryGetProperty("outcome", out _));

        cases.Clock.Advance(TimeSpan.FromHours(3));
        await cases.SlaClock.RunOnceAsync();

        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE tenant_id = @t AND escalated_at IS NOT NULL", ("t", tenant)));
        Assert.Equal(0, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.TaskOverdue,%' AND body->>'tenantId' = @t", ("t", tenant)));
        var timeline = await coordinator.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline");
        var entry = timeline.EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "task-completed");
        Assert.Contains("on time", entry.GetProperty("summary").GetString());
        Assert.Equal("coordinator-anna", entry.GetProperty("actor").GetString());
        Assert.Equal("reached", entry.GetProperty("data").GetProperty("result").GetString());
        Assert.Equal("Told the daughter the clinic sends the bill to us; next call tomorrow", entry.GetProperty("data").GetProperty("note").GetString());

        // Done is done: a second completion is a conflict, and another tenant does not find the task at all.
        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsJsonAsync($"/tasks/{callback.GetProperty("id").GetGuid()}/complete",
            new { note = "again" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor(TasksFactory.Tenant("sla-on-time-other")).PostAsJsonAsync(
            $"/tasks/{callback.GetProperty("id").GetGuid()}/complete", new { note = "not mine" })).StatusCode);
    }
}

public sealed class Completing_a_task(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Needs_a_note_and_still_reads_the_former_name_outcome()
    {
        var tenant = TasksFactory.Tenant("complete-note");
        var (_, number, _) = await cases.OpenCaseAsync(tenant);
        var coordinator = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        var callback = (await cases.TasksAsync(coordinator, number, "callback")).Single().GetProperty("id").GetGuid();

        var withoutNote = await coordinator.PostAsJsonAsync($"/tasks/{callback}/complete", new { result = "reached" });
        var badResult = await coordinator.PostAsJsonAsync($"/tasks/{callback}/complete", new { note = "Called", result = "busy" });
        var formerName = await coordinator.PostAsJsonAsync($"/tasks/{callback}/complete", new { outcome = "Left a message with the ward", result = "left-message" });

        await Uploading_a_document.AssertProblemNaming(withoutNote, HttpStatusCode.BadRequest, "note");
        var problem = await Uploading_a_document.AssertProblemNaming(badResult, HttpStatusCode.BadRequest, "result");
        Assert.Contains("reached, no-answer, left-message", problem.GetProperty("errors").GetProperty("result")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, formerName.StatusCode);
        var completed = await formerName.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Left a message with the ward", completed.GetProperty("note").GetString());
        Assert.Equal("left-message", completed.GetProperty("result").GetString());
    }
}

public sealed class An_appeal_handled_before_cases_heard_of_it(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Completes_its_callback_on_time_once_the_appeal_arrives_and_never_escalates_it()
    {
        var tenant = TasksFactory.Tenant("sla-overtaken");
        var appeal = CasesFactory.Appeal(tenant, "Overtaken Person");
        // Handled 20 minutes into the hour promised (whole seconds, so PostgreSQL gives back exactly this).
        var handledAt = DateTimeOffset.FromUnixTimeSeconds(appeal.RegisteredAt.AddMinutes(20).ToUnixTimeSeconds());
        var handledId = Guid.NewGuid();

        // Intake's two events travel through different queues, so AppealHandled can arrive first.
        await cases.Services.GetRequiredService<IBus>().Publish(
            new AppealHandled(appeal.AppealId, tenant, "coordinator-anna", handledAt), ctx => ctx.MessageId = handledId);
        await Eventually.True(() => HandledOrPutAsideAsync(handledId), TimeSpan.FromSeconds(30),
            "Cases has tried the AppealHandled (applied it, or put it aside for redelivery)");

        var (_, number, _) = await cases.OpenCaseAsync(appeal);
        var coordinator = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        JsonElement callback = default;
        await Eventually.True(async () =>
                (callback = (await cases.TasksAsync(coordinator, number, "callback")).Single()).GetProperty("status").GetString() == "done",
            TimeSpan.FromSeconds(45), () => $"the redelivered AppealHandled completes the callback (last seen: {callback})");
        Assert.True(callback.GetProperty("onTime").GetBoolean());
        Assert.Equal("coordinator-anna", callback.GetProperty("completedBy").GetString());
        Assert.Equal(handledAt, callback.GetProperty("completedAt").GetDateTimeOffset());
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @id", ("id", handledId)));

        // Long past the promise, the clock finds nothing to escalate.
        cases.Clock.Advance(TimeSpan.FromHours(3));
        await cases.SlaClock.RunOnceAsync();
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE tenant_id = @t AND escalated_at IS NOT NULL", ("t", tenant)));
        Assert.Equal(0, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.TaskOverdue,%' AND body->>'tenantId' = @t", ("t", tenant)));
        var overdue = await cases.ClientFor(tenant, "supervisor-olga", "staff", "supervisor").GetFromJsonAsync<JsonElement>("/tasks/overdue");
        Assert.Equal(0, overdue.GetArrayLength());
        var timeline = await coordinator.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline");
        var entry = timeline.EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "task-completed");
        Assert.Contains("on time", entry.GetProperty("summary").GetString());
        Assert.Equal("coordinator-anna", entry.GetProperty("actor").GetString());
    }

    /// <summary>
    /// Cases is done with the message for now: it applied it (its inbox row), or it failed the quick retries and put it
    /// in the first delay queue (named by Broker.DelayAsync, 5 s by default) to come back later.
    /// </summary>
    private async Task<bool> HandledOrPutAsideAsync(Guid messageId)
    {
        if (await cases.CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @id", ("id", messageId)) > 0) return true;
        var queue = cases.Services.GetRequiredService<ConsumerEndpoints>().All.Single(c => c.Message == typeof(AppealHandled)).Queue;
        // A connection of the test's own: a passive declare of a queue that does not exist yet closes its channel.
        await using var connection = await new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMq) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync($"{queue}_delay_5s")).MessageCount > 0;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }
}

public sealed class The_sla_clock_timer(TimerTasksFactory cases) : IClassFixture<TimerTasksFactory>
{
    [Fact]
    public async Task Escalates_an_overdue_callback_without_anyone_asking()
    {
        var tenant = TasksFactory.Tenant("sla-timer");
        await cases.OpenCaseAsync(tenant);

        // Moving the clock past the promise fires the scan timer, which runs on the same clock.
        cases.Clock.Advance(TimeSpan.FromHours(2));

        await Eventually.True(async () => await cases.CountAsync(
            "SELECT count(*) FROM case_tasks WHERE tenant_id = @t AND escalated_at IS NOT NULL", ("t", tenant)) == 1,
            TimeSpan.FromSeconds(15), "the timer's scan escalates the callback");
    }
}

public sealed class Manual_tasks(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Are_validated_field_by_field()
    {
        var tenant = TasksFactory.Tenant("manual-invalid");
        var (_, number, _) = await cases.OpenCaseAsync(tenant);
        var response = await cases.ClientFor(tenant).PostAsJsonAsync($"/cases/{number}/tasks",
            new { kind = "coverage-warning", title = "", dueAt = cases.Clock.GetUtcNow().AddHours(-1), owner = new string('x', 101) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "kind", "title", "dueAt", "owner" })
            Assert.True(errors.TryGetProperty(field, out _), $"{field} is named: {errors}");
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public async Task Are_listed_with_the_case_and_hidden_from_other_tenants()
    {
        var tenant = TasksFactory.Tenant("manual-tasks");
        var (_, number, _) = await cases.OpenCaseAsync(tenant);
        var coordinator = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        var dueAt = cases.Clock.GetUtcNow().AddHours(6);

        var created = await coordinator.PostAsJsonAsync($"/cases/{number}/tasks",
            new { kind = "document-chase", title = "Ask the clinic for the itemised bill", dueAt, owner = "coordinator-anna" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var task = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/tasks/{task.GetProperty("id").GetGuid()}", created.Headers.Location?.ToString());
        var listed = await cases.TasksAsync(coordinator, number);
        Assert.Equal(new[] { "callback", "document-chase" }, listed.Select(t => t.GetProperty("kind").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor(TasksFactory.Tenant("manual-other")).GetAsync($"/cases/{number}/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor(TasksFactory.Tenant("manual-other")).GetAsync($"/tasks/{task.GetProperty("id").GetGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await cases.CreateClient().GetAsync("/tasks/overdue")).StatusCode);
    }
}

public sealed class A_case_closed_with_a_callback_still_promised(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Cancels_its_open_tasks_and_never_escalates_them()
    {
        var tenant = TasksFactory.Tenant("sla-closed");
        var (caseId, number, _) = await cases.OpenCaseAsync(tenant, "Closed Person");
        var coordinator = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        Assert.Single(await cases.TasksAsync(coordinator, number, "callback"));

        var closed = await coordinator.PutAsJsonAsync($"/cases/{number}/status", new { status = "closed", reason = "Duplicate of another case" });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);

        // The promise would have been overdue an hour later.
        cases.Clock.Advance(TimeSpan.FromHours(2));
        await cases.SlaClock.RunOnceAsync();

        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND status = 'open'", ("id", caseId)));
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'callback' AND status = 'cancelled' AND escalated_at IS NULL", ("id", caseId)));
        Assert.Equal(0, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.TaskOverdue,%' AND body->>'tenantId' = @t", ("t", tenant)));
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE case_id = @id AND kind = 'task-cancelled'", ("id", caseId)));
    }
}
