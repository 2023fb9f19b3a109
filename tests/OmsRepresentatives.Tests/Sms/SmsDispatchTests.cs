using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.OmsRepresentatives.Campaigns;
using Platform.OmsRepresentatives.Sms;
using Platform.OmsRepresentatives.Tests.Service;
using Platform.Tests;

namespace Platform.OmsRepresentatives.Tests.Sms;

[Collection(SmsService.Name)]
public sealed class SmsDispatchTests(SmsFactory service)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sends_todays_reminders_and_the_reports_mark_them_delivered_or_undelivered_but_not_tomorrows_nor_a_cancelled_campaigns()
    {
        var tenant = OmsFactory.Tenant("sms-today");
        var today = service.Today;
        var campaign = await service.CampaignAsync(tenant);
        var cancelled = await service.CampaignAsync(tenant, status: "cancelled");
        var (anna, absent, plain) = (SmsFactory.Phone(), SmsFactory.Phone(99), SmsFactory.Phone());
        var due = await service.InvitationsAsync(tenant, campaign, today,
            [(anna, PreventiveKinds.Dispanserization, "Петрова Анна Сергеевна"), (absent, PreventiveKinds.Checkup, "Сидоров Пётр Ильич"),
             (plain, PreventiveKinds.Dispensary, null)]);
        var tomorrow = await service.InvitationsAsync(tenant, campaign, today.AddDays(1), [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        var ofCancelled = await service.InvitationsAsync(tenant, cancelled, today, [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        try
        {
            await Eventually.True(async () => (await service.DeliveryAsync(tenant)).Where(r => due.Contains(r.Key)).All(r => r.Value.Delivery is "delivered" or "undelivered"),
                Wait, "today's reminders were sent and their delivery reports applied");

            var rows = await service.DeliveryAsync(tenant);
            Assert.Equal("delivered", rows[due[0]].Delivery);
            Assert.NotNull(rows[due[0]].DeliveredAt);
            Assert.Equal("undelivered", rows[due[1]].Delivery);
            Assert.Equal("absent subscriber", rows[due[1]].LastError);
            Assert.Null(rows[due[1]].DeliveredAt);
            Assert.Equal("delivered", rows[due[2]].Delivery);
            Assert.All(due, id => Assert.Equal(1, rows[id].Attempts));
            Assert.Equal("pending", rows[tomorrow[0]].Delivery);
            Assert.Equal("pending", rows[ofCancelled[0]].Delivery);

            var sent = await service.SimulatorMessagesAsync(due.Concat(tomorrow).Concat(ofCancelled));
            Assert.Equal(due.Order(), sent.Keys.Order());
            var toAnna = sent[due[0]];
            Assert.Equal(anna, toAnna.GetProperty("to").GetString());
            Assert.Equal(rows[due[0]].ProviderId, toAnna.GetProperty("id").GetString());
            Assert.Equal("SMO-TEST", toAnna.GetProperty("sender").GetString());
            Assert.Equal(ReminderTexts.For(PreventiveKinds.Dispanserization, "Петрова Анна Сергеевна", 2026, "770101", "СМО «Здоровье»", "8-800-100-20-30"),
                toAnna.GetProperty("text").GetString());
            Assert.StartsWith("Анна Сергеевна, пройдите в 2026 г. бесплатную диспансеризацию в поликлинике 770101.", toAnna.GetProperty("text").GetString());
            Assert.StartsWith("Пройдите в 2026 г. диспансерный осмотр у врача в поликлинике 770101.", sent[due[2]].GetProperty("text").GetString());
            Assert.All(sent.Values, m => Assert.True(m.GetProperty("segments").GetInt32() <= 2));

            // Today's figures for the supervisor: the SMO's date, by delivery state.
            var status = await service.Staff(tenant, "oms-supervisor").GetFromJsonAsync<JsonElement>("/sms/status");
            Assert.Equal(today.ToString("yyyy-MM-dd"), status.GetProperty("date").GetString());
            Assert.Equal(2, status.GetProperty("delivered").GetInt32());
            Assert.Equal(1, status.GetProperty("undelivered").GetInt32());
            Assert.Equal(0, status.GetProperty("pending").GetInt32());
            Assert.True(status.GetProperty("window").GetProperty("open").GetBoolean());

            // The next day, tomorrow's goes out; the cancelled campaign's never does.
            service.Clock.Advance(TimeSpan.FromDays(1));
            await Eventually.True(async () => (await service.DeliveryAsync(tenant))[tomorrow[0]].Delivery == "delivered", Wait, "tomorrow's reminder went out the next day");
            await Task.Delay(500);
            Assert.Equal("pending", (await service.DeliveryAsync(tenant))[ofCancelled[0]].Delivery);
            Assert.Empty(await service.SimulatorMessagesAsync(ofCancelled));
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task Sends_no_more_than_the_configured_number_a_second()
    {
        var tenant = OmsFactory.Tenant("sms-rate");
        var campaign = await service.CampaignAsync(tenant);
        const int count = 120;
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today,
            [.. Enumerable.Range(0, count).Select(_ => (SmsFactory.Phone(), PreventiveKinds.Checkup, (string?)null))]);
        try
        {
            await Eventually.True(async () => (await service.SimulatorMessagesAsync(ids)).Count == count, Wait, "all were sent");
            var times = (await service.SimulatorMessagesAsync(ids)).Values.Select(m => m.GetProperty("receivedAt").GetDateTimeOffset()).Order().ToList();
            var span = times[^1] - times[0];
            // A full bucket may go at once, every further PerSecond take a second at least.
            var least = TimeSpan.FromSeconds((double)(count - SmsFactory.PerSecond) / SmsFactory.PerSecond);
            Assert.True(span >= least * 0.95, $"{count} SMS went out within {span.TotalSeconds:0.00} s, faster than {SmsFactory.PerSecond} a second allows ({least.TotalSeconds:0.00} s).");
            // Roughly no more than PerSecond in any second: each request's answer takes its own time, so a quarter more is allowed.
            var busiest = times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
            Assert.True(busiest <= SmsFactory.PerSecond * 1.25, $"{busiest} SMS went out within a second (at most {SmsFactory.PerSecond} a second).");
            Console.WriteLine($"Throttle at {SmsFactory.PerSecond}/s: {count} SMS in {span.TotalSeconds:0.00} s, {(count - 1) / span.TotalSeconds:0.0}/s, at most {busiest} in one second.");
            Assert.True(span < TimeSpan.FromSeconds(15), $"the throttle held them back too long: {span.TotalSeconds:0.00} s");
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task A_provider_outage_leaves_them_pending_with_the_error_and_they_go_out_once_it_is_back()
    {
        var tenant = OmsFactory.Tenant("sms-outage");
        var campaign = await service.CampaignAsync(tenant);
        (await service.SimulatorApi.PutAsJsonAsync("/simulator/outage", new { status = 500 })).EnsureSuccessStatusCode();
        long[] ids = [];
        try
        {
            ids = await service.InvitationsAsync(tenant, campaign, service.Today,
                [(SmsFactory.Phone(), PreventiveKinds.Checkup, null), (SmsFactory.Phone(), PreventiveKinds.InDepth, null)]);
            await Eventually.True(async () => (await service.DeliveryAsync(tenant)).Values.All(r => r.Attempts == 1 && r.Delivery == "pending"),
                Wait, "the failed attempt was recorded");
            var rows = await service.DeliveryAsync(tenant);
            Assert.All(rows.Values, r => Assert.Contains("500", r.LastError));
            Assert.All(rows.Values, r => Assert.Null(r.ProviderId));
            var status = await service.Staff(tenant, "oms-supervisor").GetFromJsonAsync<JsonElement>("/sms/status");
            Assert.Contains("500", status.GetProperty("provider").GetProperty("lastError").GetString());
            Assert.Equal(2, status.GetProperty("pending").GetInt32());
            // Not tried again before the backoff has passed.
            await Task.Delay(1000);
            Assert.All((await service.DeliveryAsync(tenant)).Values, r => Assert.Equal(1, r.Attempts));
        }
        finally
        {
            (await service.SimulatorApi.DeleteAsync("/simulator/outage")).EnsureSuccessStatusCode();
        }
        try
        {
            service.Clock.Advance(TimeSpan.FromMinutes(2));
            await Eventually.True(async () => (await service.DeliveryAsync(tenant)).Values.All(r => r.Delivery == "delivered"), Wait, "they went out once the provider was back");
            Assert.All((await service.DeliveryAsync(tenant)).Values, r => Assert.Equal(2, r.Attempts));
            Assert.Equal(2, (await service.SimulatorMessagesAsync(ids)).Count);
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task A_provider_that_is_down_is_tried_again_and_after_the_last_attempt_the_reminder_is_undelivered()
    {
        var tenant = OmsFactory.Tenant("sms-down");
        var campaign = await service.CampaignAsync(tenant);
        await service.StopSimulatorAsync();
        try
        {
            var ids = await service.InvitationsAsync(tenant, campaign, service.Today, [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                await Eventually.True(async () => (await service.DeliveryAsync(tenant))[ids[0]].Attempts == attempt, Wait, $"attempt {attempt} was recorded");
                service.Clock.Advance(TimeSpan.FromMinutes(40)); // past the longest backoff (30 minutes)
            }
            var row = (await service.DeliveryAsync(tenant))[ids[0]];
            Assert.Equal("undelivered", row.Delivery);
            Assert.Contains("could not be reached", row.LastError);
        }
        finally
        {
            await service.StartSimulatorAsync();
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task Two_dispatchers_over_one_database_never_send_an_invitation_twice()
    {
        var tenant = OmsFactory.Tenant("sms-twice");
        var campaign = await service.CampaignAsync(tenant);
        const int count = 150;
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today,
            [.. Enumerable.Range(0, count).Select(_ => (SmsFactory.Phone(), PreventiveKinds.Dispanserization, (string?)"Иванов Иван Иванович"))]);
        try
        {
            // Two more senders over the same database (as two more replicas would be), racing the service's own.
            var others = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<SmsDispatcher>(service.Services)).ToList();
            await Task.WhenAll(others.Select(d => Task.Run(async () =>
            {
                var deadline = DateTime.UtcNow + Wait;
                while (DateTime.UtcNow < deadline && (await service.DeliveryAsync(tenant)).Values.Any(r => r.Delivery is "pending" or "sending"))
                    await d.SendBatchAsync(CancellationToken.None);
            })));
            await Eventually.True(async () => (await service.DeliveryAsync(tenant)).Values.All(r => r.Delivery == "delivered"), Wait, "all were delivered");

            var rows = await service.DeliveryAsync(tenant);
            Assert.All(rows.Values, r => Assert.Equal(1, r.Attempts));
            Assert.Equal(count, rows.Values.Select(r => r.ProviderId).Distinct().Count());
            var sent = await service.SimulatorMessagesAsync(ids);
            Assert.Equal(count, sent.Count);
            Assert.All(sent.Values, m => Assert.Equal(1, m.GetProperty("submissions").GetInt32()));
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task A_reminder_left_sending_by_a_stopped_replica_is_taken_again()
    {
        var tenant = OmsFactory.Tenant("sms-stuck");
        var campaign = await service.CampaignAsync(tenant);
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today, [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        try
        {
            Assert.Equal(1, await service.CountAsync(
                "WITH u AS (UPDATE invitations SET delivery = 'sending', next_attempt_at = @until WHERE id = @id RETURNING 1) SELECT count(*) FROM u",
                ("id", ids[0]), ("until", service.Clock.GetUtcNow() + TimeSpan.FromMinutes(5))));
            await Task.Delay(1000);
            Assert.Equal("sending", (await service.DeliveryAsync(tenant))[ids[0]].Delivery); // its claim holds
            service.Clock.Advance(TimeSpan.FromMinutes(6));
            await Eventually.True(async () => (await service.DeliveryAsync(tenant))[ids[0]].Delivery == "delivered", Wait, "the stuck reminder was sent");
            Assert.Equal(2, (await service.DeliveryAsync(tenant))[ids[0]].Attempts);
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public async Task The_report_endpoint_refuses_a_wrong_token_and_applies_a_report_once()
    {
        var tenant = OmsFactory.Tenant("sms-reports");
        var campaign = await service.CampaignAsync(tenant);
        var ids = await service.InvitationsAsync(tenant, campaign, service.Today.AddDays(30), [(SmsFactory.Phone(), PreventiveKinds.Checkup, null)]);
        var providerId = $"test-{Guid.NewGuid():N}";
        try
        {
            await service.CountAsync(
                "WITH u AS (UPDATE invitations SET delivery = 'sent', provider_message_id = @pid, sent_at = now() WHERE id = @id RETURNING 1) SELECT count(*) FROM u",
                ("id", ids[0]), ("pid", providerId));
            using var provider = service.CreateClient();
            var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(3));
            object Body(string status) => new { reports = new object[] { new { id = providerId, reference = ids[0].ToString(), status, at }, new { id = "no-such-id", status = "delivered", at } } };

            async Task<HttpResponseMessage> PostAsync(string? token, object body)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/sms/delivery-reports") { Content = JsonContent.Create(body) };
                if (token is not null) request.Headers.Add("X-Report-Token", token);
                return await provider.SendAsync(request);
            }

            foreach (var token in new[] { null, "wrong-token", SmsFactory.ReportToken + "x" })
            {
                var refused = await PostAsync(token, Body("delivered"));
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.Equal("urn:platform:problem:unauthenticated", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
            }
            Assert.Equal("sent", (await service.DeliveryAsync(tenant))[ids[0]].Delivery);

            var bad = await PostAsync(SmsFactory.ReportToken, new { reports = new[] { new { id = providerId, status = "read" } } });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reports[0].status", out _));

            for (var i = 0; i < 2; i++)
            {
                var ok = await PostAsync(SmsFactory.ReportToken, Body("delivered"));
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                var applied = await ok.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(1, applied.GetProperty("applied").GetInt32());
                Assert.Equal(1, applied.GetProperty("unknown").GetInt32());
            }
            // A late contrary report does not undo the first outcome.
            (await PostAsync(SmsFactory.ReportToken, Body("undelivered"))).EnsureSuccessStatusCode();
            var row = (await service.DeliveryAsync(tenant))[ids[0]];
            Assert.Equal("delivered", row.Delivery);
            Assert.Equal(at, row.DeliveredAt);
        }
        finally
        {
            await service.CancelLeftoversAsync(tenant);
        }
    }

    [Fact]
    public Task Names_who_may_call_it() => AccessMatrix.VerifyAsync(service);
}
