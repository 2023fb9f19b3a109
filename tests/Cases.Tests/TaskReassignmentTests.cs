using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Cases.Tests;

public sealed class Reassigning_a_task(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Gives_an_overdue_callback_to_another_coordinator_and_says_so_on_the_timeline()
    {
        var tenant = TasksFactory.Tenant("reassign");
        var (caseId, number, _) = await cases.OpenCaseAsync(tenant, "Reassigned Person");
        var supervisor = cases.ClientFor(tenant, "supervisor-olga", "staff", "supervisor");
        var callback = (await cases.TasksAsync(supervisor, number, "callback")).Single().GetProperty("id").GetGuid();
        // The callback was promised for an hour from now; two hours pass and it is on the supervisors' overdue list.
        cases.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Contains((await supervisor.GetFromJsonAsync<JsonElement>("/tasks/overdue")).EnumerateArray(), t => t.GetProperty("id").GetGuid() == callback);

        var response = await supervisor.PutAsJsonAsync($"/tasks/{callback}/owner", new { owner = "coordinator-boris", reason = "Anna is on another call" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var task = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(callback, task.GetProperty("id").GetGuid());
        Assert.Equal("coordinator-boris", task.GetProperty("owner").GetString());
        Assert.Equal("open", task.GetProperty("status").GetString());
        Assert.True(task.GetProperty("overdue").GetBoolean());
        Assert.Equal(number, task.GetProperty("caseNumber").GetString());
        Assert.Equal("coordinator-boris", (await supervisor.GetFromJsonAsync<JsonElement>($"/tasks/{callback}")).GetProperty("owner").GetString());
        var overdue = (await supervisor.GetFromJsonAsync<JsonElement>("/tasks/overdue")).EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == callback);
        Assert.Equal("coordinator-boris", overdue.GetProperty("owner").GetString());

        var entry = (await supervisor.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray()
            .Single(e => e.GetProperty("kind").GetString() == "task-reassigned");
        Assert.Equal("supervisor-olga", entry.GetProperty("actor").GetString());
        Assert.Contains("to coordinator-boris: Anna is on another call", entry.GetProperty("summary").GetString());
        Assert.Equal(callback, entry.GetProperty("data").GetProperty("taskId").GetGuid());
        Assert.Equal("callback", entry.GetProperty("data").GetProperty("kind").GetString());
        Assert.Equal("coordinator-boris", entry.GetProperty("data").GetProperty("owner").GetString());
        Assert.Equal("Anna is on another call", entry.GetProperty("data").GetProperty("reason").GetString());

        // Giving it to the one who has it changes nothing and writes nothing.
        var again = await supervisor.PutAsJsonAsync($"/tasks/{callback}/owner", new { owner = " coordinator-boris " });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE case_id = @id AND kind = 'task-reassigned'", ("id", caseId)));

        // Another reassignment names who had it.
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync($"/tasks/{callback}/owner", new { owner = "coordinator-anna" })).StatusCode);
        var second = (await supervisor.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray()
            .Last(e => e.GetProperty("kind").GetString() == "task-reassigned");
        Assert.Equal("coordinator-boris", second.GetProperty("data").GetProperty("previous").GetString());
        Assert.Contains("from coordinator-boris to coordinator-anna", second.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Is_validated_field_by_field_and_changes_nothing_when_refused()
    {
        var tenant = TasksFactory.Tenant("reassign-bad");
        var (caseId, number, _) = await cases.OpenCaseAsync(tenant, "Invalid Person");
        var supervisor = cases.ClientFor(tenant, "supervisor-olga", "staff", "supervisor");
        var callback = (await cases.TasksAsync(supervisor, number, "callback")).Single().GetProperty("id").GetGuid();

        await Uploading_a_document.AssertProblemNaming(await supervisor.PutAsJsonAsync($"/tasks/{callback}/owner", new { reason = "no one named" }),
            HttpStatusCode.BadRequest, "owner");
        await Uploading_a_document.AssertProblemNaming(await supervisor.PutAsJsonAsync($"/tasks/{callback}/owner", new { owner = "   " }),
            HttpStatusCode.BadRequest, "owner");
        await Uploading_a_document.AssertProblemNaming(await supervisor.PutAsJsonAsync($"/tasks/{callback}/owner", new { owner = new string('x', 101) }),
            HttpStatusCode.BadRequest, "owner");
        await Uploading_a_document.AssertProblemNaming(await supervisor.PutAsJsonAsync($"/tasks/{callback}/owner", new { owner = "coordinator\u0000boris" }),
            HttpStatusCode.BadRequest, "owner");
        await Uploading_a_document.AssertProblemNaming(await supervisor.PutAsJsonAsync($"/tasks/{callback}/owner", new { owner = "coordinator-boris", reason = new string('x', 501) }),
            HttpStatusCode.BadRequest, "reason");

        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND owner IS NOT NULL", ("id", caseId)));
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE case_id = @id AND kind = 'task-reassigned'", ("id", caseId)));
    }

    [Fact]
    public async Task Is_for_supervisors_of_the_tenant_and_only_while_the_task_is_open()
    {
        var tenant = TasksFactory.Tenant("reassign-who");
        var (caseId, number, _) = await cases.OpenCaseAsync(tenant, "Guarded Person");
        var supervisor = cases.ClientFor(tenant, "supervisor-olga", "staff", "supervisor");
        var coordinator = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        var callback = (await cases.TasksAsync(supervisor, number, "callback")).Single().GetProperty("id").GetGuid();
        var body = new { owner = "coordinator-boris" };

        // A coordinator hands over a whole case (PUT /cases/{n}/coordinator), not one task of someone else's.
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PutAsJsonAsync($"/tasks/{callback}/owner", body)).StatusCode);
        // Another insurer's supervisor does not find the task, as one that does not exist.
        var foreign = await cases.ClientFor(TasksFactory.Tenant("reassign-other"), "supervisor-ivan", "staff", "supervisor")
            .PutAsJsonAsync($"/tasks/{callback}/owner", body);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.PutAsJsonAsync($"/tasks/{Guid.NewGuid()}/owner", body)).StatusCode);
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND owner IS NOT NULL", ("id", caseId)));

        // Done is done: a completed task keeps whoever did it.
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/tasks/{callback}/complete", new { note = "Called back", result = "reached" })).StatusCode);
        var closed = await supervisor.PutAsJsonAsync($"/tasks/{callback}/owner", body);
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Equal("application/problem+json", closed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE case_id = @id AND kind = 'task-reassigned'", ("id", caseId)));
    }
}
