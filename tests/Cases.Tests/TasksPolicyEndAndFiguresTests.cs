using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Cases.Tasks;

namespace Platform.Cases.Tests;

public sealed class An_expected_discharge_past_the_policy_end(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Creates_one_extension_warning_task_and_one_message_to_the_contact()
    {
        var tenant = TasksFactory.Tenant("policy-end");
        // The policy of the test appeal runs 2026-11-01 to 2026-11-30; the caller speaks Russian.
        var (caseId, number, _) = await cases.OpenCaseAsync(tenant);
        var (withinId, _, _) = await cases.OpenCaseAsync(tenant, "Within Person");
        await cases.ExecuteAsync("UPDATE cases SET status = 'hospitalised', expected_discharge_on = '2026-12-05' WHERE id = @id", ("id", caseId));
        await cases.ExecuteAsync("UPDATE cases SET status = 'hospitalised', expected_discharge_on = '2026-11-28' WHERE id = @id", ("id", withinId));

        await Task.WhenAll(cases.SlaClock.RunOnceAsync(), cases.AnotherSlaClock().RunOnceAsync());
        await cases.SlaClock.RunOnceAsync();

        var warning = (await cases.TasksAsync(cases.ClientFor(tenant), number, "extension-warning")).Single();
        Assert.Contains("2026-11-30", warning.GetProperty("title").GetString());
        Assert.Contains("expected discharge 2026-12-05", warning.GetProperty("title").GetString());
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE tenant_id = @t AND kind = 'extension-warning'", ("t", tenant)));
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM contact_messages WHERE tenant_id = @t", ("t", tenant)));
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM contact_messages WHERE case_id = @id AND kind = 'policy-extension' AND text LIKE '%30.11.2026%' AND text LIKE '%продлить%'",
            ("id", caseId)));
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.PolicyExtensionNeeded,%' AND body->>'caseId' = @id AND body->>'policyEnd' = '2026-11-30'",
            ("id", caseId.ToString())));

        // A planned repatriation past the same end is the same extension: no second warning.
        await cases.ExecuteAsync("UPDATE cases SET repatriation_planned_on = '2026-12-07' WHERE id = @id", ("id", caseId));
        await cases.SlaClock.RunOnceAsync();
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM contact_messages WHERE tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public void Is_explained_to_an_english_speaking_contact_in_english()
    {
        var text = PolicyEndWatch.MessageToContact("en", "TRV-1", new DateOnly(2026, 11, 30), null, new DateOnly(2026, 12, 2));

        Assert.Equal("Your policy TRV-1 ends on 30 November 2026, but the return home is planned for 2 December 2026. Costs after the " +
                     "policy ends are not covered, so the policy must be extended: please arrange an extension with your insurer. We will " +
                     "tell you what is needed.", text);
    }
}

public sealed class Supervisor_figures(TasksFactory cases) : IClassFixture<TasksFactory>
{
    [Fact]
    public async Task Reflect_callbacks_and_control_calls_on_time_and_late()
    {
        var tenant = TasksFactory.Tenant("figures");
        var from = cases.Clock.GetUtcNow().AddHours(-1);
        var completions = new ConcurrentBag<(string Instrument, string Timeliness)>();
        using var listener = Listen(tenant, completions);

        var (onTimeCase, onTimeNumber, _) = await cases.OpenCaseAsync(tenant, "On Time Person");
        var (_, lateNumber, _) = await cases.OpenCaseAsync(tenant, "Late Person");
        var coordinator = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");

        // One callback kept 30 minutes after opening, the other two hours after, an hour past its promise.
        cases.Clock.Advance(TimeSpan.FromMinutes(30));
        await CompleteAsync(coordinator, onTimeNumber, "callback");
        cases.Clock.Advance(TimeSpan.FromMinutes(90));
        await CompleteAsync(coordinator, lateNumber, "callback");

        // A daily control call made two hours late.
        await cases.ExecuteAsync("UPDATE cases SET status = 'hospitalised' WHERE id = @id", ("id", onTimeCase));
        await cases.SlaClock.RunOnceAsync();
        cases.Clock.Advance(TimeSpan.FromHours(26));
        await CompleteAsync(coordinator, onTimeNumber, "control-call", "reached");
        await cases.SlaClock.RunOnceAsync();

        var to = cases.Clock.GetUtcNow().AddHours(1);
        var supervisor = cases.ClientFor(tenant, "supervisor-olga", "staff", "supervisor");
        var figures = await supervisor.GetFromJsonAsync<JsonElement>(
            $"/supervisor/figures?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");

        var callbacks = figures.GetProperty("callbacks");
        Assert.Equal(1, callbacks.GetProperty("onTime").GetInt64());
        Assert.Equal(1, callbacks.GetProperty("late").GetInt64());
        Assert.Equal(50.0, callbacks.GetProperty("onTimePercent").GetDouble());
        var controlCalls = figures.GetProperty("controlCalls");
        Assert.Equal(0, controlCalls.GetProperty("onTime").GetInt64());
        Assert.Equal(1, controlCalls.GetProperty("late").GetInt64());
        Assert.Equal(0.0, controlCalls.GetProperty("onTimePercent").GetDouble());
        var firstContact = figures.GetProperty("timeToFirstContact");
        Assert.Equal(2, firstContact.GetProperty("casesContacted").GetInt64());
        Assert.Equal(75.0, firstContact.GetProperty("medianMinutes").GetDouble(), 1);   // 30 and 120 minutes
        Assert.Equal(111.0, firstContact.GetProperty("p90Minutes").GetDouble(), 1);
        if (figures.GetProperty("openCasesGroupedBy").GetString() == "coordinator")
            Assert.Equal(2, figures.GetProperty("openCasesPerCoordinator").EnumerateArray().Sum(c => c.GetProperty("openCases").GetInt64()));
        // The next daily control call is open and not yet due: nothing is overdue now.
        Assert.Equal(0, figures.GetProperty("overdueTasks").GetProperty("openNow").GetInt64());

        Assert.Equal(0, (await cases.ClientFor(TasksFactory.Tenant("figures-other")).GetFromJsonAsync<JsonElement>("/supervisor/figures"))
            .GetProperty("callbacks").GetProperty("onTime").GetInt64());
        Assert.Contains(("sla.callbacks.completed", "on-time"), completions);
        Assert.Contains(("sla.callbacks.completed", "late"), completions);
        Assert.Contains(("sla.control_calls.completed", "late"), completions);
    }

    [Fact]
    public async Task Reject_a_period_that_ends_before_it_starts()
    {
        var response = await cases.ClientFor(TasksFactory.Tenant("figures-invalid")).GetAsync("/supervisor/figures?from=2026-11-20T00:00:00Z&to=2026-11-10T00:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("from", out _));
    }

    private async Task CompleteAsync(HttpClient coordinator, string number, string kind, string? result = null)
    {
        var task = (await cases.TasksAsync(coordinator, number, kind)).Single(t => t.GetProperty("status").GetString() == "open");
        var response = await coordinator.PostAsJsonAsync($"/tasks/{task.GetProperty("id").GetGuid()}/complete", new { note = "Called", result });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Completions counted by the <c>Platform.Cases.Sla</c> meter for <paramref name="tenant"/>.</summary>
    private static MeterListener Listen(string tenant, ConcurrentBag<(string, string)> seen)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SlaMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            string? t = null, timeliness = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "tenant") t = tag.Value as string;
                if (tag.Key == "timeliness") timeliness = tag.Value as string;
            }
            if (t == tenant && timeliness is not null) seen.Add((instrument.Name, timeliness));
        });
        listener.Start();
        return listener;
    }
}
