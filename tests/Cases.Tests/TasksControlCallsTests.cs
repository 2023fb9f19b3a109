using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Cases.Tests;

public sealed class A_hospitalised_case(TasksFactory cases) : IClassFixture<TasksFactory>
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(1); // PostgreSQL keeps microseconds

    [Fact]
    public async Task Gets_a_daily_control_call_and_the_next_one_after_completing()
    {
        var tenant = TasksFactory.Tenant("control-daily");
        // One control call per calendar day (UTC): opened before 04:00, the first call (a day later) and the next one
        // (20 h after that) would fall on the same day and the next would move on by a day. Open it later in the day.
        if (cases.Clock.GetUtcNow().Hour < 6) cases.Clock.Advance(TimeSpan.FromHours(6 - cases.Clock.GetUtcNow().Hour));
        var openedAt = cases.Clock.GetUtcNow();
        var (caseId, number, _) = await cases.OpenCaseAsync(tenant);
        await cases.ExecuteAsync("UPDATE cases SET status = 'hospitalised' WHERE id = @id", ("id", caseId));
        var coordinator = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");

        await cases.SlaClock.RunOnceAsync();
        await cases.SlaClock.RunOnceAsync();

        var first = (await cases.TasksAsync(coordinator, number, "control-call")).Single();
        Assert.Equal(openedAt.AddDays(1), first.GetProperty("dueAt").GetDateTimeOffset(), Tolerance);
        Assert.Equal("Control call (hospitalised, daily)", first.GetProperty("title").GetString());

        // A control call says whether anyone was reached.
        var firstId = first.GetProperty("id").GetGuid();
        var withoutResult = await coordinator.PostAsJsonAsync($"/tasks/{firstId}/complete", new { note = "Spoke to the ward" });
        Assert.Equal(HttpStatusCode.BadRequest, withoutResult.StatusCode);
        Assert.True((await withoutResult.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("result", out _));

        cases.Clock.Advance(TimeSpan.FromHours(20));
        var completedAt = cases.Clock.GetUtcNow();
        var done = await coordinator.PostAsJsonAsync($"/tasks/{firstId}/complete",
            new { note = "Patient stable, discharge expected in three days", result = "reached" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("reached", (await done.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString());

        await cases.SlaClock.RunOnceAsync();

        var controlCalls = await cases.TasksAsync(coordinator, number, "control-call");
        var next = controlCalls.Single(t => t.GetProperty("status").GetString() == "open");
        Assert.Equal(completedAt.AddDays(1), next.GetProperty("dueAt").GetDateTimeOffset(), Tolerance);
        Assert.Equal(2, controlCalls.Length);
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'control-call' AND status = 'open'", ("id", caseId)));
    }

    [Fact]
    public async Task Gets_no_more_control_calls_once_closed()
    {
        var tenant = TasksFactory.Tenant("control-closed");
        var (caseId, _, _) = await cases.OpenCaseAsync(tenant, "Closing Person");
        await cases.ExecuteAsync("UPDATE cases SET status = 'hospitalised' WHERE id = @id", ("id", caseId));
        await cases.SlaClock.RunOnceAsync();
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'control-call' AND status = 'open'", ("id", caseId)));

        await cases.ExecuteAsync("UPDATE cases SET status = 'closed' WHERE id = @id", ("id", caseId));
        await cases.SlaClock.RunOnceAsync();
        await cases.SlaClock.RunOnceAsync();

        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'control-call' AND status = 'open'", ("id", caseId)));
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'control-call' AND status = 'cancelled'", ("id", caseId)));
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE case_id = @id AND kind = 'task-cancelled'", ("id", caseId)));
    }

    [Fact]
    public async Task Gets_the_interval_of_its_new_status_when_discharged_to_outpatient_care()
    {
        var tenant = TasksFactory.Tenant("control-outpatient");
        var (caseId, number, _) = await cases.OpenCaseAsync(tenant, "Outpatient Person");
        await cases.ExecuteAsync("UPDATE cases SET status = 'hospitalised' WHERE id = @id", ("id", caseId));
        await cases.SlaClock.RunOnceAsync();

        await cases.ExecuteAsync("UPDATE cases SET status = 'outpatient' WHERE id = @id", ("id", caseId));
        await cases.SlaClock.RunOnceAsync();

        var open = (await cases.TasksAsync(cases.ClientFor(tenant), number, "control-call")).Single(t => t.GetProperty("status").GetString() == "open");
        Assert.Equal("Control call (outpatient, every 2 days)", open.GetProperty("title").GetString());
    }
}

public sealed class The_insurers_control_call_setting(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Changes_the_interval_for_that_insurer_only()
    {
        var (tenant, other) = (TasksFactory.Tenant("control-setting"), TasksFactory.Tenant("control-default"));
        var insurer = cases.ClientFor(tenant);
        var defaults = await insurer.GetFromJsonAsync<JsonElement>("/settings/control-calls");
        Assert.True(defaults.GetProperty("isDefault").GetBoolean());
        Assert.Equal(1, defaults.GetProperty("everyDays").GetProperty("hospitalised").GetInt32());
        Assert.Equal(2, defaults.GetProperty("everyDays").GetProperty("outpatient").GetInt32());
        Assert.Equal(JsonValueKind.Null, defaults.GetProperty("everyDays").GetProperty("closed").ValueKind);

        var put = await insurer.PutAsJsonAsync("/settings/control-calls", new { everyDays = new Dictionary<string, int?> { ["hospitalised"] = 3, ["outpatient"] = null } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(saved.GetProperty("isDefault").GetBoolean());
        Assert.Equal(3, saved.GetProperty("everyDays").GetProperty("hospitalised").GetInt32());
        Assert.Equal(JsonValueKind.Null, saved.GetProperty("everyDays").GetProperty("outpatient").ValueKind);

        var settingAt = cases.Clock.GetUtcNow();
        var (mine, mineNumber, _) = await cases.OpenCaseAsync(tenant, "Setting Person");
        var (theirs, theirNumber, _) = await cases.OpenCaseAsync(other, "Setting Person");
        await cases.ExecuteAsync("UPDATE cases SET status = 'hospitalised' WHERE id IN (@a, @b)", ("a", mine), ("b", theirs));
        await cases.SlaClock.RunOnceAsync();

        var every3 = (await cases.TasksAsync(insurer, mineNumber, "control-call")).Single();
        Assert.Equal(settingAt.AddDays(3), every3.GetProperty("dueAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal("Control call (hospitalised, every 3 days)", every3.GetProperty("title").GetString());
        var daily = (await cases.TasksAsync(cases.ClientFor(other), theirNumber, "control-call")).Single();
        Assert.Equal(settingAt.AddDays(1), daily.GetProperty("dueAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.True((await cases.ClientFor(other).GetFromJsonAsync<JsonElement>("/settings/control-calls")).GetProperty("isDefault").GetBoolean());
    }

    [Fact]
    public async Task Gives_calls_in_a_status_the_defaults_leave_without_them()
    {
        // The clock reads only the statuses some rule covers; an insurer's rule for "open" adds that status for them.
        var (tenant, other) = (TasksFactory.Tenant("control-open"), TasksFactory.Tenant("control-open-default"));
        var insurer = cases.ClientFor(tenant);
        var put = await insurer.PutAsJsonAsync("/settings/control-calls", new { everyDays = new Dictionary<string, int?> { ["open"] = 5 } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var (_, mineNumber, _) = await cases.OpenCaseAsync(tenant, "Open Person");
        var (_, theirNumber, _) = await cases.OpenCaseAsync(other, "Open Person");
        await cases.SlaClock.RunOnceAsync();

        var call = (await cases.TasksAsync(insurer, mineNumber, "control-call")).Single();
        Assert.Equal("Control call (open, every 5 days)", call.GetProperty("title").GetString());
        Assert.Empty(await cases.TasksAsync(cases.ClientFor(other), theirNumber, "control-call"));
    }

    [Fact]
    public async Task Rejects_unknown_statuses_bad_intervals_and_calls_for_closed_cases()
    {
        var tenant = TasksFactory.Tenant("control-invalid");
        var response = await cases.ClientFor(tenant).PutAsJsonAsync("/settings/control-calls",
            new { everyDays = new Dictionary<string, int?> { ["lost"] = 1, ["closed"] = 1, ["outpatient"] = 0, ["hospitalised"] = 1 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "everyDays.lost", "everyDays.closed", "everyDays.outpatient" })
            Assert.True(errors.TryGetProperty(field, out _), $"{field} is named: {errors}");
        Assert.False(errors.TryGetProperty("everyDays.hospitalised", out _));
        Assert.True((await cases.ClientFor(tenant).GetFromJsonAsync<JsonElement>("/settings/control-calls")).GetProperty("isDefault").GetBoolean());
    }
}
